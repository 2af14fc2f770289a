"""The `fields` object of realistic issues: every field of a Cloud `*all` response, as JSON text.

The modelled fields (status, assignee, points, Sprint...) come from sandbox.jira_json's table; the
static rest is expanded from the issue's content seed (sandbox.realistic_content) on each request
and assembled from cached fragments, so nothing per issue is kept between requests. Fields of the
team-managed project appear only on its issues, and `parent` only where an issue has one, as Jira
leaves such fields out rather than serving null. Linked issues and parents are shown as generated
(their summary, status, priority and type at generation time).
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sandbox.jira_catalog import EPIC, STATUS_BY_ID
from sandbox.model import ChangeHistory, JiraIssue, JiraProject
from sandbox.portfolio import Portfolio
from sandbox.realistic_catalog import custom_fields, system_field_ids
from sandbox.realistic_content import DRAWN_KINDS, IssueContent, issue_content
from sandbox.realistic_fields import CustomField
from sandbox.realistic_history import age_minutes
from sandbox.realistic_refs import mention_people
from sandbox.realistic_system import SYSTEM_VALUES
from sandbox.realistic_text import block_pool
from sandbox.realistic_values import NOT_HELD, ValueText

_text = json.JSONEncoder(ensure_ascii=False).encode
Values = Mapping[str, Callable[[JiraIssue], str]]
# Issue fields served by sandbox.jira_json's table as in the demo profile.
MODELLED = frozenset(
    {"summary", "issuetype", "status", "project", "priority", "assignee", "reporter", "creator", "created"}
    | {"updated", "resolution", "resolutiondate", "statuscategorychangedate", "duedate", "labels", "worklog"}
    | {"timespent"}
)
_RESTRICTION = '{"issuerestrictions":{},"shouldDisplay":false}'
# System fields every realistic issue serves the same.
_CONSTANTS = {"issuerestriction": _RESTRICTION, "security": "null", "subtasks": "[]"}
_NEVER = CustomField(0, "", "", "")
Handler = Callable[[JiraIssue, "IssueContent | None", int], "str | None"]


@dataclass(frozen=True)
class _Step:
    """One step of serving a field list: a run of constant fields (`handler` None; `prefix` is the
    joined run, `members` its fields for issues holding a value in one of `holdable`), or one
    computed field (`prefix` is its `"name":`)."""

    prefix: str
    handler: Handler | None
    holdable: frozenset[str]
    members: tuple[tuple[str, str], ...]


def _null(_issue: JiraIssue) -> str:
    return "null"


def field_order(portfolio: Portfolio) -> tuple[str, ...]:
    """Every field id a realistic issue can carry, in the order served (custom fields spread
    through the system ones, as on Cloud)."""
    system = list(system_field_ids())
    custom = [f.id for f in custom_fields(portfolio.story_point_fields)]
    quarter = len(custom) // 4 + 1
    order: list[str] = []
    chunks = [custom[i * quarter : (i + 1) * quarter] for i in range(4)]
    cuts = (0, 4, 14, 26, len(system))
    for n in range(4):
        order += system[cuts[n] : cuts[n + 1]] + chunks[n]
    return tuple(order)


class RealisticFields:
    """Assembles realistic issues' fields for one site at one base URL (see the module text)."""

    def __init__(self, base: str, portfolio: Portfolio, users: Mapping[str, str], values: Values) -> None:
        self.base = base
        self.now: datetime = portfolio.now
        self.values = values
        self.projects: dict[str, JiraProject] = {p.key: p for p in portfolio.jira_projects}
        self._scoped = {f.id for f in custom_fields(portfolio.story_point_fields) if f.scoped}
        self._custom = {f.id: f for f in custom_fields(portfolio.story_point_fields)}
        pool = block_pool(portfolio.seed, mention_people(portfolio.people))
        self.text: ValueText = ValueText(base, portfolio.people, users, pool)
        self.by_key: dict[str, JiraIssue] = {i.key: i for i in portfolio.issues}
        epics: dict[str, list[JiraIssue]] = {}
        for issue in portfolio.issues:
            if issue.issue_type == EPIC:
                epics.setdefault(issue.project_key, []).append(issue)
        self._epics = {k: sorted(v, key=lambda i: i.created) for k, v in epics.items()}
        self._epic_times = {k: [i.created for i in v] for k, v in self._epics.items()}

    def content(self, issue: JiraIssue) -> IssueContent | None:
        if issue.content_seed is None:
            return None
        scoped = self.projects[issue.project_key].style == "next-gen"
        return issue_content(issue.content_seed, issue.issue_type, scoped, age_minutes(issue.created, self.now))

    def fields(self, issue: JiraIssue, wanted: Sequence[str]) -> str:
        """The fields object's members (without braces) for the `wanted` ids, in `wanted`'s order."""
        content = self.content(issue)
        scoped = self.projects[issue.project_key].style == "next-gen"
        if issue.field_values:  # values held in another form than generated, or of added fields
            return self._each_field(issue, wanted, content, scoped)
        held = {h.field.id: h for h in content.held} if content else {}
        spent = sum(w.seconds for w in issue.worklogs)
        parts = []
        for step in self._plan(tuple(wanted), scoped):
            if step.handler is not None:
                value = step.handler(issue, content, spent)
                if value is not None:
                    parts.append(step.prefix + value)
            elif held and not step.holdable.isdisjoint(held):
                parts += [
                    f'"{name}":{self.text.held(held[name], issue.created, self.now)}'
                    if name in held
                    else f'"{name}":{const}'
                    for name, const in step.members
                ]
            else:
                parts.append(step.prefix)
        return ",".join(parts)

    @lru_cache(maxsize=64)  # noqa: B019 - one renderer per base URL lives as long as the server
    def _plan(self, wanted: tuple[str, ...], scoped: bool) -> tuple[_Step, ...]:
        """How to serve `wanted`: runs of fields whose value is a constant unless the issue holds one
        (joined once), and fields computed per issue."""
        steps: list[_Step] = []
        run: list[tuple[str, str]] = []

        def close() -> None:
            if run:
                text = ",".join(f'"{name}":{const}' for name, const in run)
                holdable = frozenset(n for n, _c in run if self._custom.get(n, _NEVER).kind in DRAWN_KINDS)
                steps.append(_Step(text, None, holdable, tuple(run)))
                run.clear()

        for name in wanted:
            if name in self._scoped and not scoped:
                continue
            const = self._constant(name)
            if const is not None:
                run.append((name, const))
                continue
            close()
            steps.append(_Step(f'"{name}":', self._handler(name), frozenset(), ()))
        close()
        return tuple(steps)

    def _constant(self, name: str) -> str | None:
        """The value every issue not holding one serves for `name`, if there is such a constant."""
        field = self._custom.get(name)
        if field is not None and (field.kind in DRAWN_KINDS or field.kind in NOT_HELD or field.kind == "null"):
            return NOT_HELD.get(field.kind, "null")
        return _CONSTANTS.get(name)

    def _handler(self, name: str) -> Handler:
        if name == "parent":
            return lambda issue, content, _spent: self._parent(issue, content)
        field = self._custom.get(name)
        if field is not None:
            return lambda issue, content, _spent: self._custom_value(issue, field, content)
        if name in MODELLED or name not in SYSTEM_VALUES:
            value = self.values.get(name, _null)
            return lambda issue, _content, _spent: value(issue)
        system = SYSTEM_VALUES[name]
        return lambda issue, content, spent: system(self, issue, content, spent)

    def _each_field(self, issue: JiraIssue, wanted: Sequence[str], content: IssueContent | None, scoped: bool) -> str:
        held = {h.field.id: h for h in content.held} if content else {}
        overrides = dict(issue.field_values)
        spent = sum(w.seconds for w in issue.worklogs)
        parts = []
        for name in wanted:
            if name in overrides:
                parts.append(f'"{name}":{_text(overrides[name])}')
            elif name in self._scoped and not scoped:
                continue
            elif name in held:
                parts.append(f'"{name}":{self.text.held(held[name], issue.created, self.now)}')
            else:
                value = self._constant(name) or self._handler(name)(issue, content, spent)
                if value is not None:
                    parts.append(f'"{name}":{value}')
        return ",".join(parts)

    def _custom_value(self, issue: JiraIssue, field: CustomField, content: IssueContent | None) -> str:
        """A custom field computed per issue (the held values of drawn kinds are served by `fields`)."""
        kind = field.kind
        if kind == "dynamic":
            return self.values[field.id](issue) if field.id in self.values else "null"
        if kind == "automation":
            return _last_written(issue.histories, field.id)
        if kind == "timeinstatus":
            return time_in_status(issue)
        if kind == "epicname":
            return _text(issue.summary) if issue.issue_type == EPIC else "null"
        if kind == "epicstatus":
            epic = issue.issue_type == EPIC
            return self.text.epic_status(STATUS_BY_ID[issue.status_id].category.key) if epic else "null"
        if kind in ("epiccolor", "issuecolor"):
            return '"purple"' if issue.issue_type == EPIC else "null"
        return NOT_HELD.get(kind, "null")

    def _parent(self, issue: JiraIssue, content: IssueContent | None) -> str | None:
        if content is None or content.parent is None:
            return None
        times = self._epic_times.get(issue.project_key, [])
        before = bisect.bisect_left(times, issue.created)
        if not before:
            return None
        return self.reference(self._epics[issue.project_key][int(content.parent * before)])

    def reference(self, target: JiraIssue) -> str:
        """A linked issue as Jira embeds it: id, key, self and four fields."""
        fields = ",".join(f'"{n}":{self.values[n](target)}' for n in ("summary", "status", "priority", "issuetype"))
        url = f"{self.base}/rest/api/3/issue/{target.id}"
        return f'{{"id":"{target.id}","key":{_text(target.key)},"self":"{url}","fields":{{{fields}}}}}'


def _last_written(histories: tuple[ChangeHistory, ...], field_id: str) -> str:
    """The value the last history writing `field_id` left (an automation rule's field), else null."""
    for history in reversed(histories):
        for item in history.items:
            if item.field_id == field_id:
                return _text(item.to_string)
    return "null"


def time_in_status(issue: JiraIssue) -> str:
    """[CHART] Time in Status: per status, visits and milliseconds spent (the current visit counts 0)."""
    visits: dict[str, list[int]] = {}
    since, status = issue.created, None
    for history in issue.histories:
        for item in history.items:
            if item.field_id == "status" and item.from_value is not None:
                entry = visits.setdefault(item.from_value, [0, 0])
                entry[0] += 1
                entry[1] += int((history.created - since).total_seconds() * 1000)
                since, status = history.created, item.to_value
    if status is None:
        return "null"
    visits.setdefault(status, [0, 0])[0] += 1
    return _text("_*|*_".join(f"{sid}_*:*_{count}_*:*_{ms}" for sid, (count, ms) in visits.items()))
