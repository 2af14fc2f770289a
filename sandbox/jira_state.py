"""The live Jira site a running sandbox serves, and the indexes that keep every request cheap at 100k issues.

`issues` holds each existing issue as it is now (moved, revoked and restricted ones included);
`deleted` keeps deleted ones as they were when deleted. Visibility is the account's permission:
an issue is readable unless its project was revoked (lost Browse) or the issue was restricted
(issue-level security). `fields` is the site's field catalogue (GET /field), which admins can
change while the site runs (sandbox.jira_fields). The state also records which issue and worklog
ids the client was served, which the live ground truth needs. Every method takes `lock`, so
mutations and reads never interleave; records are frozen, so callers render them after releasing
the lock.
"""

from __future__ import annotations

import bisect
import copy
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from sandbox.jql import Query
from sandbox.model import JiraIssue, JiraProject, Worklog
from sandbox.portfolio import Portfolio
from sandbox.realistic_catalog import site_catalogue
from sandbox.timefmt import epoch_ms

_FAST_ORDERS = ((), (("updated", True),), (("updated", True), ("id", True)))
_CACHED_SEARCHES = 32
Row = tuple[int, int]  # (epoch ms, id): search index rows (updated, issue id) and worklog feed rows


class UnknownProject(LookupError):
    """A JQL project that does not exist or that the account cannot browse (Jira does not tell which)."""


@dataclass(frozen=True, slots=True)
class Gone:
    """A deleted issue as it was when deleted, and the epoch ms of the deletion."""

    issue: JiraIssue
    at_ms: int


class JiraState:
    def __init__(self, portfolio: Portfolio) -> None:
        self.lock = threading.RLock()
        self.version = 0  # bumped by every change; search results are cached per version
        self.projects = {p.key: p for p in portfolio.jira_projects}
        self.scope = frozenset(p.key for p in portfolio.jira_projects if p.in_portfolio)
        every = (*portfolio.issues, *portfolio.risk_issues)
        self.issues: dict[int, JiraIssue] = {i.id: i for i in every}
        self.deleted: dict[int, Gone] = {}
        self.revoked: set[str] = set()
        self.restricted: set[int] = set()
        self.former_keys: dict[int, tuple[str, ...]] = {}
        self.served_issues: set[int] = set()
        self.served_worklogs: set[int] = set()
        # Every worklog that exists or existed (the truth counts served ones after deletion too).
        self.worklogs: dict[int, Worklog] = {w.id: w for i in every for w in i.worklogs}
        self.worklog_deleted_ms: dict[int, int] = {}
        self._keys = {i.key: i.id for i in every}  # current and former keys -> id
        self._index: dict[str, list[Row]] = {key: [] for key in self.projects}
        for issue in every:
            self._index[issue.project_key].append((epoch_ms(issue.updated), issue.id))
        for rows in self._index.values():
            rows.sort()
        self._feed = sorted((epoch_ms(w.updated), w.id) for w in self.worklogs.values())
        self._tombstones: list[Row] = []
        # Earlier versions of changed issues, (updated ms, project key) oldest first: while a change
        # is not indexed yet, search matches the issue as its last indexed version, as Jira does.
        self._versions: dict[int, list[tuple[int, str]]] = {}
        self.next_number = {key: 1 for key in self.projects}
        for issue in every:
            number = int(issue.key.rpartition("-")[2])
            self.next_number[issue.project_key] = max(self.next_number[issue.project_key], number + 1)
        histories = [h.id for i in every for h in i.histories]
        self.next_issue_id = max(self.issues, default=10000) + 1
        self.next_history_id = max(histories, default=10000) + 1
        self.next_worklog_id = max(self.worklogs, default=10000) + 1
        self._searches: OrderedDict[tuple[Any, ...], list[int]] = OrderedDict()
        self.fields: list[dict[str, Any]] = site_catalogue(portfolio)
        # Custom fields added while the site runs, in creation order: issues serve them after the others.
        self.added_fields: tuple[str, ...] = ()

    # -- reads -----------------------------------------------------------------------------------
    def readable(self, issue: JiraIssue) -> bool:
        """Whether the account may see this existing issue (Browse on its project, no security level)."""
        return issue.project_key not in self.revoked and issue.id not in self.restricted

    def project(self, ref: str) -> JiraProject | None:
        """A project the account can browse, by key or id; None when unknown or revoked."""
        with self.lock:
            project = self.projects.get(ref) or next((p for p in self.projects.values() if p.id == ref), None)
            return project if project is not None and project.key not in self.revoked else None

    def visible_projects(self) -> list[JiraProject]:
        with self.lock:
            return [p for p in self.projects.values() if p.key not in self.revoked]

    def find(self, ref: str) -> JiraIssue | None:
        """The existing issue an id or key (current or former, any case) names, readable or not."""
        with self.lock:
            text = str(ref).strip()
            issue_id = int(text) if text.isdigit() else self._keys.get(text.upper())
            return self.issues.get(issue_id) if issue_id is not None else None

    def lookup(self, ref: str) -> tuple[int, JiraIssue | None]:
        """(200, issue) when readable; (404, None) otherwise: deleted, unknown, in a revoked project or under
        issue-level security alike, the one answer Jira's document gives ("the issue is not found or the
        user does not have permission to view it")."""
        with self.lock:
            issue = self.find(ref)
            if issue is None or issue.project_key in self.revoked or issue.id in self.restricted:
                return 404, None
            return 200, issue

    def field_catalogue(self) -> list[dict[str, Any]]:
        """GET /rest/api/3/field as it is now (a copy: the caller may serialise it outside the lock)."""
        with self.lock:
            return copy.deepcopy(self.fields)

    def field(self, field_id: str) -> dict[str, Any] | None:
        """The live catalogue entry of `field_id` (not a copy), or None."""
        with self.lock:
            return next((f for f in self.fields if f["id"] == field_id), None)

    def field_type(self, field_id: str) -> str | None:
        """The `schema.type` the site declares for `field_id` now, or None."""
        found = self.field(field_id)
        return (found.get("schema") or {}).get("type") if found is not None else None

    def existing(self, ids: Iterable[int]) -> list[JiraIssue]:
        """The issues among `ids` that still exist, in the given order."""
        with self.lock:
            return [self.issues[i] for i in ids if i in self.issues]

    def search(self, query: Query, cutoff_ms: int | None) -> list[int]:
        """Ids of readable issues matching `query`, in its order; updated after `cutoff_ms` = not indexed yet."""
        with self.lock:
            key = (query, cutoff_ms, self.version)
            found = self._searches.get(key)
            if found is None:
                found = self._search(query, cutoff_ms)
                self._searches[key] = found
                if len(self._searches) > _CACHED_SEARCHES:
                    self._searches.popitem(last=False)
            return found

    def _search(self, query: Query, cutoff_ms: int | None) -> list[int]:
        keys = []
        for ref in query.projects or ():
            project = self.project(ref)
            if project is None:
                raise UnknownProject(ref)
            keys.append(project.key)
        low, high = -1, 1 << 62
        created = []
        for bound in query.bounds:
            value = epoch_ms(bound.value)
            if bound.field == "created":
                created.append(bound)
            elif bound.op in (">=", "=", ">"):
                low = max(low, value + (bound.op == ">"))
            if bound.field == "updated" and bound.op in ("<=", "=", "<"):
                high = min(high, value - (bound.op == "<"))
        indexed_high = high if cutoff_ms is None else min(high, cutoff_ms)
        rows: list[Row] = []
        for key in dict.fromkeys(keys):
            index = self._index[key]
            chunk = index[bisect.bisect_left(index, (low, -1)) : bisect.bisect_right(index, (indexed_high, 1 << 62))]
            rows += [r for r in chunk if r[1] not in self.restricted]
        if cutoff_ms is not None:
            rows += self._stale_rows(set(keys), low, high, cutoff_ms)
        if created:
            rows = [r for r in rows if all(b.accepts(self.issues[r[1]].created) for b in created)]
        if query.order in _FAST_ORDERS and query.order:
            rows.sort()  # a concatenation of sorted runs: timsort merges them in linear time
            return [issue_id for _ms, issue_id in rows]
        issues = sorted((self.issues[issue_id] for _ms, issue_id in rows), key=lambda i: i.id)
        # Stable sorts from the last key to the first give a multi-key sort; id breaks ties.
        for name, ascending in reversed(query.order or (("id", True),)):
            issues.sort(key=partial(_sort_value, name=name), reverse=not ascending)
        return [i.id for i in issues]

    def _stale_rows(self, keys: set[str], low: int, high: int, cutoff_ms: int) -> list[Row]:
        """Issues changed after the index cutoff, as the last version indexed before it, if in range."""
        rows: list[Row] = []
        for issue_id, versions in self._versions.items():
            issue = self.issues[issue_id]
            if epoch_ms(issue.updated) <= cutoff_ms or issue_id in self.restricted:
                continue
            indexed = [v for v in versions if v[0] <= cutoff_ms]
            if indexed and indexed[-1][1] in keys and low <= indexed[-1][0] <= high:
                rows.append((indexed[-1][0], issue_id))
        return rows

    def worklog_page(self, since_ms: int, cutoff_ms: int, limit: int, deleted: bool) -> tuple[list[Row], int, bool]:
        """One page of the updated (or deleted) worklog feed: (readable rows, until, last page)."""
        with self.lock:
            feed = self._tombstones if deleted else self._feed
            first = bisect.bisect_left(feed, (since_ms, -1))
            last = bisect.bisect_left(feed, (cutoff_ms, -1))
            page = feed[first : min(last, first + limit)]
            until = page[-1][0] if page else since_ms
            rows = page if deleted else [r for r in page if self._worklog_readable(r[1])]
            return rows, until, first + len(page) >= last

    def _worklog_readable(self, worklog_id: int) -> bool:
        issue = self.issues.get(self.worklogs[worklog_id].issue_id)
        return issue is not None and self.readable(issue)

    def readable_worklogs(self, ids: Iterable[int]) -> list[Worklog]:
        """The existing worklogs among `ids` on readable issues, by id."""
        with self.lock:
            alive = (i for i in sorted(set(ids)) if i in self.worklogs and i not in self.worklog_deleted_ms)
            return [self.worklogs[i] for i in alive if self._worklog_readable(i)]

    def mark_served(self, issue_ids: Iterable[int] = (), worklog_ids: Iterable[int] = ()) -> None:
        """Remember what the client received: the truth keeps a row for everything ever served."""
        with self.lock:
            self.served_issues.update(issue_ids)
            self.served_worklogs.update(worklog_ids)

    # -- writes (used by sandbox.jira_mutations) ------------------------------------------------
    def put(self, issue: JiraIssue, now_ms: int) -> None:
        """Store `issue` as the new version of its id (or a new issue): indexes, keys, worklog feeds."""
        with self.lock:
            old = self.issues.get(issue.id)
            if old is not None:
                _remove(self._index[old.project_key], (epoch_ms(old.updated), old.id))
                self._versions.setdefault(issue.id, []).append((epoch_ms(old.updated), old.project_key))
                if old.key != issue.key:
                    self.former_keys[issue.id] = (*self.former_keys.get(issue.id, ()), old.key)
            bisect.insort(self._index[issue.project_key], (epoch_ms(issue.updated), issue.id))
            self._keys[issue.key] = issue.id
            self.issues[issue.id] = issue
            before = {w.id: w for w in old.worklogs} if old is not None else {}
            after = {w.id: w for w in issue.worklogs}
            for worklog in issue.worklogs:
                previous = before.get(worklog.id)
                if previous is not None and previous.updated == worklog.updated:
                    continue
                if previous is not None:
                    _remove(self._feed, (epoch_ms(previous.updated), previous.id))
                bisect.insort(self._feed, (epoch_ms(worklog.updated), worklog.id))
                self.worklogs[worklog.id] = worklog
            for gone in (w for w in before.values() if w.id not in after):
                self._bury(gone, now_ms)
            self._changed()

    def delete(self, issue_id: int, now_ms: int) -> None:
        """Delete an issue: it leaves every index, its keys stop resolving, its worklogs become tombstones."""
        with self.lock:
            issue = self.issues.pop(issue_id)
            self._versions.pop(issue_id, None)
            _remove(self._index[issue.project_key], (epoch_ms(issue.updated), issue.id))
            for key in (issue.key, *self.former_keys.get(issue_id, ())):
                self._keys.pop(key, None)
            for worklog in issue.worklogs:
                self._bury(worklog, now_ms)
            self.restricted.discard(issue_id)
            self.deleted[issue_id] = Gone(issue, now_ms)
            self._changed()

    def revoke(self, project_key: str) -> None:
        with self.lock:
            self.revoked.add(project_key)
            self._changed()

    def restrict(self, issue_ids: Iterable[int]) -> None:
        with self.lock:
            self.restricted.update(issue_ids)
            self._changed()

    def misreport_deleted(self, worklog_ids: Iterable[int], now_ms: int) -> None:
        """List existing worklogs in the deleted feed without deleting them (a feed that lies)."""
        with self.lock:
            for worklog_id in worklog_ids:
                bisect.insort(self._tombstones, (now_ms, worklog_id))
            self._changed()

    def _bury(self, worklog: Worklog, now_ms: int) -> None:
        _remove(self._feed, (epoch_ms(worklog.updated), worklog.id))
        bisect.insort(self._tombstones, (now_ms, worklog.id))
        self.worklog_deleted_ms[worklog.id] = now_ms

    def _changed(self) -> None:
        self.version += 1
        self._searches.clear()


def _remove(rows: list[Row], row: Row) -> None:
    index = bisect.bisect_left(rows, row)
    if index < len(rows) and rows[index] == row:
        del rows[index]


def _sort_value(issue: JiraIssue, name: str) -> Any:
    if name == "updated":
        return issue.updated
    if name == "created":
        return issue.created
    if name == "key":
        project, _, number = issue.key.partition("-")
        return (project, int(number))
    return issue.id
