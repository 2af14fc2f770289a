"""Changes to the live Jira site between two syncs: what real teams and admins do to a site.

Every operation picks its issues with `random.Random(seed)` from a sorted pool, so equal seeds on
equal states change the same ids; instants come from the sandbox clock, so changed data is the
newest data. Histories get new site-wide ids above every existing one, as Jira's do.
Unless ids are given, operations pick from issues the account can read in the portfolio projects.
Schema changes (a new custom field, a field's type) are sandbox.jira_fields; an estimate saved
after its field became a text field is stored as text there.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sandbox.clock import SandboxClock
from sandbox.gen_risks import RISK_TYPE
from sandbox.gen_text import issue_summary
from sandbox.jira_catalog import (
    ISSUE_TYPES,
    POINTS_FIELD_NAMES,
    RESOLUTION_DONE,
    STATUS_BY_ID,
    STATUS_DONE,
    STATUS_IN_PROGRESS,
    STATUS_IN_REVIEW,
    STATUS_TODO,
)
from sandbox.jira_draft import points_text
from sandbox.jira_fields import add_field, fill_field, held_type, points_values, retyped_schema, rewrite
from sandbox.jira_growth import grow_history
from sandbox.jira_sim import FIBONACCI
from sandbox.jira_state import JiraState
from sandbox.model import ChangeHistory, ChangeItem, JiraIssue, Worklog
from sandbox.portfolio import Portfolio
from sandbox.timefmt import epoch_ms

# Where a touched issue goes next; a Done issue is reopened.
_NEXT = {
    STATUS_TODO.id: STATUS_IN_PROGRESS,
    STATUS_IN_PROGRESS.id: STATUS_IN_REVIEW,
    STATUS_IN_REVIEW.id: STATUS_DONE,
    STATUS_DONE.id: STATUS_IN_PROGRESS,
}
_COMMENTS = ("Follow-up after review", "Pairing session", "Fixing review remarks", "Testing on staging")


@dataclass(frozen=True)
class Changed:
    """What one operation did: the issues and worklogs it changed (created, edited or deleted) by id,
    the new key of each moved issue (id -> key), and the custom field a schema change concerned."""

    op: str
    issue_ids: tuple[int, ...] = ()
    worklog_ids: tuple[int, ...] = ()
    keys: dict[int, str] = field(default_factory=dict)
    field_id: str | None = None

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "op": self.op,
            "issue_ids": list(self.issue_ids),
            "worklog_ids": list(self.worklog_ids),
            "keys": {str(k): v for k, v in self.keys.items()},
        }
        if self.field_id is not None:
            body["field_id"] = self.field_id
        return body


class JiraMutations:
    def __init__(self, portfolio: Portfolio, state: JiraState, clock: SandboxClock) -> None:
        self._state = state
        self._clock = clock
        self._themes = {p.jira_key: p.id for p in portfolio.projects if p.jira_key}

    def _pool(self, exclude_project: str | None = None) -> list[int]:
        state = self._state
        return sorted(
            i.id
            for i in state.issues.values()
            if i.project_key in state.scope
            and i.project_key != exclude_project
            and state.readable(i)
            and i.issue_type != RISK_TYPE  # the register's issues are no work to mutate (sandbox.gen_risks)
        )

    @staticmethod
    def _pick(pool: Sequence[int], count: int, seed: int) -> list[int]:
        return sorted(random.Random(seed).sample(list(pool), min(len(pool), max(0, count))))

    def _next_history(self, author: str, at: datetime, items: list[ChangeItem]) -> ChangeHistory:
        history = ChangeHistory(self._state.next_history_id, author, at, tuple(items))
        self._state.next_history_id += 1
        return history

    def _new_worklog(self, issue: JiraIssue, rng: random.Random, now: datetime) -> Worklog:
        seconds = rng.randrange(2, 17) * 900
        started = (now - timedelta(seconds=seconds, minutes=rng.randrange(5, 90))).replace(second=0, microsecond=0)
        author = issue.assignee or issue.reporter
        worklog = Worklog(
            self._state.next_worklog_id, issue.id, author, started, seconds, now, now, rng.choice(_COMMENTS)
        )
        self._state.next_worklog_id += 1
        return worklog

    def touch(self, fraction: float, seed: int = 0, ids: Sequence[int] | None = None) -> Changed:
        """`fraction` of the portfolio's readable issues (or exactly `ids`) change now: a status transition
        (resolution set or cleared with Done), sometimes a re-estimate, sometimes a new or an edited worklog."""
        with self._state.lock:
            pool = self._pool()
            chosen = sorted(ids) if ids is not None else self._pick(pool, round(fraction * len(pool)), seed)
            if not set(chosen) <= self._state.issues.keys():
                raise ValueError(f"no existing issues with ids {sorted(set(chosen) - self._state.issues.keys())}")
            rng = random.Random(seed + 1)
            now = self._clock.now()
            worklogs: list[int] = []
            for issue_id in chosen:
                issue, logged = self._touch_one(self._state.issues[issue_id], rng, now)
                worklogs += logged
                self._state.put(issue, epoch_ms(now))
            return Changed("touch", tuple(chosen), tuple(worklogs))

    def _touch_one(self, issue: JiraIssue, rng: random.Random, now: datetime) -> tuple[JiraIssue, list[int]]:
        move, estimate, log = rng.random() < 0.7, rng.random() < 0.2, rng.random()
        move = move or not (estimate or log < 0.35)
        author = issue.assignee or issue.reporter
        items: list[ChangeItem] = []
        changes: dict[str, Any] = {"updated": now}
        if move:
            old, new = STATUS_BY_ID[issue.status_id], _NEXT[issue.status_id]
            rid, rname, _ = RESOLUTION_DONE
            if new == STATUS_DONE:
                items.append(ChangeItem("resolution", "jira", "resolution", None, None, rid, rname))
                changes["resolution_date"] = now
            elif old == STATUS_DONE:
                items.append(ChangeItem("resolution", "jira", "resolution", rid, rname, None, None))
                changes["resolution_date"] = None
            items.append(ChangeItem("status", "jira", "status", old.id, old.name, new.id, new.name))
            changes["status_id"] = new.id
            if old.category != new.category:
                changes["status_category_changed"] = now
        if estimate:
            points = rng.choice([p for p in FIBONACCI if p != issue.story_points])
            field_id = self._state.projects[issue.project_key].points_field
            old_text, new_text = points_text(issue.story_points), points_text(points)
            name = POINTS_FIELD_NAMES[field_id]
            items.append(ChangeItem(name, "custom", field_id, old_text, old_text, new_text, new_text))
            changes["story_points"] = points
            changes["field_values"] = points_values(self._state, issue, points)
        if items:
            changes["histories"] = (*issue.histories, self._next_history(author, now, items))
        logs = list(issue.worklogs)
        touched: list[int] = []
        if log < 0.25:
            logs.append(self._new_worklog(issue, rng, now))
            touched.append(logs[-1].id)
        elif log < 0.35 and logs:
            index = rng.randrange(len(logs))
            edited = logs[index]
            seconds = max(900, edited.seconds + rng.choice((-900, 900, 1800)))
            logs[index] = replace(edited, seconds=seconds, updated=now)
            touched.append(edited.id)
        changes["worklogs"] = tuple(logs)
        return replace(issue, **changes), touched

    def create_issues(self, n: int, project_key: str, seed: int = 0) -> Changed:
        """`n` new To Do issues in `project_key`, created now, keys continuing the project's numbering."""
        with self._state.lock:
            project = self._state.projects.get(project_key)
            if project is None:
                raise ValueError(f"no Jira project {project_key!r}")
            rng, now, created = random.Random(seed), self._clock.now(), []
            for _ in range(n):
                issue_type = rng.choice(sorted(ISSUE_TYPES))
                number = self._state.next_number[project_key]
                self._state.next_number[project_key] = number + 1
                issue = JiraIssue(
                    id=self._state.next_issue_id,
                    key=f"{project_key}-{number}",
                    project_key=project_key,
                    issue_type=issue_type,
                    summary=issue_summary(rng, self._themes.get(project_key, "noise"), issue_type),
                    priority=rng.choice(("High", "Medium", "Medium", "Low")),
                    status_id=STATUS_TODO.id,
                    assignee=None,
                    reporter=project.lead,
                    created=now,
                    updated=now,
                    resolution_date=None,
                    status_category_changed=now,
                    due_date=None,
                    story_points=rng.choice(FIBONACCI) if rng.random() < 0.6 else None,
                    sprint_ids=(),
                    labels=(),
                    flagged=False,
                    histories=(),
                    worklogs=(),
                )
                issue = replace(issue, field_values=points_values(self._state, issue, issue.story_points))
                self._state.next_issue_id += 1
                self._state.put(issue, epoch_ms(now))
                created.append(issue.id)
            return Changed("create_issues", tuple(created))

    def delete_issues(self, n: int | None = None, ids: Sequence[int] | None = None, seed: int = 0) -> Changed:
        """Delete `n` random portfolio issues, or exactly `ids`; their worklogs are deleted with them."""
        with self._state.lock:
            chosen = sorted(ids) if ids is not None else self._pick(self._pool(), n or 0, seed)
            missing = [i for i in chosen if i not in self._state.issues]
            if missing:
                raise ValueError(f"no existing issues with ids {missing}")
            now_ms = epoch_ms(self._clock.now())
            worklogs = [w.id for i in chosen for w in self._state.issues[i].worklogs]
            for issue_id in chosen:
                self._state.delete(issue_id, now_ms)
            return Changed("delete_issues", tuple(chosen), tuple(worklogs))

    def move_issues(self, n: int, to_project_key: str, seed: int = 0, ids: Sequence[int] | None = None) -> Changed:
        """Move issues to another project: same id, the target's next key, a `project` + `Key` history."""
        with self._state.lock:
            target = self._state.projects.get(to_project_key)
            if target is None or to_project_key in self._state.revoked:
                raise ValueError(f"cannot move issues to project {to_project_key!r}")
            chosen = sorted(ids) if ids is not None else self._pick(self._pool(to_project_key), n, seed)
            now, keys = self._clock.now(), {}
            for issue_id in chosen:
                issue = self._state.issues[issue_id]
                source = self._state.projects[issue.project_key]
                number = self._state.next_number[to_project_key]
                self._state.next_number[to_project_key] = number + 1
                key = f"{to_project_key}-{number}"
                items = [
                    ChangeItem("project", "jira", "project", source.id, source.name, target.id, target.name),
                    ChangeItem("Key", "jira", "issuekey", None, issue.key, None, key),
                ]
                history = self._next_history(issue.assignee or issue.reporter, now, items)
                moved = replace(
                    issue, key=key, project_key=to_project_key, updated=now, histories=(*issue.histories, history)
                )
                self._state.put(moved, epoch_ms(now))
                keys[issue_id] = key
            return Changed("move_issues", tuple(chosen), keys=keys)

    def revoke_project(self, key: str) -> Changed:
        """The account loses Browse on `key`: the project and its issues vanish from every read."""
        with self._state.lock:
            if key not in self._state.projects:
                raise ValueError(f"no Jira project {key!r}")
            self._state.revoke(key)
            return Changed(
                "revoke_project", tuple(sorted(i.id for i in self._state.issues.values() if i.project_key == key))
            )

    def restrict_issues(self, n: int, seed: int = 0, ids: Sequence[int] | None = None) -> Changed:
        """Put issues under a security level the account is not in: absent from search, 404 on GET."""
        with self._state.lock:
            chosen = sorted(ids) if ids is not None else self._pick(self._pool(), n, seed)
            self._state.restrict(chosen)
            return Changed("restrict_issues", tuple(chosen))

    def delete_worklogs(self, n: int, seed: int = 0) -> Changed:
        """Delete `n` random worklogs of readable portfolio issues; each issue's `updated` moves to now."""
        with self._state.lock:
            pool = sorted(w.id for i in self._pool() for w in self._state.issues[i].worklogs)
            chosen = self._pick(pool, n, seed)
            doomed = set(chosen)
            now = self._clock.now()
            for issue_id in sorted({self._state.worklogs[w].issue_id for w in chosen}):
                issue = self._state.issues[issue_id]
                kept = tuple(w for w in issue.worklogs if w.id not in doomed)
                self._state.put(replace(issue, worklogs=kept, updated=now), epoch_ms(now))
            return Changed(
                "delete_worklogs", tuple(sorted({self._state.worklogs[w].issue_id for w in chosen})), tuple(chosen)
            )

    def misreport_worklog_deletions(self, n: int, seed: int = 0) -> Changed:
        """List `n` random existing worklogs in `/worklog/deleted` while they stay in place.

        Field notes #5: a sync that trusted such a feed flagged 164 live worklogs deleted.
        """
        with self._state.lock:
            pool = sorted(w.id for i in self._pool() for w in self._state.issues[i].worklogs)
            chosen = self._pick(pool, n, seed)
            self._state.misreport_deleted(chosen, epoch_ms(self._clock.now()))
            issues = tuple(sorted({self._state.worklogs[w].issue_id for w in chosen}))
            return Changed("misreport_worklog_deletions", issues, tuple(chosen))

    def add_custom_field(
        self,
        name: str,
        field_type: str = "number",
        fraction: float = 0.2,
        seed: int = 0,
        ids: Sequence[int] | None = None,
    ) -> Changed:
        """An admin adds a number or text custom field `name`; `fraction` of the issues (or exactly
        `ids`) get a value now, with a changelog history (sandbox.jira_fields). `field_id` is the new id."""
        with self._state.lock:
            chosen = self._chosen(ids, fraction, seed, self._pool())
            field_id = add_field(self._state, name, field_type)
            fill_field(self._state, field_id, chosen, random.Random(seed + 1), self._clock.now(), self._next_history)
            return Changed("add_custom_field", tuple(chosen), field_id=field_id)

    def retype_field(
        self,
        field_id: str,
        new_type: str = "string",
        fraction: float = 1.0,
        seed: int = 0,
        ids: Sequence[int] | None = None,
    ) -> Changed:
        """A number custom field becomes a text field, or back; `fraction` of the issues holding a
        value in the old type (or exactly `ids`) are rewritten now to hold it in the new type
        ("5" for 5.0), the others keep their stored value until rewritten (sandbox.jira_fields)."""
        with self._state.lock:
            schema = retyped_schema(self._state, field_id, new_type)
            state = self._state
            pool = [i for i in self._pool() if held_type(state, state.issues[i], field_id) not in (None, new_type)]
            if ids is not None and not set(ids) <= set(pool):
                raise ValueError(f"issues {sorted(set(ids) - set(pool))} hold no {field_id} value to rewrite")
            chosen = self._chosen(ids, fraction, seed, pool)
            state.fields = [{**f, "schema": schema} if f["id"] == field_id else f for f in state.fields]
            rewrite(state, field_id, new_type, chosen, self._clock.now())
            return Changed("retype_field", tuple(chosen), field_id=field_id)

    def grow_history(self, issue_id: int, n: int, seed: int = 0) -> Changed:
        """Plant a giant issue: `n` more changelog histories on `issue_id`, now, on fields no figure of
        the ground truth reads (sandbox.jira_growth)."""
        with self._state.lock:
            grow_history(self._state, issue_id, n, random.Random(seed), self._clock.now())
            return Changed("grow_history", (issue_id,))

    def _chosen(self, ids: Sequence[int] | None, fraction: float, seed: int, pool: list[int]) -> list[int]:
        if ids is None:
            return self._pick(pool, round(fraction * len(pool)), seed)
        if not set(ids) <= self._state.issues.keys():
            raise ValueError(f"no existing issues with ids {sorted(set(ids) - self._state.issues.keys())}")
        return sorted(ids)
