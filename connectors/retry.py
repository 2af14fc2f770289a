"""When to retry a request and how long to wait first.

Policy (field notes #3): retry only what a retry can fix — 429, 502/503/504 and lost connections.
The wait is ``max(what the server asked for, capped exponential backoff with full jitter)``:
the server's ``Retry-After`` is a *minimum*, never an upper bound (pycontribs/jira#1805 stopped
retrying on ``Retry-After: 0``, which Jira sends often), and a 0 or negative value means 1 s.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
MIN_SERVER_WAIT = 1.0


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Full-jitter backoff for the given 1-based attempt: uniform(0, min(cap, base·2^(attempt-1)))."""
    ceiling = min(cap, base * (2 ** max(attempt - 1, 0)))
    return rng.uniform(0.0, ceiling)


def server_wait(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """Seconds the server asked us to wait, or None if it did not say.

    Reads ``Retry-After`` (delta-seconds or an HTTP date), else ``X-RateLimit-Reset`` (Jira sends
    ISO-8601 such as ``2026-03-02T10:15Z``; epoch seconds are accepted too). Never less than 1 s.
    """
    now = now or datetime.now(UTC)
    retry_after = headers.get("Retry-After")
    if retry_after is not None:
        seconds = _seconds_until(retry_after.strip(), now, numeric_is_epoch=False)
        if seconds is not None:
            return max(seconds, MIN_SERVER_WAIT)
    reset = headers.get("X-RateLimit-Reset")
    if reset is not None:
        seconds = _seconds_until(reset.strip(), now, numeric_is_epoch=True)
        if seconds is not None:
            return max(seconds, MIN_SERVER_WAIT)
    return None


def _seconds_until(value: str, now: datetime, *, numeric_is_epoch: bool) -> float | None:
    try:
        number = float(value)
    except ValueError:
        pass
    else:
        # A reset header holding a big number is an epoch timestamp, not a delay.
        return number - now.timestamp() if numeric_is_epoch and number > 1e9 else number
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (when - now).total_seconds()


def retry_delay(
    attempt: int,
    status: int | None,
    headers: Mapping[str, str],
    *,
    base: float,
    cap: float,
    rng: random.Random,
) -> tuple[float, float | None]:
    """Return (delay to sleep, the server's own minimum or None) before retrying `attempt`."""
    floor = server_wait(headers) if status is not None else None
    if status == 429 and floor is None:
        # Trello documents no Retry-After; a 429 still means "not now", so never retry instantly.
        floor = MIN_SERVER_WAIT
    return max(floor or 0.0, backoff_delay(attempt, base, cap, rng)), floor
