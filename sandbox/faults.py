"""Injected failures: the first N requests whose path matches a regex get a 429 or a 503.

The spec grammar, `<status>:<path-regex>:<count>[:<retry-after-seconds>]`, is documented for users in
sandbox.serve (the `--faults` option). Count and retry-after are read from the right, so the regex may
contain ":". A 429 without retry-after gets `Retry-After: 1`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

SUPPORTED = (429, 503)


@dataclass
class Fault:
    status: int
    pattern: re.Pattern[str]
    remaining: int
    retry_after: int | None


def parse_fault(spec: str) -> Fault:
    """Parse one fault spec; ValueError names what is wrong."""
    status_text, sep, rest = spec.partition(":")
    if not sep or not status_text.isdigit() or int(status_text) not in SUPPORTED:
        raise ValueError(f"fault {spec!r}: must start with one of {SUPPORTED} followed by ':'")
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
    try:
        pattern = re.compile(regex)
    except re.error as problem:
        raise ValueError(f"fault {spec!r}: bad regex: {problem}") from None
    return Fault(status, pattern, count, retry_after)


class FaultInjector:
    """Decides, thread-safely, whether a request is one of the ones that must fail."""

    def __init__(self, specs: Sequence[str]) -> None:
        self._faults = [parse_fault(spec) for spec in specs]
        self._lock = threading.Lock()

    def take(self, path: str) -> Fault | None:
        """The fault that consumes this request, if any (each fault counts down once per request)."""
        with self._lock:
            for fault in self._faults:
                if fault.remaining > 0 and fault.pattern.search(path):
                    fault.remaining -= 1
                    return fault
        return None
