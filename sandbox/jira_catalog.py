"""Static Jira site configuration: statuses, issue types, priorities and the field catalogue.

These mirror a company-managed Jira Cloud software site. The story points and sprint fields are
custom fields whose ids must be discovered from /rest/api/3/field by their `schema.custom` type.
Two site variants change the catalogue: `story_point_fields="both"` adds the classic "Story Points"
number field next to "Story point estimate" (sites that predate team-managed projects have both),
and `sprint_field_format="legacy"` declares the Sprint field as an array of strings, the
greenhopper `toString()` form older sites still serve.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

STORY_POINTS_NUM = 10016
SPRINT_NUM = 10020
STORY_POINTS_FIELD = f"customfield_{STORY_POINTS_NUM}"
SPRINT_FIELD = f"customfield_{SPRINT_NUM}"
CLASSIC_POINTS_NUM = 10028
CLASSIC_POINTS_FIELD = f"customfield_{CLASSIC_POINTS_NUM}"
FLOAT_TYPE = "com.atlassian.jira.plugin.system.customfieldtypes:float"
TEXT_TYPE = "com.atlassian.jira.plugin.system.customfieldtypes:textfield"
# The custom field type an admin picks for a plain number or a one-line text field, by schema.type.
PLAIN_CUSTOM_TYPES = {"number": FLOAT_TYPE, "string": TEXT_TYPE}
# Story points field id -> the field name Jira writes in changelog items and /field.
POINTS_FIELD_NAMES = {STORY_POINTS_FIELD: "Story point estimate", CLASSIC_POINTS_FIELD: "Story Points"}
RANK_FIELD = "customfield_10019"
FLAGGED_FIELD = "customfield_10021"
# The risk register's fields (issues of type Risk, sandbox.gen_risks): a select list, a number that
# holds a 1-5 rating or an amount of money, and a rich-text mitigation plan.
PROBABILITY_FIELD = "customfield_10035"
IMPACT_FIELD = "customfield_10036"
MITIGATION_FIELD = "customfield_10037"
SELECT_TYPE = "com.atlassian.jira.plugin.system.customfieldtypes:select"
TEXTAREA_TYPE = "com.atlassian.jira.plugin.system.customfieldtypes:textarea"


@dataclass(frozen=True)
class StatusCategory:
    """Jira's three status categories (plus `undefined`, unused here)."""

    id: int
    key: str
    name: str
    color: str


TODO = StatusCategory(2, "new", "To Do", "blue-gray")
IN_PROGRESS = StatusCategory(4, "indeterminate", "In Progress", "yellow")
DONE = StatusCategory(3, "done", "Done", "green")


@dataclass(frozen=True)
class Status:
    id: str
    name: str
    category: StatusCategory


STATUS_TODO = Status("10000", "To Do", TODO)
STATUS_IN_PROGRESS = Status("3", "In Progress", IN_PROGRESS)
STATUS_IN_REVIEW = Status("10001", "In Review", IN_PROGRESS)
STATUS_DONE = Status("10002", "Done", DONE)
STATUSES = (STATUS_TODO, STATUS_IN_PROGRESS, STATUS_IN_REVIEW, STATUS_DONE)
STATUS_BY_ID = {s.id: s for s in STATUSES}

# name -> (id, hierarchy level, description)
ISSUE_TYPES: dict[str, tuple[str, int, str]] = {
    "Story": ("10001", 0, "Functionality or a feature expressed as a user goal."),
    "Bug": ("10004", 0, "A problem or error."),
    "Task": ("10002", 0, "A small, distinct piece of work."),
}
# The realistic profile also has epics (hierarchy level 1), the parents of its stories, tasks and bugs.
EPIC = "Epic"
ALL_ISSUE_TYPES: dict[str, tuple[str, int, str]] = {
    **ISSUE_TYPES,
    EPIC: ("10000", 1, "A big user story that needs to be broken down."),
    # The demo profile's risk register issues (sandbox.gen_risks).
    "Risk": ("10005", 0, "A threat to the project's dates or cost, with its probability and impact."),
}
PRIORITIES: dict[str, str] = {"Highest": "1", "High": "2", "Medium": "3", "Low": "4", "Lowest": "5"}
RESOLUTION_DONE = ("10000", "Done", "Work has been completed on this issue.")
FLAG_IMPEDIMENT = ("10019", "Impediment")


def _system(
    fid: str, name: str, schema: dict[str, Any] | None, clause: list[str], navigable: bool = True
) -> dict[str, Any]:
    field: dict[str, Any] = {
        "id": fid,
        "key": fid,
        "name": name,
        "custom": False,
        "orderable": fid not in ("created", "updated", "resolutiondate", "status", "project", "creator"),
        "navigable": navigable,
        "searchable": True,
        "clauseNames": clause,
    }
    if schema is not None:
        field["schema"] = schema
    return field


def custom_field(num: int, name: str, custom: str, schema_type: str, items: str | None = None) -> dict[str, Any]:
    """A custom field as GET /rest/api/3/field lists it (`customId` is the number in its id)."""
    fid = f"customfield_{num}"
    schema: dict[str, Any] = {"type": schema_type, "custom": custom, "customId": num}
    if items is not None:
        schema["items"] = items
    return {
        "id": fid,
        "key": fid,
        "name": name,
        "custom": True,
        "orderable": True,
        "navigable": True,
        "searchable": True,
        "clauseNames": [fid, f"cf[{num}]", name],
        "schema": schema,
    }


def field_catalogue(story_point_fields: str = "estimate", sprint_field_format: str = "json") -> list[dict[str, Any]]:
    """The body of GET /rest/api/3/field for a site variant: system fields first, then custom fields."""
    sprint_items = "string" if sprint_field_format == "legacy" else "json"
    fields = [
        _system("issuekey", "Key", None, ["id", "issue", "issuekey", "key"]),
        _system("summary", "Summary", {"type": "string", "system": "summary"}, ["summary"]),
        _system("issuetype", "Issue Type", {"type": "issuetype", "system": "issuetype"}, ["issuetype", "type"]),
        _system("status", "Status", {"type": "status", "system": "status"}, ["status"]),
        _system("project", "Project", {"type": "project", "system": "project"}, ["project"]),
        _system("priority", "Priority", {"type": "priority", "system": "priority"}, ["priority"]),
        _system("assignee", "Assignee", {"type": "user", "system": "assignee"}, ["assignee"]),
        _system("reporter", "Reporter", {"type": "user", "system": "reporter"}, ["reporter"]),
        _system("creator", "Creator", {"type": "user", "system": "creator"}, ["creator"]),
        _system("created", "Created", {"type": "datetime", "system": "created"}, ["created", "createdDate"]),
        _system("updated", "Updated", {"type": "datetime", "system": "updated"}, ["updated", "updatedDate"]),
        _system("resolution", "Resolution", {"type": "resolution", "system": "resolution"}, ["resolution"]),
        _system(
            "resolutiondate",
            "Resolved",
            {"type": "datetime", "system": "resolutiondate"},
            ["resolutiondate", "resolved"],
        ),
        _system(
            "statuscategorychangedate",
            "Status Category Changed",
            {"type": "datetime", "system": "statuscategorychangedate"},
            ["statusCategoryChangedDate"],
        ),
        _system("duedate", "Due date", {"type": "date", "system": "duedate"}, ["due", "duedate"]),
        _system("labels", "Labels", {"type": "array", "items": "string", "system": "labels"}, ["labels"]),
        _system(
            "issuelinks",
            "Linked Issues",
            {"type": "array", "items": "issuelinks", "system": "issuelinks"},
            ["issueLink"],
        ),
        _system("description", "Description", {"type": "string", "system": "description"}, ["description"]),
        _system("timespent", "Time Spent", {"type": "number", "system": "timespent"}, ["timespent"]),
        _system("worklog", "Log Work", {"type": "array", "items": "worklog", "system": "worklog"}, [], False),
        custom_field(
            10000, "Development", "com.atlassian.jira.plugins.jira-development-integration-plugin:devsummarycf", "any"
        ),
        custom_field(10015, "Start date", "com.atlassian.jira.plugin.system.customfieldtypes:datepicker", "date"),
        custom_field(STORY_POINTS_NUM, "Story point estimate", "com.pyxis.greenhopper.jira:jsw-story-points", "number"),
        custom_field(10019, "Rank", "com.pyxis.greenhopper.jira:gh-lexo-rank", "any"),
        custom_field(SPRINT_NUM, "Sprint", "com.pyxis.greenhopper.jira:gh-sprint", "array", sprint_items),
        custom_field(
            10021, "Flagged", "com.atlassian.jira.plugin.system.customfieldtypes:multicheckboxes", "array", "option"
        ),
        custom_field(10034, "Team satisfaction", "com.atlassian.jira.plugin.system.customfieldtypes:select", "option"),
        custom_field(10035, "Probability", SELECT_TYPE, "option"),
        custom_field(10036, "Impact", FLOAT_TYPE, "number"),
        custom_field(10037, "Mitigation", TEXTAREA_TYPE, "string"),
    ]
    if story_point_fields == "both":
        fields.append(custom_field(CLASSIC_POINTS_NUM, "Story Points", FLOAT_TYPE, "number"))
    return fields
