"""Planted scrum scenarios: issues whose sprint-report treatment is fixed by a script, not by chance.

In each scrum project with closed sprints, up to four estimated backlog issues are taken out of
the random simulation and given a scripted life (no random number is drawn for them):

- carried_over: pulled into closed sprint k before it starts, still unfinished when k and k+1
  close (so carried over into k+1 and k+2), done before k+2 closes: committed in each of the
  three sprints, not completed in k and k+1, completed in k+2 only.
- re_estimated: pulled into sprint j before it starts, re-estimated one day after the start (to
  the next Fibonacci value; 13 becomes 8), done before j closes: committed at the old estimate,
  completed at the new one.
- added_mid_sprint: put into sprint m two days after it starts, done before it closes: added and
  completed, never committed.
- done_before_start: finished in the backlog two days before sprint j starts, then pulled into j
  before the start: "completed outside this sprint", so in none of j's figures.

k, k+1, k+2 are the last three closed sprints, j = k+1, m = k+2. With fewer than three closed
sprints the carry-over is not planted and j = m = the last closed sprint. Each scenario takes the
latest-created estimated issue created at least a day before the scenario first touches it. A
project with fewer than MIN_ISSUES issues gets no planted issue: tiny sites stay all random.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sandbox.jira_catalog import STATUS_DONE, STATUS_IN_PROGRESS, STATUS_IN_REVIEW
from sandbox.jira_draft import IssueDraft
from sandbox.model import Sprint

CARRIED_OVER = "carried_over"
RE_ESTIMATED = "re_estimated"
ADDED_MID_SPRINT = "added_mid_sprint"
DONE_BEFORE_START = "done_before_start"
_FIBONACCI = (1.0, 2.0, 3.0, 5.0, 8.0, 13.0)
_PULL_BEFORE = timedelta(hours=1)  # planned into the sprint an hour before it starts
_ADD_AFTER = timedelta(days=2)  # added mid-sprint two days after the start
_DAY = timedelta(days=1)
MIN_ISSUES = 20
_FINISHED_BEFORE = timedelta(days=3)  # work on the done_before_start issue begins 3 days before the start


class Context(Protocol):
    """What the scripts need from the simulation (sandbox.jira_sim.SimContext fits)."""

    team: Sequence[str]
    lead: str
    people_names: Mapping[str, str]
    sprint_names: Mapping[int, str]


@dataclass(frozen=True)
class Plant:
    """One scripted issue: its scenario name, its draft and the sprints it goes through, in order."""

    name: str
    draft: IssueDraft
    sprints: tuple[Sprint, ...]


def choose(drafts: Sequence[IssueDraft], sprints: Sequence[Sprint]) -> list[Plant]:
    """Pick and mark (draft.planted) the issues of each scenario that this board can hold."""
    closed = [s for s in sprints if s.state == "closed"] if len(drafts) >= MIN_ISSUES else []
    wanted: list[tuple[str, tuple[Sprint, ...], datetime]] = []
    if len(closed) >= 3:
        k = tuple(closed[-3:])
        wanted.append((CARRIED_OVER, k, _start(k[0]) - _PULL_BEFORE))
        wanted.append((RE_ESTIMATED, (k[1],), _start(k[1]) - _PULL_BEFORE))
        wanted.append((ADDED_MID_SPRINT, (k[2],), _start(k[2]) + _ADD_AFTER))
        wanted.append((DONE_BEFORE_START, (k[1],), _start(k[1]) - _FINISHED_BEFORE))
    elif closed:
        last = closed[-1]
        wanted.append((RE_ESTIMATED, (last,), _start(last) - _PULL_BEFORE))
        wanted.append((ADDED_MID_SPRINT, (last,), _start(last) + _ADD_AFTER))
        wanted.append((DONE_BEFORE_START, (last,), _start(last) - _FINISHED_BEFORE))
    plants: list[Plant] = []
    for name, chosen, needed in wanted:
        pool = [d for d in drafts if d.points is not None and d.planted is None and d.created < needed - _DAY]
        if not pool:
            continue
        draft = max(pool, key=lambda d: (d.created, d.num))
        draft.planted = name
        plants.append(Plant(name, draft, chosen))
    return plants


def play(ctx: Context, plants: Sequence[Plant], sprint: Sprint) -> None:
    """Apply every planted change that falls to `sprint` (call it before the sprint is completed)."""
    for plant in plants:
        ids = [s.id for s in plant.sprints]
        if sprint.id in ids:
            _SCRIPTS[plant.name](ctx, plant.draft, _start(sprint), sprint.id, ids.index(sprint.id))


def _start(sprint: Sprint) -> datetime:
    assert sprint.start is not None
    return sprint.start


def _pull(ctx: Context, draft: IssueDraft, at: datetime, sprint_id: int) -> None:
    draft.change_sprints(at, [*draft.sprints, sprint_id], ctx.lead, ctx.sprint_names)
    draft.open_sprint = sprint_id


def _begin(ctx: Context, draft: IssueDraft, at: datetime) -> str:
    """Assign (when unassigned) and move to In Progress at `at`; returns the assignee."""
    if draft.assignee is None:
        who = ctx.team[draft.num % len(ctx.team)]
        draft.change_assignee(at - timedelta(minutes=2), who, ctx.lead, ctx.people_names)
    assert draft.assignee is not None
    draft.change_status(at, STATUS_IN_PROGRESS, draft.assignee)
    return draft.assignee


def _carried_over(ctx: Context, draft: IssueDraft, start: datetime, sprint_id: int, position: int) -> None:
    if position == 0:
        _pull(ctx, draft, start - _PULL_BEFORE, sprint_id)
        _begin(ctx, draft, start + _DAY)
        return
    who = draft.assignee or ctx.lead
    draft.change_status(start + 2 * _DAY, STATUS_IN_REVIEW, who)
    if position == 1:  # review sends it back: still unfinished when this sprint closes
        draft.change_status(start + 4 * _DAY, STATUS_IN_PROGRESS, who)
    else:
        draft.change_status(start + 3 * _DAY, STATUS_DONE, who)


def next_estimate(points: float) -> float:
    """The re-estimate of the re_estimated scenario: the next Fibonacci value, 13 -> 8."""
    higher = [p for p in _FIBONACCI if p > points]
    return higher[0] if higher else 8.0


def _re_estimated(ctx: Context, draft: IssueDraft, start: datetime, sprint_id: int, _position: int) -> None:
    assert draft.points is not None
    _pull(ctx, draft, start - _PULL_BEFORE, sprint_id)
    draft.change_points(start + _DAY, next_estimate(draft.points), ctx.lead)
    who = _begin(ctx, draft, start + _DAY + timedelta(hours=1))
    draft.change_status(start + 4 * _DAY, STATUS_IN_REVIEW, who)
    draft.change_status(start + 5 * _DAY, STATUS_DONE, who)


def _added_mid_sprint(ctx: Context, draft: IssueDraft, start: datetime, sprint_id: int, _position: int) -> None:
    _pull(ctx, draft, start + _ADD_AFTER, sprint_id)
    who = _begin(ctx, draft, start + _ADD_AFTER + timedelta(hours=1))
    draft.change_status(start + 4 * _DAY, STATUS_IN_REVIEW, who)
    draft.change_status(start + 6 * _DAY, STATUS_DONE, who)


def _done_before_start(ctx: Context, draft: IssueDraft, start: datetime, sprint_id: int, _position: int) -> None:
    who = _begin(ctx, draft, start - _FINISHED_BEFORE)
    draft.change_status(start - 2 * _DAY, STATUS_DONE, who)
    _pull(ctx, draft, start - _PULL_BEFORE, sprint_id)


_SCRIPTS: dict[str, Callable[[Context, IssueDraft, datetime, int, int], None]] = {
    CARRIED_OVER: _carried_over,
    RE_ESTIMATED: _re_estimated,
    ADDED_MID_SPRINT: _added_mid_sprint,
    DONE_BEFORE_START: _done_before_start,
}
