"""A closed sprint as Jira's sprint report and velocity chart count it, replayed from changelogs.

Definitions (Jira Cloud; docs research/metrics.md §1), for sprint S with start s and close c (its
completeDate); an issue's points are its estimate at the instant named (unestimated = 0):

- completed outside: in S at s and already in a done status then. Left out of every figure below.
- committed: in S at s (added at or before s, not removed by then), points at s.
- added: put into S after s and before c, points when added.
- removed: taken out of S after s and before c, points when removed. Removed scope is never completed.
- completed: in S at c (and there before c) and in a done status at c, points at c.
- not completed: in S at c and not done then, points at c. Jira moves these to the next sprint at
  close, but their Sprint field keeps S, so they stay members of S.
- estimate change: for each stretch an issue spent in S between s and c, its points at the end of
  the stretch (removal or close) minus its points at the beginning (s or when added).

So committed + added + estimate change = completed + not completed + removed, issue by issue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sandbox.model import JiraIssue, Sprint
from sandbox.replay import is_done, sprint_changes, state_at


@dataclass(frozen=True)
class SprintItem:
    """One issue's part in one closed sprint; a figure is None when the issue has no such part.

    committed / completed / not_completed: its points in that role. added / removed: summed over
    each time it was added / removed mid-sprint. estimate_change: see the module docstring.
    """

    key: str
    committed: float | None
    added: float | None
    removed: float | None
    completed: float | None
    not_completed: float | None
    estimate_change: float


@dataclass(frozen=True)
class SprintTruth:
    """A closed sprint's report (module docstring): points and issue counts of each part.

    items: every counted issue with its part, by key (issues completed outside the sprint are only
    counted in completed_outside_items).
    """

    sprint_id: int
    name: str
    start: datetime
    complete: datetime
    committed_points: float
    committed_items: int
    completed_points: float
    completed_items: int
    added_points: float
    added_items: int
    removed_points: float
    removed_items: int
    not_completed_points: float
    not_completed_items: int
    estimate_change_points: float
    completed_outside_items: int
    items: tuple[SprintItem, ...]

    def item(self, key: str) -> SprintItem | None:
        """The issue's part in this sprint, None when it was never counted in it."""
        return next((i for i in self.items if i.key == key), None)


def sprint_members(issues: Sequence[JiraIssue]) -> dict[int, list[JiraIssue]]:
    """Sprint id -> the issues whose Sprint field ever held it: the only ones a sprint report can count."""
    members: dict[int, list[JiraIssue]] = {}
    for issue in issues:
        ever = set(issue.sprint_ids)
        for _at, before, after in sprint_changes(issue):
            ever.update(before, after)
        for sprint_id in ever:
            members.setdefault(sprint_id, []).append(issue)
    return members


def _points(issue: JiraIssue, at: datetime) -> float:
    return state_at(issue, at).points or 0.0


def _add(total: float | None, value: float) -> float:
    return value if total is None else total + value


_OUTSIDE = "completed outside"


def sprint_item(sprint: Sprint, issue: JiraIssue) -> SprintItem | None:
    """The issue's part in the closed `sprint`; None when it had none or was completed outside it."""
    part = _part(sprint, issue)
    return part if isinstance(part, SprintItem) else None


def _part(sprint: Sprint, issue: JiraIssue) -> SprintItem | str | None:
    """sprint_item, or _OUTSIDE for an issue completed outside the sprint."""
    assert sprint.start is not None and sprint.complete is not None
    start, close, sid = sprint.start, sprint.complete, sprint.id
    at_start = state_at(issue, start)
    in_at_start = sid in at_start.sprint_ids
    if in_at_start and is_done(at_start.status_id):
        return _OUTSIDE
    committed = (at_start.points or 0.0) if in_at_start else None
    opened = committed  # points when the current stretch in the sprint began; None = not in it
    added = removed = None
    change = 0.0
    for at, before, after in sprint_changes(issue):
        if not start < at < close:
            continue
        if sid in after and sid not in before:
            opened = _points(issue, at)
            added = _add(added, opened)
        elif sid in before and sid not in after and opened is not None:
            value = _points(issue, at)
            removed = _add(removed, value)
            change += value - opened
            opened = None
    completed = not_completed = None
    at_close = state_at(issue, close)
    if opened is not None and sid in at_close.sprint_ids:
        value = at_close.points or 0.0
        change += value - opened
        if is_done(at_close.status_id):
            completed = value
        else:
            not_completed = value
    if (committed, added, removed, completed, not_completed) == (None,) * 5:
        return None
    return SprintItem(issue.key, committed, added, removed, completed, not_completed, change)


def sprint_truth(sprint: Sprint, issues: Sequence[JiraIssue]) -> SprintTruth:
    """The sprint report of `sprint` over `issues` (passing only sprint_members(...)[id] is enough)."""
    assert sprint.start is not None and sprint.complete is not None
    parts = [_part(sprint, issue) for issue in issues]
    items = tuple(p for p in parts if isinstance(p, SprintItem))

    def points(role: str) -> float:
        return sum((getattr(i, role) or 0.0 for i in items), 0.0)

    def count(role: str) -> int:
        return sum(1 for i in items if getattr(i, role) is not None)

    return SprintTruth(
        sprint_id=sprint.id,
        name=sprint.name,
        start=sprint.start,
        complete=sprint.complete,
        committed_points=points("committed"),
        committed_items=count("committed"),
        completed_points=points("completed"),
        completed_items=count("completed"),
        added_points=points("added"),
        added_items=count("added"),
        removed_points=points("removed"),
        removed_items=count("removed"),
        not_completed_points=points("not_completed"),
        not_completed_items=count("not_completed"),
        estimate_change_points=sum((i.estimate_change for i in items), 0.0),
        completed_outside_items=parts.count(_OUTSIDE),
        items=items,
    )
