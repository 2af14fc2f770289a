"""Scrum simulation of one Jira project: planning, work during each sprint, scope change, carry-over.

It produces the history a real team leaves behind: issues are created in the backlog, pulled into a
sprint before it starts (Sprint "" -> "7"), sometimes re-estimated, moved To Do -> In Progress ->
In Review -> Done (some reopened), a few added or removed mid-sprint, and unfinished ones carried over
when the sprint is completed (Sprint "7" -> "7, 8"). Nothing happens at or after "now".
A few issues follow a script instead of chance (sandbox.jira_plant), so the data always holds a
carry-over across three sprints, a mid-sprint re-estimate, a mid-sprint addition and an issue
completed outside the sprint it sits in.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sandbox import jira_plant
from sandbox.jira_catalog import EPIC, STATUS_DONE, STATUS_IN_PROGRESS, STATUS_IN_REVIEW, STATUS_TODO, Status
from sandbox.jira_draft import IssueDraft
from sandbox.model import Sprint
from sandbox.timefmt import between

FIBONACCI = (1.0, 2.0, 3.0, 5.0, 8.0, 13.0)
FIB_WEIGHTS = (2, 4, 5, 4, 2, 1)
_FLOW = (STATUS_TODO, STATUS_IN_PROGRESS, STATUS_IN_REVIEW, STATUS_DONE)
_PRIORITY_RANK = {"Highest": 0, "High": 1, "Medium": 2, "Low": 3, "Lowest": 4}
_MIN = timedelta(minutes=1)


# The share of issues of each type that carry an estimate when created (bugs often go unestimated).
ESTIMATED_SHARE = {"Story": 0.93, "Task": 0.8, "Bug": 0.6}


def estimate(rng: random.Random) -> float:
    return rng.choices(FIBONACCI, FIB_WEIGHTS)[0]


@dataclass
class SimContext:
    """What the simulation needs besides the issues: randomness, the clock, the team and names."""

    rng: random.Random
    now: datetime
    team: Sequence[str]
    lead: str
    people_names: Mapping[str, str]
    sprint_names: Mapping[int, str]


Action = tuple[datetime, int, Callable[[], None]]


def simulate(ctx: SimContext, drafts: Sequence[IssueDraft], sprints: Sequence[Sprint]) -> dict[str, str]:
    """Run every closed and the active sprint in order, then fill the future sprint.

    Returns the planted scenarios: name -> issue key (see sandbox.jira_plant).
    """
    working = [s for s in sprints if s.state != "future"]
    total_points = sum(d.points or 3.0 for d in drafts)
    # About 70% of the scope goes through the sprints run so far; the rest stays in the backlog.
    capacity = 0.7 * total_points / max(1, len(working))
    plants = jira_plant.choose(drafts, working)
    for index, sprint in enumerate(working):
        jira_plant.play(ctx, plants, sprint)
        _plan(ctx, drafts, sprint, capacity)
        _run(ctx, drafts, sprint)
        if sprint.state == "closed" and index + 1 < len(working):
            _complete(ctx, drafts, sprint, working[index + 1])
    active = working[-1] if working and working[-1].state == "active" else None
    for future in (s for s in sprints if s.state == "future"):
        if active is not None and active.start is not None:
            _fill_future(ctx, drafts, future, active.start, 0.6 * capacity)
    return {p.name: p.draft.key for p in plants}


def simulate_kanban(ctx: SimContext, drafts: Sequence[IssueDraft]) -> None:
    """A board without sprints: each issue flows on its own between creation and now."""
    actions: list[Action] = []
    for draft in drafts:
        roll = ctx.rng.random()
        if roll < 0.85:
            start, end = draft.created + timedelta(hours=1), ctx.now - timedelta(hours=1)
            actions += _work(ctx, draft, start, end, roll < 0.5)
    _apply(actions, ctx.now)


def _apply(actions: list[Action], cutoff: datetime) -> None:
    """Apply in time order so every change sees the state left by the previous one."""
    for at, _order, apply in sorted(actions, key=lambda a: (a[0], a[1])):
        if at < cutoff:
            apply()


def _backlog(drafts: Sequence[IssueDraft], before: datetime) -> list[IssueDraft]:
    """Unplanted To Do issues in no open sprint, last changed an hour before `before`, in rank order.

    Epics (realistic profile) never go into a sprint: their children do.
    """
    found = [
        d
        for d in drafts
        if d.open_sprint is None
        and d.planted is None
        and d.issue_type != EPIC
        and d.status is STATUS_TODO
        and d.last_event_at() < before - timedelta(hours=1)
    ]
    return sorted(found, key=lambda d: (_PRIORITY_RANK[d.priority], d.created, d.num))


def _first_quiet(ranked: list[IssueDraft], at: datetime, chosen: set[int], count: int) -> list[IssueDraft]:
    """The first `count` of `ranked` (a backlog in rank order) quiet for an hour before `at`, not chosen."""
    found: list[IssueDraft] = []
    quiet_before = at - timedelta(hours=1)
    for draft in ranked:
        if draft.last_event_at() < quiet_before and draft.num not in chosen:
            found.append(draft)
            if len(found) == count:
                break
    return found


def _author(ctx: SimContext, draft: IssueDraft) -> str:
    return draft.assignee or ctx.rng.choice(ctx.team)


def _pull(ctx: SimContext, draft: IssueDraft, at: datetime, sprint_id: int) -> None:
    """Add a backlog issue to a sprint, estimating it first when the team does so during planning."""
    rng = ctx.rng
    if (draft.points is None and rng.random() < 0.7) or (draft.points is not None and rng.random() < 0.08):
        draft.change_points(at - _MIN * 3, estimate(rng), ctx.lead)
    draft.change_sprints(at, [*draft.sprints, sprint_id], ctx.lead, ctx.sprint_names)
    draft.open_sprint = sprint_id


def _plan(ctx: SimContext, drafts: Sequence[IssueDraft], sprint: Sprint, capacity: float) -> None:
    assert sprint.start is not None
    window_end = sprint.start - timedelta(minutes=10)
    window_start = sprint.start - timedelta(days=3)
    load = sum(d.points or 0.0 for d in drafts if d.open_sprint == sprint.id)
    target = capacity * ctx.rng.uniform(0.85, 1.15)
    for draft in _backlog(drafts, window_end):
        if load >= target:
            break
        at = between(ctx.rng, max(window_start, draft.last_event_at() + 10 * _MIN), window_end)
        _pull(ctx, draft, at, sprint.id)
        load += draft.points or 0.0


def _chain(
    rng: random.Random, current: Status, start: datetime, end: datetime, finish: bool
) -> list[tuple[datetime, Status]]:
    """Status transitions from `current` within [start, end): to Done when `finish`, else part-way."""
    here = _FLOW.index(current)
    if finish:
        steps = list(_FLOW[here + 1 :])
        if rng.random() < 0.07:  # reopened after review found a problem, then finished again
            steps += [STATUS_IN_PROGRESS, STATUS_IN_REVIEW, STATUS_DONE]
    elif current == STATUS_IN_REVIEW:
        steps = [STATUS_IN_PROGRESS] if rng.random() < 0.3 else []
    else:
        steps = list(_FLOW[here + 1 : rng.choice((2, 2, 3))])
    times = sorted(between(rng, start, end) for _ in steps)
    return list(zip(times, steps, strict=True))


def _work(ctx: SimContext, draft: IssueDraft, start: datetime, end: datetime, finish: bool) -> list[Action]:
    """Scheduled changes for one issue during a sprint window, assignee first when it has none."""
    actions: list[Action] = []
    chain = _chain(ctx.rng, draft.status, start, end, finish)
    if chain and draft.assignee is None:
        who = ctx.rng.choice(ctx.team)
        first = chain[0][0] - 2 * _MIN
        actions.append((first, 0, lambda: draft.change_assignee(first, who, ctx.lead, ctx.people_names)))
    for order, (at, status) in enumerate(chain, start=1):
        actions.append((at, order, _status_action(ctx, draft, at, status)))
    return actions


def _status_action(ctx: SimContext, draft: IssueDraft, at: datetime, status: Status) -> Callable[[], None]:
    return lambda: draft.change_status(at, status, _author(ctx, draft))


def _run(ctx: SimContext, drafts: Sequence[IssueDraft], sprint: Sprint) -> None:
    """Work inside the sprint window; for the active sprint only what happened before now is kept."""
    assert sprint.start is not None and sprint.end is not None
    rng, start, end = ctx.rng, sprint.start, sprint.end
    cutoff = sprint.complete if sprint.complete is not None else ctx.now
    actions: list[Action] = []
    committed = [d for d in drafts if d.open_sprint == sprint.id and d.planted is None]
    for draft in committed:
        roll = rng.random()
        big = (draft.points or 0) >= 8
        if roll < (0.68 if big else 0.8):
            actions += _work(ctx, draft, start + timedelta(hours=2), end - timedelta(hours=1), True)
        elif roll < 0.92:
            actions += _work(ctx, draft, start + timedelta(hours=2), end - timedelta(hours=1), False)
        elif draft.status == STATUS_TODO and rng.random() < 0.5:
            at = between(rng, start + timedelta(days=1), end - timedelta(days=1))
            actions.append((at, 0, _removal(ctx, draft, at, sprint.id)))
        if rng.random() < 0.06 and draft.points is not None:
            at = between(rng, start + timedelta(hours=1), start + timedelta(days=2))
            actions.append((at, 0, _reestimate(ctx, draft, at)))
    chosen: set[int] = set()
    # Additions only schedule actions, so the backlog's members are fixed during this loop; only the
    # "quiet for an hour before `at`" filter varies. Sorting once keeps large projects linear.
    ranked = _backlog(drafts, end)
    for _ in range(rng.choice((0, 1, 1, 2, 3)) * max(1, len(committed) // 10)):
        at = between(rng, start + timedelta(days=1), end - timedelta(days=3))
        pool = _first_quiet(ranked, at, chosen, 8)
        if not pool:
            continue
        draft = rng.choice(pool)
        chosen.add(draft.num)
        actions.append((at, 0, _addition(ctx, draft, at, sprint.id)))
        actions += _work(ctx, draft, at + timedelta(hours=1), end - timedelta(hours=1), rng.random() < 0.6)
    _apply(actions, cutoff)


def _removal(ctx: SimContext, draft: IssueDraft, at: datetime, sprint_id: int) -> Callable[[], None]:
    def apply() -> None:
        draft.change_sprints(at, [s for s in draft.sprints if s != sprint_id], ctx.lead, ctx.sprint_names)
        draft.open_sprint = None

    return apply


def _addition(ctx: SimContext, draft: IssueDraft, at: datetime, sprint_id: int) -> Callable[[], None]:
    return lambda: _pull(ctx, draft, at, sprint_id)


def _reestimate(ctx: SimContext, draft: IssueDraft, at: datetime) -> Callable[[], None]:
    new = estimate(ctx.rng)

    def apply() -> None:
        # A re-estimate scheduled after work began is skipped: teams rarely re-point started work.
        if draft.status == STATUS_TODO and at > draft.last_event_at():
            draft.change_points(at, new, _author(ctx, draft))

    return apply


def _complete(ctx: SimContext, drafts: Sequence[IssueDraft], sprint: Sprint, following: Sprint) -> None:
    """Close the sprint: done issues stay in it, unfinished ones move on to the next sprint too."""
    assert sprint.complete is not None
    for draft in drafts:
        if draft.open_sprint != sprint.id:
            continue
        if draft.status == STATUS_DONE:
            draft.open_sprint = None
        else:
            draft.change_sprints(sprint.complete, [*draft.sprints, following.id], ctx.lead, ctx.sprint_names)
            draft.open_sprint = following.id


def _fill_future(
    ctx: SimContext, drafts: Sequence[IssueDraft], future: Sprint, active_start: datetime, target: float
) -> None:
    """Backlog refinement during the active sprint puts the next batch into the future sprint."""
    latest = ctx.now - timedelta(hours=2)
    load = 0.0
    for draft in _backlog(drafts, latest):
        if load >= target:
            break
        earliest = max(active_start, draft.last_event_at()) + 10 * _MIN
        if earliest >= latest:
            continue
        _pull(ctx, draft, between(ctx.rng, earliest, latest), future.id)
        load += draft.points or 0.0
