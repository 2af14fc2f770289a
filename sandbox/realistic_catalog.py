"""The realistic profile's field catalogue: every system field of a Cloud site and 97 custom fields.

System fields are those of a real Cloud `GET /rest/api/3/field` (bitovi-training-fields.json, 44
system entries), with its names, clause names and flags; the custom fields are
sandbox.realistic_fields'. Fields of the team-managed project carry a PROJECT `scope`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sandbox.jira_catalog import CLASSIC_POINTS_NUM, FLOAT_TYPE, SPRINT_NUM, custom_field, field_catalogue
from sandbox.realistic_fields import CUSTOM_FIELDS, CustomField

if TYPE_CHECKING:
    from sandbox.portfolio import Portfolio

# (id, name, schema type, items, clause names, orderable, navigable, searchable), as a Cloud site lists them.
_SYSTEM: tuple[tuple[str, str, str | None, str | None, tuple[str, ...], bool, bool, bool], ...] = (
    (
        "statuscategorychangedate",
        "Status Category Changed",
        "datetime",
        None,
        ("statusCategoryChangedDate",),
        False,
        True,
        True,
    ),
    ("parent", "Parent", None, None, ("parent",), False, True, False),
    ("fixVersions", "Fix versions", "array", "version", ("fixVersion",), True, True, True),
    ("statusCategory", "Status Category", None, None, ("statusCategory",), False, True, True),
    ("resolution", "Resolution", "resolution", None, ("resolution",), True, True, True),
    ("lastViewed", "Last Viewed", "datetime", None, ("lastViewed",), False, True, False),
    ("priority", "Priority", "priority", None, ("priority",), True, True, True),
    ("labels", "Labels", "array", "string", ("labels",), True, True, True),
    ("timeestimate", "Remaining Estimate", "number", None, ("remainingEstimate", "timeestimate"), False, True, False),
    ("aggregatetimeoriginalestimate", "Σ Original Estimate", "number", None, (), False, True, False),
    ("versions", "Affects versions", "array", "version", ("affectedVersion",), True, True, True),
    ("issuelinks", "Linked Issues", "array", "issuelinks", ("issueLink",), True, True, True),
    ("assignee", "Assignee", "user", None, ("assignee",), True, True, True),
    ("status", "Status", "status", None, ("status",), False, True, True),
    ("components", "Components", "array", "component", ("component",), True, True, True),
    ("issuekey", "Key", None, None, ("id", "issue", "issuekey", "key"), False, True, False),
    ("aggregatetimeestimate", "Σ Remaining Estimate", "number", None, (), False, True, False),
    ("creator", "Creator", "user", None, ("creator",), False, True, True),
    ("subtasks", "Sub-tasks", "array", "issuelinks", ("subtasks",), False, True, False),
    ("reporter", "Reporter", "user", None, ("reporter",), True, True, True),
    ("aggregateprogress", "Σ Progress", "progress", None, (), False, True, False),
    ("progress", "Progress", "progress", None, ("progress",), False, True, False),
    ("votes", "Votes", "votes", None, ("votes",), False, True, False),
    ("worklog", "Log Work", "array", "worklog", (), True, False, True),
    ("issuetype", "Issue Type", "issuetype", None, ("issuetype", "type"), True, True, True),
    ("timespent", "Time Spent", "number", None, ("timespent",), False, True, False),
    ("project", "Project", "project", None, ("project",), False, True, True),
    ("aggregatetimespent", "Σ Time Spent", "number", None, (), False, True, False),
    ("resolutiondate", "Resolved", "datetime", None, ("resolutiondate", "resolved"), False, True, True),
    ("workratio", "Work Ratio", "number", None, ("workratio",), False, True, True),
    ("watches", "Watchers", "watches", None, ("watchers",), False, True, False),
    ("issuerestriction", "Restrict to", "issuerestriction", None, (), True, False, True),
    ("thumbnail", "Images", None, None, (), False, True, False),
    ("created", "Created", "datetime", None, ("created", "createdDate"), False, True, True),
    ("updated", "Updated", "datetime", None, ("updated", "updatedDate"), False, True, True),
    (
        "timeoriginalestimate",
        "Original estimate",
        "number",
        None,
        ("originalEstimate", "timeoriginalestimate"),
        False,
        True,
        False,
    ),
    ("description", "Description", "string", None, ("description",), True, True, True),
    ("timetracking", "Time tracking", "timetracking", None, (), True, False, True),
    ("security", "Security Level", "securitylevel", None, ("level",), True, True, True),
    ("attachment", "Attachment", "array", "attachment", ("attachments",), True, False, True),
    ("summary", "Summary", "string", None, ("summary",), True, True, True),
    ("environment", "Environment", "string", None, ("environment",), True, True, True),
    ("duedate", "Due date", "date", None, ("due", "duedate"), True, True, True),
    ("comment", "Comment", "comments-page", None, ("comment",), True, False, True),
)
# GET /field lists these, but no issue carries them as fields.
NOT_ISSUE_FIELDS = frozenset({"issuekey", "statusCategory", "thumbnail"})


def _system_entry(row: tuple[str, str, str | None, str | None, tuple[str, ...], bool, bool, bool]) -> dict[str, Any]:
    fid, name, schema_type, items, clauses, orderable, navigable, searchable = row
    entry: dict[str, Any] = {
        "id": fid,
        "key": fid,
        "name": name,
        "custom": False,
        "orderable": orderable,
        "navigable": navigable,
        "searchable": searchable,
        "clauseNames": list(clauses),
    }
    if schema_type is not None:
        schema: dict[str, Any] = {"type": schema_type}
        if items is not None:
            schema["items"] = items
        entry["schema"] = {**schema, "system": fid}
    return entry


def system_field_ids() -> tuple[str, ...]:
    """The system fields an issue of a Cloud site carries under `*all` (`parent` only when set)."""
    return tuple(row[0] for row in _SYSTEM if row[0] not in NOT_ISSUE_FIELDS)


def custom_fields(story_point_fields: str) -> tuple[CustomField, ...]:
    """The site's custom fields; "both" adds the classic "Story Points" number field (sandbox.jira_catalog)."""
    if story_point_fields != "both":
        return CUSTOM_FIELDS
    classic = CustomField(CLASSIC_POINTS_NUM, "Story Points", FLOAT_TYPE, "number", kind="dynamic")
    return tuple(sorted((*CUSTOM_FIELDS, classic), key=lambda f: f.num))


def realistic_catalogue(
    story_point_fields: str, sprint_field_format: str, scoped_project_id: str | None
) -> list[dict[str, Any]]:
    """GET /rest/api/3/field of a realistic site: system fields, then custom fields by id.

    Fields of the team-managed project carry its `scope`; without one (`scoped_project_id` None)
    they are left out.
    """
    fields = [_system_entry(row) for row in _SYSTEM]
    for spec in custom_fields(story_point_fields):
        if spec.scoped and scoped_project_id is None:
            continue
        items = "string" if spec.num == SPRINT_NUM and sprint_field_format == "legacy" else spec.items
        entry = custom_field(spec.num, spec.name, spec.custom, spec.type, items)
        if spec.scoped:
            entry = {**entry, "scope": {"type": "PROJECT", "project": {"id": scoped_project_id}}}
        fields.append(entry)
    return fields


def site_catalogue(portfolio: Portfolio) -> list[dict[str, Any]]:
    """GET /rest/api/3/field for the portfolio's site variant and profile."""
    if portfolio.profile != "realistic":
        return field_catalogue(portfolio.story_point_fields, portfolio.sprint_field_format)
    scoped = next((p.id for p in portfolio.jira_projects if p.style == "next-gen"), None)
    return realistic_catalogue(portfolio.story_point_fields, portfolio.sprint_field_format, scoped)
