"""Injected failures: the first N requests whose path matches a regex get a 429 or a 503.

The spec grammar is documented for users in sandbox.serve (the `--faults` option):

- `<status>:<path-regex>:<count>[:<retry-after-seconds>]`: count and retry-after are read from the
  right, so the regex may contain ":". A 429 without retry-after gets `Retry-After: 1`.
- `burst:<count>[:<retry-after-seconds>[:<after-requests>]]`: Jira's per-tenant burst limit. After
  `after-requests` Jira requests (any path under /rest/, default 0) pass, the next `count` get a 429
  with `RateLimit-Reason: jira-burst-based`; the last fifth of the passing ones (at least one) carry
  `X-RateLimit-NearLimit: true`, the warning a well-behaved client slows down on.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

SUPPORTED = (429, 503)
JIRA_PATHS = re.compile(r"^/rest/")
BURST_REASON = "jira-burst-based"


@dataclass
class Fault:
    """`remaining` failures still to inject, after letting `delay` matching requests through."""

    status: int
    pattern: re.Pattern[str]
    remaining: int
    retry_after: int | None
    reason: str | None = None
    delay: int = 0
    warn_within: int = 0


def _parse_burst(spec: str, rest: str) -> Fault:
    parts = rest.split(":")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        raise ValueError(f"fault {spec!r}: expected burst:<count>[:<retry-after-seconds>[:<after-requests>]]")
    count, retry_after, after = (int(p) for p in (*parts, "1", "0")[:3])
    warn = max(1, after // 5) if after else 0
    return Fault(429, JIRA_PATHS, count, retry_after, BURST_REASON, after, warn)


def parse_fault(spec: str) -> Fault:
    """Parse one fault spec; ValueError names what is wrong."""
    status_text, sep, rest = spec.partition(":")
    if status_text == "burst" and sep:
        return _parse_burst(spec, rest)
    if not sep or not status_text.isdigit() or int(status_text) not in SUPPORTED:
        raise ValueError(f"fault {spec!r}: must start with one of {SUPPORTED} or 'burst' followed by ':'")
    status = int(status_text)
    parts = rest.rsplit(":", 2)
    retry_after: int | None = None
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        regex, count, retry_after = parts[0], int(parts[1]), int(parts[2])
    else:
        regex, _, count_text = rest.rpartition(":")
        if not count_text.isdigit() or not regex:
            raise ValueError(f"fault {spec!r}: expected <status>:<path-regex>:<count>[:<retry-after-seconds>]")
        count = int(count_text)
    if status == 429 and retry_after is None:
        retry_after = 1
    return Fault(status, path_pattern(spec, regex), count, retry_after)


def path_pattern(spec: str, regex: str) -> re.Pattern[str]:
    """The compiled path regex of a fault spec; ValueError names the spec when it does not compile."""
    try:
        return re.compile(regex)
    except re.error as problem:
        raise ValueError(f"fault {spec!r}: bad regex: {problem}") from None


class FaultInjector:
    """Decides, thread-safely, whether a request is one of the ones that must fail."""

    def __init__(self, specs: Sequence[str]) -> None:
        self._faults = [parse_fault(spec) for spec in specs]
        self._lock = threading.Lock()

    def add(self, specs: Sequence[str]) -> None:
        """Arm more faults on a running server (all specs are checked before any is added)."""
        parsed = [parse_fault(spec) for spec in specs]
        with self._lock:
            self._faults += parsed

    def take(self, path: str) -> tuple[Fault | None, bool]:
        """(the fault that consumes this request or None, whether to warn that a limit is near).

        Each armed fault counts this request once: a delayed burst counts down its delay first.
        """
        near = False
        with self._lock:
            for fault in self._faults:
                if fault.remaining <= 0 or not fault.pattern.search(path):
                    continue
                if fault.delay > 0:
                    near = near or fault.delay <= fault.warn_within
                    fault.delay -= 1
                    continue
                fault.remaining -= 1
                return fault, near
        return None, near
