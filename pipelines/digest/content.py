"""What a digest says, from the published marts and the digest sent before it: RAG changes with
their reasons, P85 finish dates that moved by more than `publish.p85_move_days`, and sources that
are stale or missing; for a failed run, its one-line reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pipelines.digest.ledger import SentDigest
from pipelines.publish import published_file
from pipelines.status_pages import status_page_urls
from pipelines.warehouse import connect


@dataclass(frozen=True)
class RagChange:
    name: str
    before: str | None  # None: the first digest that reports the project
    after: str
    reason: str | None


@dataclass(frozen=True)
class ForecastMove:
    name: str
    before: date
    after: date

    @property
    def days(self) -> int:
        return (self.after - self.before).days


@dataclass(frozen=True)
class Digest:
    """One message about one sync run."""

    run_key: str
    success: bool
    failure: str = ""
    as_of: date | None = None
    rag_changes: list[RagChange] = field(default_factory=list)
    forecast_moves: list[ForecastMove] = field(default_factory=list)
    source_problems: list[str] = field(default_factory=list)
    portfolio: dict[str, dict[str, Any]] = field(default_factory=dict)
    page_urls: list[str] = field(default_factory=list)  # the status pages, as the last publish left them

    def sent(self, channel: str, at: str) -> SentDigest:
        return SentDigest(self.run_key, channel, at, self.success, self.portfolio)


def failure_digest(run_key: str, reason: str) -> Digest:
    return Digest(run_key, success=False, failure=reason or "the run failed (no reason was recorded)")


def success_digest(warehouse: Path, run_key: str, previous: SentDigest | None, p85_move_days: int) -> Digest:
    """The digest of a successful run: what changed since `previous` (the last digest sent)."""
    with connect(published_file(warehouse), read_only=True) as conn:
        row = conn.execute("SELECT as_of FROM meta.settings").fetchone()
        rows = conn.execute(
            "SELECT project_id, name, rag_status, rag_reason, forecast_p85, stale_containers FROM mart.portfolio "
            "ORDER BY name"
        ).fetchall()
    before = previous.portfolio if previous else {}
    changes, moves, problems = [], [], []
    portfolio: dict[str, dict[str, Any]] = {}
    for project_id, name, rag, reason, p85, stale in rows:
        portfolio[project_id] = {
            "rag_status": rag,
            "rag_reason": reason,
            "forecast_p85": p85.isoformat() if p85 else None,
        }
        old = before.get(project_id, {})
        if old.get("rag_status") != rag:
            changes.append(RagChange(name, old.get("rag_status"), rag, reason))
        if p85 and old.get("forecast_p85"):
            move = ForecastMove(name, date.fromisoformat(old["forecast_p85"]), p85)
            if abs(move.days) > p85_move_days:
                moves.append(move)
        if stale:
            problems.append(f"{name}: {stale}")
    pages = list(status_page_urls(warehouse).values())
    return Digest(run_key, True, "", row[0] if row else None, changes, moves, problems, portfolio, pages)
