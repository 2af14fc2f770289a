"""The sandbox clock: the instant the running site believes it is.

It starts at the portfolio's "now" (every generated timestamp is before it) when the server starts,
runs with the wall clock from there, and can be pushed forward with `advance` so a test can let the
search index catch up, or let `/worklog/updated` include the last minute, without sleeping.
Mutations stamp `created`/`updated` with it, so freshly changed data is always the newest data.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta


class SandboxClock:
    """now() = origin + wall time since start() (or construction) + the sum of every advance()."""

    def __init__(self, origin: datetime, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.origin = origin
        self._monotonic = monotonic
        self._started = monotonic()
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def start(self) -> None:
        """Restart the wall-time part at zero (the server calls this when it starts serving)."""
        with self._lock:
            self._started = self._monotonic()

    def now(self) -> datetime:
        """The current sandbox instant, truncated to the millisecond as Jira stores instants."""
        with self._lock:
            elapsed = timedelta(seconds=self._monotonic() - self._started)
            instant = self.origin + elapsed + self._offset
        return instant.replace(microsecond=instant.microsecond // 1000 * 1000)

    def advance(self, minutes: float) -> datetime:
        """Jump forward `minutes` (never back: Jira's clock does not run backwards); returns now()."""
        if minutes < 0:
            raise ValueError(f"the sandbox clock only moves forward, not by {minutes} minutes")
        with self._lock:
            self._offset += timedelta(minutes=minutes)
        return self.now()
