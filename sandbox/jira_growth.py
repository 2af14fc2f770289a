"""Plant a giant issue on the live site: thousands of changelog histories on one issue, truth unchanged.

Real sites have a few issues an integration or automation rule has written to thousands of times;
one such issue is enough to exhaust a client that holds an issue's whole changelog in memory.
`grow_history` appends `n` histories to one issue at the sandbox's now, with new site-wide ids
above every existing one: re-ranks and, where the site has the realistic profile's "Sync status"
field, that field being rewritten by an integration. Neither changes a figure of the ground truth
(status, Sprint, story points and worklogs are untouched); the issue's `updated` moves to now.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime

from sandbox.jira_catalog import RANK_FIELD
from sandbox.jira_state import JiraState
from sandbox.model import ChangeHistory, ChangeItem
from sandbox.realistic_fields import SYNC_STATUS
from sandbox.timefmt import epoch_ms

_RANKS = (
    (ChangeItem("Rank", "custom", RANK_FIELD, "", "", "", "Ranked higher"),),
    (ChangeItem("Rank", "custom", RANK_FIELD, "", "", "", "Ranked lower"),),
)
_STATES = ("in sync", "pending", "updated from ServiceNow", "conflict", "retrying")


def grow_history(state: JiraState, issue_id: int, n: int, rng: random.Random, now: datetime) -> None:
    """Append `n` histories to issue `issue_id` (see the module text); call with `state.lock` held."""
    issue = state.issues.get(issue_id)
    if issue is None:
        raise ValueError(f"no existing issue with id {issue_id}")
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n}")
    synced = state.field(SYNC_STATUS.id) is not None
    last = next((i.to_string for h in reversed(issue.histories) for i in h.items if i.field_id == SYNC_STATUS.id), None)
    author = issue.assignee or issue.reporter
    items: dict[tuple[str | None, str], tuple[ChangeItem, ...]] = {}
    added = []
    for _ in range(n):
        if synced and rng.random() < 0.85:
            after = rng.choice([s for s in _STATES if s != last])
            found = items.setdefault(
                (last, after), (ChangeItem(SYNC_STATUS.name, "custom", SYNC_STATUS.id, None, last, None, after),)
            )
            last = after
        else:
            found = rng.choice(_RANKS)
        added.append(ChangeHistory(state.next_history_id, author, now, found))
        state.next_history_id += 1
    state.put(replace(issue, updated=now, histories=(*issue.histories, *added)), epoch_ms(now))
