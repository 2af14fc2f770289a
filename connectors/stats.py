"""Request counters for one client, reported as run metadata (field notes #3: record requests,
retries and 429s so slow or throttled syncs are visible instead of mysterious)."""

from __future__ import annotations

import threading


class RequestStats:
    """Thread-safe counters for one `HttpClient`.

    Attributes:
        requests: HTTP attempts sent (each retry counts again).
        retries: attempts that failed in a retryable way and were tried again.
        throttled: HTTP 429 responses received.
        errors: `ApiError`s raised to the caller (final failures, not retried attempts).
        wait_seconds: time spent sleeping for retries and proactive throttling.
        shortfalls: what answers left out although the request asked for it, and pmhub fetched
            another way (connectors.answers), by description, e.g. {"issues without the changelog
            asked for (fetched by changelog/bulkfetch)": 120}.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests = 0
        self.retries = 0
        self.throttled = 0
        self.errors = 0
        self.wait_seconds = 0.0
        self._shortfalls: dict[str, int] = {}

    def add_shortfall(self, what: str, count: int) -> None:
        """Record `count` items an answer left out (described by `what`), made up for elsewhere."""
        if count:
            with self._lock:
                self._shortfalls[what] = self._shortfalls.get(what, 0) + count

    def shortfalls(self) -> dict[str, int]:
        with self._lock:
            return dict(self._shortfalls)

    def add(
        self,
        *,
        requests: int = 0,
        retries: int = 0,
        throttled: int = 0,
        errors: int = 0,
        wait_seconds: float = 0.0,
    ) -> None:
        """Increment counters atomically."""
        with self._lock:
            self.requests += requests
            self.retries += retries
            self.throttled += throttled
            self.errors += errors
            self.wait_seconds += wait_seconds

    def as_dict(self) -> dict[str, float]:
        """A consistent snapshot, e.g. for Dagster materialization metadata."""
        with self._lock:
            return {
                "requests": self.requests,
                "retries": self.retries,
                "throttled": self.throttled,
                "errors": self.errors,
                "wait_seconds": round(self.wait_seconds, 3),
            }
