"""Worklogs and changelog "noise" added after the scrum simulation.

Worklogs fall inside the intervals an issue spent In Progress / In Review, so logged time matches
the status history. Noise (Rank and Flagged changes) gives some issues more than 20, and a few more
than 40, changelog histories, which is what forces connectors onto the bulk changelog endpoint.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sandbox.jira_draft import IssueDraft
from sandbox.model import Worklog
from sandbox.timefmt import between

QUARTER_HOURS = tuple(range(2, 25))  # 30 minutes .. 6 hours, in 15-minute steps
WORK_COMMENTS = (
    "Implementation",
    "Code review",
    "Pairing session",
    "Investigation",
    "Testing on staging",
    "Fixing review remarks",
    "Meeting with stakeholders",
    "Documentation",
)
_SECOND = timedelta(seconds=1)


def draw_worklog_times(
    rng: random.Random, intervals: Sequence[tuple[datetime, datetime]], now: datetime
) -> tuple[datetime, int, datetime]:
    """(started, seconds, created) of one worklog on a day the issue was worked on (`intervals`)."""
    start, end = rng.choice(intervals)
    started = between(rng, start, end).replace(second=0, microsecond=0)
    seconds = rng.choice(QUARTER_HOURS) * 900
    # Logged once the work is over, or right away when that moment is still in the future.
    created = started + timedelta(
        seconds=seconds + rng.randrange(60), minutes=rng.randrange(5, 120), milliseconds=rng.randrange(1000)
    )
    if created >= now:
        created = between(rng, started + _SECOND, now - _SECOND)
    return started, seconds, created


def worklogs_by_issue(
    rng: random.Random,
    drafts: Sequence[IssueDraft],
    team: Sequence[str],
    now: datetime,
    seq: itertools.count[int],
    count: Callable[[IssueDraft, float], int],
    edited: Callable[[datetime], datetime],
) -> dict[int, list[Worklog]]:
    """Worklogs per issue number, with provisional ids (site-wide ids are assigned later).

    `count` says how many an issue gets from its days of active work; `edited` when a worklog
    created at a time was last updated. Each profile (demo, realistic) gives its own.
    """
    result: dict[int, list[Worklog]] = {}
    for draft in drafts:
        intervals = [(start, end or now) for start, end in draft.work_intervals if start is not None]
        if not intervals:
            continue
        days = sum((end - start).total_seconds() for start, end in intervals) / 86400
        logs = []
        for _ in range(count(draft, days)):
            started, seconds, created = draw_worklog_times(rng, intervals, now)
            updated = edited(created)
            author = draft.assignee if draft.assignee and rng.random() < 0.8 else rng.choice(team)
            logs.append(Worklog(next(seq), 0, author, started, seconds, created, updated, rng.choice(WORK_COMMENTS)))
        if logs:
            result[draft.num] = sorted(logs, key=lambda w: (w.started, w.id))
    return result


def make_worklogs(
    rng: random.Random,
    drafts: Sequence[IssueDraft],
    team: Sequence[str],
    now: datetime,
    seq: itertools.count[int],
) -> dict[int, list[Worklog]]:
    """The demo profile's worklogs (see `worklogs_by_issue`).

    About one worklog every two working days of active work; one issue in twenty is a heavy one
    with 21-30 worklogs, more than the 20 Jira embeds in an issue's `worklog` field.
    """

    def count(_draft: IssueDraft, days: float) -> int:
        usual = max(1, round(days / 2 * rng.uniform(0.6, 1.4)))
        return rng.randrange(21, 31) if rng.random() < 0.05 else usual

    def edited(created: datetime) -> datetime:
        return between(rng, created, now - _SECOND) if rng.random() < 0.1 else created

    return worklogs_by_issue(rng, drafts, team, now, seq, count, edited)


def add_noise(rng: random.Random, drafts: Sequence[IssueDraft], team: Sequence[str], now: datetime) -> None:
    """Give ~6% of issues (at least 2) 22-32 histories and ~2.5% (at least 1) 42-60, via Rank and Flagged."""
    order = rng.sample(range(len(drafts)), len(drafts))
    heavy = max(1, round(len(drafts) * 0.025))
    busy = heavy + max(2, round(len(drafts) * 0.06))
    for rank, index in enumerate(order[:busy]):
        draft = drafts[index]
        target = rng.randrange(42, 61) if rank < heavy else rng.randrange(22, 33)
        extra = max(0, target - len(draft.events))
        times = sorted(between(rng, draft.created + timedelta(minutes=5), now - _SECOND) for _ in range(extra))
        for at in times:
            author = rng.choice(team)
            if rng.random() < 0.7:
                draft.rerank(at, author, rng.random() < 0.5)
            else:
                draft.toggle_flag(at, author)
