"""Jira Cloud platform JSON for users, statuses, projects and sprint field values, as dicts.

Only keys the OpenAPI schemas declare are emitted where the schema forbids additional properties.
Issues, changelogs and worklogs, which come by the thousand, are assembled as text from these
pieces by sandbox.jira_json.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox.jira_catalog import ALL_ISSUE_TYPES, ISSUE_TYPES, Status
from sandbox.model import JiraProject, Person, Sprint
from sandbox.timefmt import iso_z

ISSUE_EXPAND = (
    "operations,versionedRepresentations,editmeta,changelog,customfield_10010.requestTypePractice,renderedFields"
)


def avatars(base: str, seed: str) -> dict[str, str]:
    return {size: f"{base}/avatars/{seed}?s={size.split('x')[0]}" for size in ("48x48", "24x24", "16x16", "32x32")}


def user(base: str, person: Person, *, full: bool = False) -> dict[str, Any]:
    """UserDetails (changelog/worklog authors, issue users); `full` adds the /myself extras."""
    body: dict[str, Any] = {
        "self": f"{base}/rest/api/3/user?accountId={person.account_id}",
        "accountId": person.account_id,
        "emailAddress": person.email,
        "avatarUrls": avatars(base, person.account_id),
        "displayName": person.display_name,
        "active": True,
        "timeZone": person.time_zone,
        "accountType": "atlassian",
    }
    if full:
        body.update(
            locale="en_US",
            groups={"size": 1, "items": []},
            applicationRoles={"size": 1, "items": []},
            expand="groups,applicationRoles",
        )
    return body


def status(base: str, value: Status) -> dict[str, Any]:
    cat = value.category
    return {
        "self": f"{base}/rest/api/3/status/{value.id}",
        "description": "",
        "iconUrl": f"{base}/images/icons/statuses/generic.png",
        "name": value.name,
        "untranslatedName": value.name,
        "id": value.id,
        "statusCategory": {
            "self": f"{base}/rest/api/3/statuscategory/{cat.id}",
            "id": cat.id,
            "key": cat.key,
            "colorName": cat.color,
            "name": cat.name,
        },
    }


def project(base: str, value: JiraProject) -> dict[str, Any]:
    """A project as /project/search lists it; a team-managed one is `simplified`, style "next-gen"."""
    return {
        "expand": "description,lead,issueTypes,url,projectKeys,permissions,insight",
        "self": f"{base}/rest/api/3/project/{value.id}",
        "id": value.id,
        "key": value.key,
        "name": value.name,
        "avatarUrls": avatars(base, f"project-{value.id}"),
        "projectTypeKey": "software",
        "simplified": value.style == "next-gen",
        "style": value.style,
        "isPrivate": False,
        "properties": {},
    }


def project_details(base: str, value: JiraProject, lead: Person) -> dict[str, Any]:
    """GET /project/{projectIdOrKey}: the list entry plus description, lead and issue types."""
    types = [issue_type(base, name) for name in ISSUE_TYPES]
    return {
        **project(base, value),
        "description": f"{value.name}: delivery work tracked by the PMO.",
        "lead": user(base, lead),
        "issueTypes": types,
        "assigneeType": "UNASSIGNED",
    }


def sprint_field(sprint: Sprint) -> dict[str, Any]:
    """One element of the Sprint custom field (JSON form, Z timestamps, no dates when future, no goal when unset)."""
    body: dict[str, Any] = {"id": sprint.id, "name": sprint.name, "state": sprint.state, "boardId": sprint.board_id}
    if sprint.goal is not None:
        body["goal"] = sprint.goal
    for key, value in (("startDate", sprint.start), ("endDate", sprint.end), ("completeDate", sprint.complete)):
        if value is not None:
            body[key] = iso_z(value)
    return body


def sprint_legacy(sprint: Sprint) -> str:
    """One element of the Sprint field as older sites serve it: the greenhopper Sprint's toString().

    Values are written raw, so commas inside a goal (or name) are not escaped; unset values are
    `<null>`. The text after `@` is a Java identity hash, meaningless but stable per sprint.
    """

    def text(value: str | datetime | None) -> str:
        if value is None:
            return "<null>"
        return iso_z(value) if isinstance(value, datetime) else value

    identity = f"{sprint.id * 2654435761 % (1 << 32):x}"
    return (
        f"com.atlassian.greenhopper.service.sprint.Sprint@{identity}[id={sprint.id},rapidViewId={sprint.board_id},"
        f"state={sprint.state.upper()},name={sprint.name},goal={text(sprint.goal)},startDate={text(sprint.start)},"
        f"endDate={text(sprint.end)},completeDate={text(sprint.complete)},sequence={sprint.id}]"
    )


def time_spent(seconds: int) -> str:
    """Jira's short duration text: 5400 -> "1h 30m"."""
    hours, minutes = divmod(seconds // 60, 60)
    return " ".join(part for part in (f"{hours}h" if hours else "", f"{minutes}m" if minutes else "") if part) or "0m"


def adf(text: str) -> dict[str, Any]:
    """Atlassian Document Format for a one-paragraph text (v3 rich-text fields)."""
    paragraph = {"type": "paragraph", "content": [{"type": "text", "text": text}]}
    return {"type": "doc", "version": 1, "content": [paragraph]}


def issue_type(base: str, name: str) -> dict[str, Any]:
    """An issue type object as Jira embeds it in issues and projects."""
    type_id, level, description = ALL_ISSUE_TYPES[name]
    return {
        "self": f"{base}/rest/api/3/issuetype/{type_id}",
        "id": type_id,
        "name": name,
        "description": description,
        "subtask": False,
        "hierarchyLevel": level,
        "iconUrl": f"{base}/images/icons/issuetypes/{name.lower()}.svg",
    }
