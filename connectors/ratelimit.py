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

* Jira 429s say which budget ran out in ``RateLimit-Reason`` (or ``X-Beta-Ratelimit-Reason``):
  ``jira-burst-based`` counts one endpoint and method, so only that endpoint waits out the
  ``Retry-After`` (other threads stop hitting it too, instead of each collecting its own 429);
  any other reason (tenant or global quota, per-issue writes) pauses the whole site.

Waiting here is cheaper than a 429: Trello answers 429 for the rest of the window once a key
exceeds 200 of them.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
import time
from collections.abc import Callable, Mapping

from connectors.retry import MIN_SERVER_WAIT, server_wait

_NEAR_LIMIT_HEADERS = ("X-RateLimit-NearLimit", "X-Beta-Ratelimit-Nearlimit")
_TRELLO_PREFIXES = ("x-rate-limit-api-token", "x-rate-limit-api-key")
_REASON_HEADERS = ("RateLimit-Reason", "X-Beta-Ratelimit-Reason")
BURST_REASON = "jira-burst-based"
# Path segments that name one object (ids, issue keys): one endpoint has many such paths.
_OBJECT_SEGMENT = re.compile(r"/(?:\d+|[A-Z][A-Z0-9_]+-\d+)(?=/|$)")


def endpoint_of(method: str, path: str) -> str:
    """The endpoint a request counts against for burst limits, e.g. ``GET /rest/api/3/issue/{}``."""
    return f"{method} {_OBJECT_SEGMENT.sub('/{}', path.split('?', 1)[0])}"


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
        self._paused_until = -math.inf  # site-wide pause (Trello window, Jira quota) ends then
        self._endpoint_paused: dict[str, float] = {}  # Jira burst pause per endpoint
        self._recent_429: list[float] = []  # clock times of recent 429s (lock-out guard)

    def now(self) -> float:
        """The limiter's clock (monotonic seconds); pass it to `observe` as `sent_at`."""
        return self._clock()

    def before_request(self, endpoint: str = "") -> float:
        """Block until the next request (to `endpoint`, see `endpoint_of`) may start; return the seconds waited."""
        with self._lock:
            now = self._clock()
            start = max(now, self._paused_until, self._endpoint_paused.get(endpoint, -math.inf))
            if now < self._slow_until:
                start = max(start, self._next_slot)
                self._next_slot = start + self._spacing
        wait = start - now
        if wait > 0:
            self._sleep(wait)
        return max(wait, 0.0)

    def count_429(self, window: float = 10.0) -> int:
        """Record one 429 now; return how many were recorded within the last `window` seconds."""
        with self._lock:
            now = self._clock()
            self._recent_429 = [t for t in self._recent_429 if now - t < window]
            self._recent_429.append(now)
            return len(self._recent_429)

    def observe(self, headers: Mapping[str, str], sent_at: float, status: int = 200, endpoint: str = "") -> None:
        """Update the gate from one response; `sent_at` is `now()` before sending it to `endpoint`."""
        if any(str(headers.get(h, "")).lower() == "true" for h in _NEAR_LIMIT_HEADERS):
            with self._lock:
                self._slow_until = self._clock() + self._cooldown
        reason = next((str(headers[h]) for h in _REASON_HEADERS if headers.get(h)), "")
        if status == 429 and reason:
            until = self._clock() + (server_wait(headers) or MIN_SERVER_WAIT)
            with self._lock:
                if reason == BURST_REASON and endpoint:
                    self._endpoint_paused[endpoint] = max(self._endpoint_paused.get(endpoint, -math.inf), until)
                else:
                    self._paused_until = max(self._paused_until, until)
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
