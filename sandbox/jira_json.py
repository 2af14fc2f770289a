"""Issues, changelog histories and worklogs as JSON text, assembled from cached fragments.

A 100-issue page with every field and 40 histories each is over a megabyte of JSON, mostly the same
user, status and project objects over and over. Serialising those once per site and joining text
keeps a page to a few milliseconds of CPU, where json.dumps of nested dicts took tens. The output is
exactly what json.dumps would give for the same data (tests compare it through json.loads).
The realistic profile's issues carry every field of a Cloud site; their `fields` object is assembled
the same way by sandbox.realistic_json.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable
from typing import Any

from sandbox import jira_render as render
from sandbox.jira_catalog import (
    ALL_ISSUE_TYPES,
    CLASSIC_POINTS_FIELD,
    FLAG_IMPEDIMENT,
    FLAGGED_FIELD,
    IMPACT_FIELD,
    MITIGATION_FIELD,
    PRIORITIES,
    PROBABILITY_FIELD,
    RANK_FIELD,
    RESOLUTION_DONE,
    SPRINT_FIELD,
    STATUSES,
    STORY_POINTS_FIELD,
)
from sandbox.model import ChangeHistory, ChangeItem, JiraIssue, Worklog
from sandbox.portfolio import Portfolio
from sandbox.realistic_json import RealisticFields, field_order
from sandbox.timefmt import jira_ts

EMBEDDED_WORKLOGS = 20
SYSTEM_FIELDS = (
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
    "issuelinks",
    "description",
    "timespent",
    "worklog",
)
_PROJECT_REF_KEYS = ("self", "id", "key", "name", "projectTypeKey", "simplified", "avatarUrls")
_text = json.JSONEncoder(ensure_ascii=False).encode


def field_names(portfolio: Portfolio) -> tuple[str, ...]:
    """Every issue field id of the site, in the order Jira returns them (`*all`)."""
    if portfolio.profile == "realistic":
        return field_order(portfolio)
    points = (
        (STORY_POINTS_FIELD, CLASSIC_POINTS_FIELD) if portfolio.story_point_fields == "both" else (STORY_POINTS_FIELD,)
    )
    custom = ("customfield_10000", "customfield_10015", *points, RANK_FIELD, SPRINT_FIELD, FLAGGED_FIELD)
    return (*SYSTEM_FIELDS, *custom, "customfield_10034", PROBABILITY_FIELD, IMPACT_FIELD, MITIGATION_FIELD)


def embedded_worklogs(issues: Iterable[JiraIssue], selection: Collection[str]) -> list[int]:
    """Ids of the worklogs an issue page carries in its `worklog` field (the first 20 of each issue)."""
    if "worklog" not in selection:
        return []
    return [w.id for issue in issues for w in issue.worklogs[:EMBEDDED_WORKLOGS]]


def _null(_issue: JiraIssue) -> str:
    return "null"


def _or_null(value: str | None) -> str:
    return "null" if value is None else _text(value)


def _ts(value: Any) -> str:
    return "null" if value is None else f'"{jira_ts(value)}"'


class JiraJson:
    """The JSON text of one site's issues as served at `base` (the server's own URL).

    `added_fields` tells the custom fields added on the live site since (sandbox.jira_fields): they
    are served after the others, with the issue's value from `JiraIssue.field_values` or null.
    """

    def __init__(self, base: str, portfolio: Portfolio, added_fields: Callable[[], tuple[str, ...]] = tuple) -> None:
        self.base = base
        self._field_names = field_names(portfolio)
        self._added_fields = added_fields
        self._points_field = {p.key: p.points_field for p in portfolio.jira_projects}
        self._users = {p.account_id: _text(render.user(base, p)) for p in portfolio.people}
        self._statuses = {s.id: _text(render.status(base, s)) for s in STATUSES}
        self._projects = {
            p.key: _text({k: v for k, v in render.project(base, p).items() if k in _PROJECT_REF_KEYS})
            for p in portfolio.jira_projects
        }
        self._types = {name: _text(render.issue_type(base, name)) for name in ALL_ISSUE_TYPES}
        self._priorities = {
            name: _text({"self": f"{base}/rest/api/3/priority/{pid}", "name": name, "id": pid, "iconUrl": _icon(base)})
            for name, pid in PRIORITIES.items()
        }
        rid, rname, rdesc = RESOLUTION_DONE
        self._resolution = _text(
            {"self": f"{base}/rest/api/3/resolution/{rid}", "id": rid, "name": rname, "description": rdesc}
        )
        fid, fname = FLAG_IMPEDIMENT
        self._flag = _text([{"self": f"{base}/rest/api/3/customFieldOption/{fid}", "value": fname, "id": fid}])
        legacy = portfolio.sprint_field_format == "legacy"
        self._sprints = {
            s.id: _text(render.sprint_legacy(s) if legacy else render.sprint_field(s)) for s in portfolio.sprints
        }
        # the issues links point at (only planted links exist in the demo profile)
        linked = {link.issue_id for i in portfolio.issues for link in i.links}
        self._by_id = {i.id: i for i in portfolio.issues if i.id in linked}
        self._comments: dict[str, str] = {}
        self._values: dict[str, Callable[[JiraIssue], str]] = self._value_table()
        # The realistic profile's issues carry every field of a Cloud site (sandbox.realistic_json).
        self._realistic = (
            RealisticFields(base, portfolio, self._users, self._values) if portfolio.profile == "realistic" else None
        )

    @property
    def field_names(self) -> tuple[str, ...]:
        """Every issue field id of the site now, in the order Jira returns them (`*all`)."""
        added = self._added_fields()
        return self._field_names + added if added else self._field_names

    def _value_table(self) -> dict[str, Callable[[JiraIssue], str]]:
        users = self._users
        table: dict[str, Callable[[JiraIssue], str]] = {
            "summary": lambda i: _text(i.summary),
            "issuetype": lambda i: self._types[i.issue_type],
            "status": lambda i: self._statuses[i.status_id],
            "project": lambda i: self._projects[i.project_key],
            "priority": lambda i: self._priorities[i.priority],
            "assignee": lambda i: users[i.assignee] if i.assignee else "null",
            "reporter": lambda i: users[i.reporter],
            "creator": lambda i: users[i.reporter],
            "created": lambda i: _ts(i.created),
            "updated": lambda i: _ts(i.updated),
            "resolution": lambda i: self._resolution if i.resolution_date else "null",
            "resolutiondate": lambda i: _ts(i.resolution_date),
            "statuscategorychangedate": lambda i: _ts(i.status_category_changed),
            "duedate": lambda i: f'"{i.due_date.isoformat()}"' if i.due_date else "null",
            "labels": lambda i: _text(list(i.labels)),
            "issuelinks": self._links,
            "description": lambda i: _text(render.adf(f"{i.summary}. Acceptance criteria are in the linked charter.")),
            "timespent": lambda i: str(sum(w.seconds for w in i.worklogs) or "null"),
            "worklog": self._worklog_field,
            "customfield_10000": lambda i: '"{}"',
            "customfield_10015": lambda i: "null",
            RANK_FIELD: lambda i: f'"0|i{i.id:05x}:"',
            SPRINT_FIELD: lambda i: (
                "[" + ",".join(self._sprints[s] for s in i.sprint_ids) + "]" if i.sprint_ids else "null"
            ),
            FLAGGED_FIELD: lambda i: self._flag if i.flagged else "null",
            "customfield_10034": lambda i: "null",
        }
        for field in (STORY_POINTS_FIELD, CLASSIC_POINTS_FIELD):
            table[field] = self._points(field)
        return table

    def _points(self, field: str) -> Callable[[JiraIssue], str]:
        # The estimate lives in the project's own points field; the site's other points field is empty.
        def value(issue: JiraIssue) -> str:
            if issue.story_points is None or self._points_field[issue.project_key] != field:
                return "null"
            return _text(issue.story_points)

        return value

    def _links(self, issue: JiraIssue) -> str:
        # A linked issue is embedded with four fields, as Jira does; its state is the generated one.
        out = []
        for link in issue.links:
            other = self._by_id.get(link.issue_id)
            if other is None:
                continue
            fields = ",".join(f'"{n}":{self._values[n](other)}' for n in ("summary", "status", "priority", "issuetype"))
            ref = (
                f'{{"id":"{other.id}","key":{_text(other.key)},"self":"{self.base}/rest/api/3/issue/{other.id}",'
                f'"fields":{{{fields}}}}}'
            )
            kind = _text(
                {"id": link.type_id, "name": link.name, "inward": link.inward, "outward": link.outward,
                 "self": f"{self.base}/rest/api/3/issueLinkType/{link.type_id}"}
            )  # fmt: skip
            out.append(
                f'{{"id":"{link.id}","self":"{self.base}/rest/api/3/issueLink/{link.id}","type":{kind},'
                f'"{link.side}Issue":{ref}}}'
            )
        return "[" + ",".join(out) + "]"

    def _worklog_field(self, issue: JiraIssue) -> str:
        # Jira embeds at most 20 worklogs here; `total` tells how many exist.
        logs = ",".join(self.worklog(w) for w in issue.worklogs[:EMBEDDED_WORKLOGS])
        return f'{{"startAt":0,"maxResults":{EMBEDDED_WORKLOGS},"total":{len(issue.worklogs)},"worklogs":[{logs}]}}'

    def issue(
        self, issue: JiraIssue, selection: Collection[str], histories: int | None = None, properties: bool = False
    ) -> str:
        """An IssueBean with the fields in `selection`; `histories` = embed that many most recent histories."""
        if histories is None and not properties and not (set(selection) - {"id"}):
            return f'{{"id":"{issue.id}"}}'
        parts = [
            f'{{"expand":"{render.ISSUE_EXPAND}","id":"{issue.id}"',
            f'"self":"{self.base}/rest/api/3/issue/{issue.id}"',
            f'"key":{_text(issue.key)}',
        ]
        wanted = [name for name in self.field_names if name in selection]
        if wanted and self._realistic is not None:
            parts.append('"fields":{' + self._realistic.fields(issue, wanted) + "}")
        elif wanted:
            values = self._values
            if issue.field_values:  # values held in another form than modelled, or of added fields
                held = dict(issue.field_values)
                text = ",".join(
                    f'"{name}":{self._held(held[name]) if name in held else values.get(name, _null)(issue)}'
                    for name in wanted
                )
            else:
                text = ",".join(f'"{name}":{values.get(name, _null)(issue)}' for name in wanted)
            parts.append('"fields":{' + text + "}")
        if histories is not None:
            recent = issue.histories[::-1][:histories]
            body = ",".join(self.history(h) for h in recent)
            parts.append(
                f'"changelog":{{"startAt":0,"maxResults":{len(recent)},"total":{len(issue.histories)},'
                f'"histories":[{body}]}}'
            )
        if properties:
            parts.append('"properties":{}')
        return ",".join(parts) + "}"

    def _held(self, value: Any) -> str:
        """A held value's JSON; a select option's `self` is kept as a path and served under `base`."""
        if isinstance(value, dict) and str(value.get("self", "")).startswith("/"):
            value = {**value, "self": self.base + value["self"]}
        return _text(value)

    def history(self, value: ChangeHistory) -> str:
        items = ",".join(_item(i) for i in value.items)
        return (
            f'{{"id":"{value.id}","author":{self._users[value.author]},"created":"{jira_ts(value.created)}",'
            f'"items":[{items}]}}'
        )

    def worklog(self, value: Worklog) -> str:
        author = self._users[value.author]
        comment = self._comments.get(value.comment)
        if comment is None:
            comment = self._comments.setdefault(value.comment, _text(render.adf(value.comment)))
        return (
            f'{{"self":"{self.base}/rest/api/3/issue/{value.issue_id}/worklog/{value.id}","author":{author},'
            f'"updateAuthor":{author},"comment":{comment},"created":"{jira_ts(value.created)}",'
            f'"updated":"{jira_ts(value.updated)}","started":"{jira_ts(value.started)}",'
            f'"timeSpent":"{render.time_spent(value.seconds)}","timeSpentSeconds":{value.seconds},'
            f'"id":"{value.id}","issueId":"{value.issue_id}"}}'
        )


def _item(item: ChangeItem) -> str:
    return (
        f'{{"field":{_text(item.field)},"fieldtype":{_text(item.field_type)},"fieldId":{_text(item.field_id)},'
        f'"from":{_or_null(item.from_value)},"fromString":{_or_null(item.from_string)},'
        f'"to":{_or_null(item.to_value)},"toString":{_or_null(item.to_string)}}}'
    )


def _icon(base: str) -> str:
    return f"{base}/images/icons/priorities/medium.svg"
