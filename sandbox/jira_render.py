"""Jira Cloud platform JSON for users, statuses, projects, issues, changelogs and worklogs.

Only keys the OpenAPI schemas declare are emitted where the schema forbids additional properties.
Values follow what Jira Cloud really returns, e.g. changelog `from`/`to` are null when unset.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox.jira_catalog import (
    FLAG_IMPEDIMENT,
    FLAGGED_FIELD,
    ISSUE_TYPES,
    PRIORITIES,
    RANK_FIELD,
    RESOLUTION_DONE,
    SPRINT_FIELD,
    STATUS_BY_ID,
    STORY_POINTS_FIELD,
    Status,
)
from sandbox.model import ChangeHistory, JiraIssue, JiraProject, Person, Sprint, Worklog
from sandbox.timefmt import iso_z, jira_ts

ISSUE_EXPAND = (
    "operations,versionedRepresentations,editmeta,changelog,customfield_10010.requestTypePractice,renderedFields"
)
EMBEDDED_WORKLOGS = 20
ISSUE_FIELD_NAMES = (
    "summary",
    "issuetype",
    "status",
    "project",
    "priority",
    "assignee",
    "reporter",
    "creator",
    "created",
    "updated",
    "resolution",
    "resolutiondate",
    "statuscategorychangedate",
    "duedate",
    "labels",
    "description",
    "timespent",
    "worklog",
    "customfield_10000",
    "customfield_10015",
    STORY_POINTS_FIELD,
    RANK_FIELD,
    SPRINT_FIELD,
    FLAGGED_FIELD,
    "customfield_10034",
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
    return {
        "expand": "description,lead,issueTypes,url,projectKeys,permissions,insight",
        "self": f"{base}/rest/api/3/project/{value.id}",
        "id": value.id,
        "key": value.key,
        "name": value.name,
        "avatarUrls": avatars(base, f"project-{value.id}"),
        "projectTypeKey": "software",
        "simplified": False,
        "style": "classic",
        "isPrivate": False,
        "properties": {},
    }


def sprint_field(sprint: Sprint) -> dict[str, Any]:
    """One element of the Sprint custom field (JSON form, Z timestamps, no dates when future)."""
    body: dict[str, Any] = {
        "id": sprint.id,
        "name": sprint.name,
        "state": sprint.state,
        "boardId": sprint.board_id,
        "goal": sprint.goal,
    }
    for key, value in (("startDate", sprint.start), ("endDate", sprint.end), ("completeDate", sprint.complete)):
        if value is not None:
            body[key] = iso_z(value)
    return body


def history(base: str, value: ChangeHistory, people: Mapping[str, Person]) -> dict[str, Any]:
    return {
        "id": str(value.id),
        "author": user(base, people[value.author]),
        "created": jira_ts(value.created),
        "items": [
            {
                "field": i.field,
                "fieldtype": i.field_type,
                "fieldId": i.field_id,
                "from": i.from_value,
                "fromString": i.from_string,
                "to": i.to_value,
                "toString": i.to_string,
            }
            for i in value.items
        ],
    }


def time_spent(seconds: int) -> str:
    """Jira's short duration text: 5400 -> "1h 30m"."""
    hours, minutes = divmod(seconds // 60, 60)
    return " ".join(part for part in (f"{hours}h" if hours else "", f"{minutes}m" if minutes else "") if part) or "0m"


def adf(text: str) -> dict[str, Any]:
    """Atlassian Document Format for a one-paragraph text (v3 rich-text fields)."""
    paragraph = {"type": "paragraph", "content": [{"type": "text", "text": text}]}
    return {"type": "doc", "version": 1, "content": [paragraph]}


def worklog(base: str, value: Worklog, people: Mapping[str, Person]) -> dict[str, Any]:
    author = user(base, people[value.author])
    return {
        "self": f"{base}/rest/api/3/issue/{value.issue_id}/worklog/{value.id}",
        "author": author,
        "updateAuthor": author,
        "comment": adf(value.comment),
        "created": jira_ts(value.created),
        "updated": jira_ts(value.updated),
        "started": jira_ts(value.started),
        "timeSpent": time_spent(value.seconds),
        "timeSpentSeconds": value.seconds,
        "id": str(value.id),
        "issueId": str(value.issue_id),
    }


def issue_fields(
    base: str, issue: JiraIssue, project_: JiraProject, sprints: Mapping[int, Sprint], people: Mapping[str, Person]
) -> dict[str, Any]:
    """Every field of the issue (the keys of ISSUE_FIELD_NAMES), as `*all` returns them."""
    type_id, level, type_description = ISSUE_TYPES[issue.issue_type]
    current = STATUS_BY_ID[issue.status_id]
    resolved = issue.resolution_date is not None
    rid, rname, rdesc = RESOLUTION_DONE
    logs = issue.worklogs
    return {
        "summary": issue.summary,
        "issuetype": {
            "self": f"{base}/rest/api/3/issuetype/{type_id}",
            "id": type_id,
            "name": issue.issue_type,
            "description": type_description,
            "subtask": False,
            "hierarchyLevel": level,
            "iconUrl": f"{base}/images/icons/issuetypes/{issue.issue_type.lower()}.svg",
        },
        "status": status(base, current),
        "project": {
            k: v
            for k, v in project(base, project_).items()
            if k in ("self", "id", "key", "name", "projectTypeKey", "simplified", "avatarUrls")
        },
        "priority": {
            "self": f"{base}/rest/api/3/priority/{PRIORITIES[issue.priority]}",
            "name": issue.priority,
            "id": PRIORITIES[issue.priority],
            "iconUrl": f"{base}/images/icons/priorities/medium.svg",
        },
        "assignee": user(base, people[issue.assignee]) if issue.assignee else None,
        "reporter": user(base, people[issue.reporter]),
        "creator": user(base, people[issue.reporter]),
        "created": jira_ts(issue.created),
        "updated": jira_ts(issue.updated),
        "resolution": {"self": f"{base}/rest/api/3/resolution/{rid}", "id": rid, "name": rname, "description": rdesc}
        if resolved
        else None,
        "resolutiondate": jira_ts(issue.resolution_date) if issue.resolution_date else None,
        "statuscategorychangedate": jira_ts(issue.status_category_changed),
        "duedate": issue.due_date.isoformat() if issue.due_date else None,
        "labels": list(issue.labels),
        "description": adf(f"{issue.summary}. Acceptance criteria are in the linked charter."),
        "timespent": sum(w.seconds for w in logs) or None,
        # Jira embeds at most 20 worklogs here; `total` tells how many exist.
        "worklog": {
            "startAt": 0,
            "maxResults": EMBEDDED_WORKLOGS,
            "total": len(logs),
            "worklogs": [worklog(base, w, people) for w in logs[:EMBEDDED_WORKLOGS]],
        },
        "customfield_10000": "{}",
        "customfield_10015": None,
        STORY_POINTS_FIELD: issue.story_points,
        RANK_FIELD: f"0|i{issue.id:05x}:",
        SPRINT_FIELD: [sprint_field(sprints[s]) for s in issue.sprint_ids] or None,
        FLAGGED_FIELD: [
            {
                "self": f"{base}/rest/api/3/customFieldOption/{FLAG_IMPEDIMENT[0]}",
                "value": FLAG_IMPEDIMENT[1],
                "id": FLAG_IMPEDIMENT[0],
            }
        ]
        if issue.flagged
        else None,
        "customfield_10034": None,
    }
