"""Timestamp formats and id shapes of the three vendors.

Each vendor writes instants differently, and connectors must parse all of them:
Jira `2026-01-05T10:00:00.000+0000`, Trello and Confluence `2026-01-05T10:00:00.000Z`.
Trello ids are MongoDB ObjectIds whose first 8 hex digits are the creation time in unix seconds,
which is what makes Trello's `before`/`since` paging by id work.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def midnight(day: date) -> datetime:
    """The instant a UTC day starts."""
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


def _millis(dt: datetime) -> str:
    return f"{dt.microsecond // 1000:03d}"


def jira_ts(dt: datetime) -> str:
    """Jira platform format: offset without a colon, always UTC here."""
    if dt.tzinfo is not UTC:
        dt = dt.astimezone(UTC)
    # isoformat is C code ("...:00.123+00:00"); strftime plus Python formatting was the sandbox's
    # largest cost when serving long histories.
    return dt.isoformat(timespec="milliseconds")[:-6] + "+0000"


def iso_z(dt: datetime) -> str:
    """Trello, Confluence v2 and Jira Software (sprints) format."""
    dt = dt.astimezone(UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + _millis(dt) + "Z"


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)


def epoch_ms(dt: datetime) -> int:
    """Milliseconds since the unix epoch, as Jira's worklog feeds and JQL bounds use.

    Integer arithmetic, not dt.timestamp() * 1000: the float product can land a hair under a whole
    millisecond and truncate to the previous one, which would move items across paging boundaries.
    """
    return (dt - _EPOCH) // _MS


def from_epoch_ms(ms: int) -> datetime:
    return _EPOCH + ms * _MS


class ObjectIds:
    """Makes Trello ids: creation second (8 hex), a per-process random part (10 hex), a counter (6 hex).

    That is MongoDB's ObjectId layout. Ids made in time order sort in time order even within one
    second, so comparing ids compares creation times, which Trello's `before`/`since` rely on.
    """

    def __init__(self, rng: random.Random) -> None:
        self._process = rng.getrandbits(40)
        self._counter = rng.getrandbits(24)

    def make(self, dt: datetime) -> str:
        self._counter = (self._counter + 1) % (1 << 24)
        return f"{int(dt.timestamp()):08x}{self._process:010x}{self._counter:06x}"


def account_id(rng: random.Random) -> str:
    """An Atlassian accountId in the common 24-hex form (e.g. 5b10ac8d82e05b22cc7d4ef5)."""
    return f"{rng.getrandbits(96):024x}"


def short_link(rng: random.Random) -> str:
    """Trello's 8-character short link used in card and board URLs."""
    return "".join(rng.choice(_ALNUM) for _ in range(8))


def between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A random instant in [start, end); `start` itself when the window is empty."""
    span_ms = int((end - start).total_seconds() * 1000)
    if span_ms <= 0:
        return start
    return start + timedelta(milliseconds=rng.randrange(span_ms))
