"""Pieces shared by the per-tool extracts."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

T = TypeVar("T")


class ExtractError(RuntimeError):
    """A source answered, but not with what the config asked for (e.g. a project it cannot see)."""


# The cursor an extract sets to the server's time before its first read of Jira issues.
ISSUE_READ_CURSOR = "issues_read_ms"
# The same for Confluence pages: the next run's CQL search asks for pages modified since then.
PAGE_READ_CURSOR = "pages_read_ms"


@dataclass(frozen=True)
class SourceState:
    """What an extract knows from the last committed load of its source.

    cursors: incremental watermarks. known_issue_ids: Jira project id → ids of issues the warehouse
    holds as live (for the census). project_keys: Jira project id → key at the last load.
    known_card_ids: Trello board id → ids of the cards the warehouse holds there as live.
    known_page_versions: Confluence space id → {page id: version number} of the live pages held.
    known_page_labels: Confluence page id → names of the labels held for it (live pages with labels).
    issue_read_ms: Jira issue id → the server instant (epoch ms) at which the run that landed its
    stored version started reading: that version holds every change made before then.
    sprint_states: Jira sprint id → state of each sprint held (a closed one never changes again; the
    others move on by themselves). unlisted_board_ids: Jira boards held that no project lists.
    """

    cursors: dict[str, str] = field(default_factory=dict)
    known_issue_ids: dict[str, list[str]] = field(default_factory=dict)
    project_keys: dict[str, str] = field(default_factory=dict)
    known_card_ids: dict[str, list[str]] = field(default_factory=dict)
    known_page_versions: dict[str, dict[str, int]] = field(default_factory=dict)
    known_page_labels: dict[str, list[str]] = field(default_factory=dict)
    issue_read_ms: dict[str, int] = field(default_factory=dict)
    sprint_states: dict[int, str] = field(default_factory=dict)
    unlisted_board_ids: list[int] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None, full_refresh: bool = False) -> SourceState:
        data = data or {}
        return cls(
            # A full refresh re-reads everything but still checks what vanished since last time.
            cursors={} if full_refresh else dict(data.get("cursors", {})),
            known_issue_ids={k: list(v) for k, v in data.get("known_issue_ids", {}).items()},
            project_keys=dict(data.get("project_keys", {})),
            known_card_ids={k: list(v) for k, v in data.get("known_card_ids", {}).items()},
            known_page_versions={} if full_refresh else dict(data.get("known_page_versions", {})),
            known_page_labels={k: list(v) for k, v in data.get("known_page_labels", {}).items()},
            issue_read_ms={} if full_refresh else _issue_reads(data.get("issue_reads", {})),
            sprint_states={int(k): str(v) for k, v in data.get("sprint_states", {}).items()},
            unlisted_board_ids=[int(i) for i in data.get("unlisted_board_ids", [])],
        )


def _issue_reads(reads: dict[str, list[str]]) -> dict[str, int]:
    return {issue_id: int(read_ms) for read_ms, ids in reads.items() for issue_id in ids}


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
