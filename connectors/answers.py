"""What a request asked for must be in its answer.

A server can answer 200 and still leave out what was asked: ignore an expand, drop a field, withhold
ids, cut a page. A client that does not look lands such an answer as complete, and every number
built on it is silently wrong (an ignored changelog expand once left 10,000 issues without history
and the sync exited 0). So each connector names what its request asked for and checks the answer
with these helpers. A missing piece is then either fetched from its dedicated endpoint, and counted
as a *shortfall* in the client's stats (the run reports it beside its figures), or the run fails
with `IncompleteAnswerError`, which names what is missing and how many items it concerns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from connectors.errors import ApiError

_ABSENT = object()


class IncompleteAnswerError(ApiError):
    """A 2xx answer without something the request asked for, which pmhub cannot fetch otherwise."""

    def _headline(self) -> str:
        return f"incomplete answer from {self.method} {self.url}"


def value_at(item: Any, path: str) -> Any:
    """The value at a dotted path (`fields.status`), or `_ABSENT`. A present null is a value."""
    node = item
    for key in path.split("."):
        if not isinstance(node, Mapping) or key not in node:
            return _ABSENT
        node = node[key]
    return node


def has(item: Any, path: str) -> bool:
    """Whether the dotted path is present in `item` (null counts as present)."""
    return value_at(item, path) is not _ABSENT


def lacking(items: Iterable[Any], paths: Sequence[str]) -> dict[str, int]:
    """Per path, how many of `items` lack it (paths every item has are left out)."""
    counts = dict.fromkeys(paths, 0)
    for item in items:
        for path in paths:
            if not has(item, path):
                counts[path] += 1
    return {path: n for path, n in counts.items() if n}


def describe(missing: Mapping[str, int], total: int, noun: str) -> str:
    """E.g. "`fields.status` missing from 3 of 100 issues; `key` missing from 1 of 100 issues"."""
    return "; ".join(f"`{path}` missing from {n} of {total} {noun}" for path, n in missing.items())
