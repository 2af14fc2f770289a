"""Proactive throttling from the rate-limit headers the vendors send on every response.

One `RateLimiter` belongs to one `HttpClient`, i.e. one (site, credential) pair, and is shared by
all threads of that client. It is fed with each response's headers and gates the next request:

* Jira: ``X-RateLimit-NearLimit: true`` (or the beta ``X-Beta-Ratelimit-Nearlimit``) means less
  than 20% of some budget is left. We then space requests at least `near_limit_spacing` apart,
  across all threads, for `near_limit_cooldown` seconds after the last such signal.
* Trello: ``x-rate-limit-api-{token,key}-remaining`` / ``-max`` / ``-interval-ms`` describe a
  10 s window (100 requests per token, 300 per key). When the remaining budget falls to
  `trello_low_water` of the max, every thread pauses for one full interval, which is guaranteed
  to outlast the current window (Trello does not say when the window started).

Waiting here is cheaper than a 429: Trello answers 429 for the rest of the window once a key
exceeds 200 of them.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Callable, Mapping

_NEAR_LIMIT_HEADERS = ("X-RateLimit-NearLimit", "X-Beta-Ratelimit-Nearlimit")
_TRELLO_PREFIXES = ("x-rate-limit-api-token", "x-rate-limit-api-key")


class RateLimiter:
    """Shared gate for one client's requests, driven by response headers."""

    def __init__(
        self,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        near_limit_spacing: float = 0.5,
        near_limit_cooldown: float = 60.0,
        trello_low_water: float = 0.1,
    ) -> None:
        self._sleep = sleep
        self._clock = clock
        self._spacing = near_limit_spacing
        self._cooldown = near_limit_cooldown
        self._low_water = trello_low_water
        self._lock = threading.Lock()
        self._slow_until = -math.inf  # Jira near-limit mode is on until this clock time
        self._next_slot = -math.inf  # earliest start for the next request while slowed down
        self._paused_until = -math.inf  # Trello window pause ends at this clock time

    def now(self) -> float:
        """The limiter's clock (monotonic seconds); pass it to `observe` as `sent_at`."""
        return self._clock()

    def before_request(self) -> float:
        """Block until the next request may start; return the seconds waited."""
        with self._lock:
            now = self._clock()
            start = max(now, self._paused_until)
            if now < self._slow_until:
                start = max(start, self._next_slot)
                self._next_slot = start + self._spacing
        wait = start - now
        if wait > 0:
            self._sleep(wait)
        return max(wait, 0.0)

    def observe(self, headers: Mapping[str, str], sent_at: float) -> None:
        """Update the gate from one response's headers; `sent_at` is `now()` before sending."""
        if any(str(headers.get(h, "")).lower() == "true" for h in _NEAR_LIMIT_HEADERS):
            with self._lock:
                self._slow_until = self._clock() + self._cooldown
        for prefix in _TRELLO_PREFIXES:
            self._observe_trello(headers, prefix, sent_at)

    def _observe_trello(self, headers: Mapping[str, str], prefix: str, sent_at: float) -> None:
        remaining = _number(headers.get(f"{prefix}-remaining"))
        limit = _number(headers.get(f"{prefix}-max"))
        if remaining is None or not limit:
            return
        interval = (_number(headers.get(f"{prefix}-interval-ms")) or 10_000.0) / 1000.0
        if remaining > max(1.0, math.ceil(limit * self._low_water)):
            return
        with self._lock:
            # A response to a request sent before the last pause ended describes the old window;
            # acting on it would pause again for nothing.
            if sent_at < self._paused_until:
                return
            self._paused_until = max(self._paused_until, self._clock() + interval)


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None


_SHARED: dict[str, RateLimiter] = {}
_SHARED_LOCK = threading.Lock()


def shared_limiter(site: str, credential: str) -> RateLimiter:
    """The one limiter of a (site, credential) pair in this process.

    Every client built for the same site and credential (Jira and Confluence on one Atlassian
    site, several assets of one run) gates on the same budget, because that is how the vendor
    counts. The key is a hash, so the registry never holds a secret in clear.
    """
    key = hashlib.sha256(f"{site}\0{credential}".encode()).hexdigest()
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = RateLimiter()
        return _SHARED[key]
