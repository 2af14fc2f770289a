"""Pieces shared by the per-tool extracts."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Self, TypeVar

T = TypeVar("T")


class ExtractError(RuntimeError):
    """A source answered, but not with what the config asked for (e.g. a project it cannot see)."""


@dataclass(frozen=True)
class SourceState:
    """What an extract knows from the last committed load of its source: its incremental cursors.

    Each tool extends it with what it holds of its source (`pipelines.sources.<tool>.state`), read
    from the state file the loader writes after each commit (`pipelines.warehouse.extract_state`).
    """

    cursors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None, full_refresh: bool = False) -> Self:
        return cls(cursors=cls.cursors_from_json(data or {}, full_refresh))

    @staticmethod
    def cursors_from_json(data: dict[str, Any], full_refresh: bool) -> dict[str, str]:
        # A full refresh re-reads everything, but what the warehouse holds still shows what vanished.
        return {} if full_refresh else {str(k): str(v) for k, v in data.get("cursors", {}).items()}


@dataclass
class ExtractResult:
    """What one source's extract produced: counts per entity and the cursors it advances to."""

    source_id: str
    counts: dict[str, int] = field(default_factory=dict)
    cursors: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def parse_api_time(value: str) -> datetime:
    """Jira `2026-01-05T10:00:00.000+0000`, Trello/Confluence `...Z`, as an aware UTC datetime."""
    text = value.replace("Z", "+00:00")
    if len(text) >= 5 and text[-5] in "+-" and text[-3] != ":":
        text = text[:-2] + ":" + text[-2:]
    return datetime.fromisoformat(text).astimezone(UTC)


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def counted(items: Iterable[T], every: int, say: Callable[[int], None]) -> Iterator[T]:
    """Pass items through, reporting progress every `every` items and at the end."""
    n = 0
    for n, item in enumerate(items, start=1):
        if n % every == 0:
            say(n)
        yield item
    if n % every:
        say(n)


def require_visible(source_id: str, kind: str, wanted: Iterable[str] | None, found: Iterable[str]) -> None:
    """Fail when the config's allow-list names containers the token cannot see.

    Silently syncing less than was asked would make every total wrong without anyone noticing.
    """
    if not wanted:
        return
    missing = sorted(set(wanted) - set(found))
    if missing:
        raise ExtractError(
            f"{source_id}: {kind} {', '.join(missing)} not found or not visible to this token "
            "(check the id/key in the config and the account's permissions)"
        )
