"""Blocking integrity checks on `core.*`: a failure stops the marts and the publish, so the last
published snapshot stays what analysts see. The queries live in `pipelines.integrity`."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import dagster as dg
import duckdb

from models.config import Settings
from pipelines.defs.resources import PmhubResource
from pipelines.defs.warehouse_assets import WRITER_POOL, core_tables
from pipelines.integrity import (
    duplicate_ids,
    orphan_references,
    published_counts,
    row_counts,
    unexplained_drops,
)
from pipelines.sources import TOOLS
from pipelines.sources.tool import ToolCheck
from pipelines.warehouse import connect

# A finder reads the warehouse (and the settings) and returns its findings, one line each.
Finder = Callable[[duckdb.DuckDBPyConnection, Settings], list[str]]


def _blocking_check(name: str, description: str, find: Finder) -> dg.AssetChecksDefinition:
    # Checks read the file, so they queue in the writer pool: a read-only open fails while another
    # process writes (field notes #9).
    @dg.asset_check(asset=core_tables, name=name, blocking=True, pool=WRITER_POOL, description=description)
    def check(pmhub: PmhubResource) -> dg.AssetCheckResult:
        with connect(pmhub.warehouse_file(), read_only=True) as conn:
            findings = find(conn, pmhub.config().settings)
        shown = "; ".join(findings[:5]) + (f" (and {len(findings) - 5} more)" if len(findings) > 5 else "")
        return dg.AssetCheckResult(
            passed=not findings,
            severity=dg.AssetCheckSeverity.ERROR,
            description=shown or None,
            metadata={"findings": len(findings), "details": "\n".join(findings) or "none"},
        )

    return check


def _tool_findings(check: ToolCheck, conn: duckdb.DuckDBPyConnection, _settings: Settings) -> list[str]:
    return check.find(conn)


CHECKS = [
    _blocking_check("core_ids_unique", "Every core table's id is unique", lambda conn, _s: duplicate_ids(conn)),
    _blocking_check(
        "core_references_resolve",
        "No core row points to a missing parent row",
        lambda conn, _s: orphan_references(conn),
    ),
    *(
        _blocking_check(check.name, check.description, partial(_tool_findings, check))
        for tool in TOOLS.values()
        for check in tool.checks
    ),
    _blocking_check(
        "row_counts_hold",
        "Live rows do not fall by more than settings.max_row_drop_share without deletions to explain it",
        lambda conn, s: unexplained_drops(published_counts(conn), row_counts(conn), s.max_row_drop_share),
    ),
]
