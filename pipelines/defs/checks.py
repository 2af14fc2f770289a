"""Blocking integrity checks on `core.*`: a failure stops the marts and the publish, so the last
published snapshot stays what analysts see. The queries live in `pipelines.integrity`."""

from __future__ import annotations

from collections.abc import Callable

import dagster as dg
import duckdb

from pipelines.defs.resources import PmhubResource
from pipelines.defs.warehouse_assets import WRITER_POOL, core_tables
from pipelines.integrity import (
    orphan_references,
    published_counts,
    row_counts,
    unexplained_drops,
    unresolved_story_points,
)
from pipelines.trello_meta import unmapped_list_problems
from pipelines.warehouse import connect

_KEYS = {
    "core.work_items": "item_id",
    "core.sprints": "sprint_id",
    "core.worklogs": "worklog_id",
    "core.documents": "document_id",
    "core.people": "person_id",
    "core.containers": "container_id",
    "core.budgets": "project_id",
}


def _duplicate_ids(conn: duckdb.DuckDBPyConnection) -> list[str]:
    found = []
    for table, column in _KEYS.items():
        # names come from _KEYS above
        row = conn.execute(f"SELECT count(*) - count(DISTINCT {column}) FROM {table}").fetchone()  # noqa: S608
        if row and row[0]:
            found.append(f"{table}: {row[0]} duplicate {column} values")
    return found


def _result(pmhub: PmhubResource, find: Callable[[duckdb.DuckDBPyConnection], list[str]]) -> dg.AssetCheckResult:
    """Run one finder on a read-only connection; its findings are the failure's reason."""
    with connect(pmhub.warehouse_file(), read_only=True) as conn:
        findings = find(conn)
    return dg.AssetCheckResult(
        passed=not findings,
        severity=dg.AssetCheckSeverity.ERROR,
        description="; ".join(findings[:5]) + (f" (and {len(findings) - 5} more)" if len(findings) > 5 else "")
        if findings
        else None,
        metadata={"findings": len(findings), "details": "\n".join(findings) or "none"},
    )


# Checks read the file, so they queue in the writer pool: a read-only open fails while another
# process writes (field notes #9).
@dg.asset_check(asset=core_tables, blocking=True, pool=WRITER_POOL, description="Every core table's id is unique")
def core_ids_unique(pmhub: PmhubResource) -> dg.AssetCheckResult:
    return _result(pmhub, _duplicate_ids)


@dg.asset_check(
    asset=core_tables, blocking=True, pool=WRITER_POOL, description="No core row points to a missing parent row"
)
def core_references_resolve(pmhub: PmhubResource) -> dg.AssetCheckResult:
    return _result(pmhub, orphan_references)


@dg.asset_check(
    asset=core_tables, blocking=True, pool=WRITER_POOL, description="A story-points field is resolved per Jira project"
)
def story_points_resolved(pmhub: PmhubResource) -> dg.AssetCheckResult:
    return _result(pmhub, unresolved_story_points)


@dg.asset_check(
    asset=core_tables,
    blocking=True,
    pool=WRITER_POOL,
    description="Every list holding cards on a portfolio board has a status category",
)
def trello_lists_mapped(pmhub: PmhubResource) -> dg.AssetCheckResult:
    return _result(pmhub, lambda conn: unmapped_list_problems(conn, portfolio_only=True))


@dg.asset_check(
    asset=core_tables,
    blocking=True,
    pool=WRITER_POOL,
    description="Live rows do not fall by more than settings.max_row_drop_share without deletions to explain it",
)
def row_counts_hold(pmhub: PmhubResource) -> dg.AssetCheckResult:
    share = pmhub.config().settings.max_row_drop_share
    return _result(pmhub, lambda conn: unexplained_drops(published_counts(conn), row_counts(conn), share))


CHECKS = [core_ids_unique, core_references_resolve, story_points_resolved, trello_lists_mapped, row_counts_hold]
