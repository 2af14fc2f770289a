"""Issue drafts and worklogs of the realistic profile (sandbox.realistic gives the figures).

Issues are created over the project's whole life (a year or more): a batch at kickoff, then a steady
trickle, epics mostly early. Each issue draws a `content_seed` for its static content. Worklogs
follow the status history as in the demo profile (inside In Progress / In Review intervals), but
their number has a long tail: most issues carry none to five, one in a few hundred over a hundred
(long-running work, typically an epic's). An edited worklog is edited within days, not months later.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sandbox.gen_text import issue_summary
from sandbox.jira_catalog import EPIC
from sandbox.jira_draft import IssueDraft
from sandbox.jira_sim import ESTIMATED_SHARE, estimate
from sandbox.jira_worklogs import worklogs_by_issue
from sandbox.model import Worklog
from sandbox.timefmt import between, midnight

if TYPE_CHECKING:
    from sandbox.gen_jira import JiraSpec

_LABELS = ("frontend", "backend", "ux", "infra", "tech-debt", "customer", "security", "performance")
_TYPES = ("Story", "Bug", "Task", EPIC)
_TYPE_WEIGHTS = (52, 22, 22, 4)
_SECOND = timedelta(seconds=1)
# Worklogs per issue that saw work: (share, lowest, highest).
_WORKLOG_COUNTS = ((0.35, 0, 0), (0.47, 1, 5), (0.14, 6, 20), (0.04, 21, 100))
LONG_WORK_DAYS = 25  # in progress this long: one issue in eight carries over a hundred worklogs
MAX_PER_DAY = 4


def realistic_drafts(rng: random.Random, spec: JiraSpec, now: datetime, seq: itertools.count[int]) -> list[IssueDraft]:
    """The project's issues at creation: 10% in the kickoff fortnight, the rest spread until now."""
    kickoff = midnight(spec.kickoff) + timedelta(hours=8)
    last = now - timedelta(hours=6)
    early = kickoff + 0.7 * (last - kickoff)
    kinds = rng.choices(_TYPES, _TYPE_WEIGHTS, k=spec.issues)
    times = sorted(
        (
            between(rng, kickoff, early if kind == EPIC else last)
            if rng.random() >= 0.1
            else between(rng, kickoff, kickoff + timedelta(days=14)),
            kind,
        )
        for kind in kinds
    )
    drafts = []
    for num, (created, issue_type) in enumerate(times, start=1):
        theme_type = "Story" if issue_type == EPIC else issue_type
        estimated = issue_type != EPIC and rng.random() < ESTIMATED_SHARE[theme_type]
        drafts.append(
            IssueDraft(
                num=num,
                project_key=spec.key,
                issue_type=issue_type,
                summary=issue_summary(rng, spec.theme, theme_type),
                priority=rng.choices(("Highest", "High", "Medium", "Low", "Lowest"), (1, 4, 10, 3, 1))[0],
                created=created,
                reporter=rng.choice(spec.team).account_id,
                points=estimate(rng) if estimated else None,
                due=(created + timedelta(days=rng.randrange(14, 120))).date() if rng.random() < 0.15 else None,
                labels=tuple(sorted(rng.sample(_LABELS, rng.choice((0, 0, 1, 1, 2, 3))))),
                seq=seq,
                points_field=spec.points_field,
                content_seed=rng.getrandbits(40),
            )
        )
    return drafts


def _count(rng: random.Random, days: float) -> int:
    if days >= LONG_WORK_DAYS and rng.random() < 0.125:
        return rng.randrange(101, max(102, min(400, int(days * MAX_PER_DAY))))
    roll = rng.random()
    for share, low, high in _WORKLOG_COUNTS:
        if roll < share:
            return min(rng.randrange(low, high + 1), max(1, int(days * MAX_PER_DAY)))
        roll -= share
    return 0


def realistic_worklogs(
    rng: random.Random,
    drafts: Sequence[IssueDraft],
    team: Sequence[str],
    now: datetime,
    seq: itertools.count[int],
) -> dict[int, list[Worklog]]:
    """The realistic profile's worklogs (see `worklogs_by_issue`): long-tailed counts per issue."""

    def count(draft: IssueDraft, days: float) -> int:
        usual = _count(rng, days)
        # time is mostly logged on the epic's children
        return 0 if draft.issue_type == EPIC and rng.random() < 0.7 else usual

    def edited(created: datetime) -> datetime:
        if rng.random() < 0.08:
            return min(created + timedelta(minutes=int(rng.expovariate(1 / 600)) + 1), now - _SECOND)
        return created

    return worklogs_by_issue(rng, drafts, team, now, seq, count, edited)
