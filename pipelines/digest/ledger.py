"""What digests were sent, beside the warehouse (`<stem>.digests.jsonl`): one line per sync run
(the first run of a retry chain) and channel, with the portfolio it reported, so a run is announced
once on each channel and the next digest says what changed since.

A JSON-lines file, not a warehouse table: the run sensors that send failure messages must not need
the warehouse's single writer, and a half-written last line (a crash mid-append) is skipped.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SUFFIX = ".digests.jsonl"


@dataclass(frozen=True)
class SentDigest:
    """run_key: the sync run it announced; channel: where it went (`slack`, `teams`); portfolio:
    project id → rag_status, rag_reason, forecast_p85 (ISO date) as that digest reported them (empty
    for a failure message)."""

    run_key: str
    channel: str
    sent_at: str
    success: bool
    portfolio: dict[str, dict[str, Any]] = field(default_factory=dict)


def ledger_file(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.stem + SUFFIX)


def read_sent(warehouse: Path) -> list[SentDigest]:
    """The digests sent for this warehouse, oldest first."""
    path = ledger_file(warehouse)
    sent: list[SentDigest] = []
    if not path.exists():
        return sent
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            sent.append(SentDigest(**json.loads(line)))
        except (ValueError, TypeError):
            continue  # a torn last line
    return sent


def record_sent(warehouse: Path, digest: SentDigest) -> None:
    """Append one digest, flushed to disk before the caller moves on."""
    with ledger_file(warehouse).open("a", encoding="utf-8") as out:
        out.write(json.dumps(asdict(digest), ensure_ascii=False) + "\n")
        out.flush()
        os.fsync(out.fileno())
