"""Integrity checks on `core.*`; blocking ones stop the marts from being built on bad data."""

from __future__ import annotations

import dagster as dg

from pipelines.defs.resources import PmhubResource
from pipelines.defs.warehouse_assets import core_tables
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


@dg.asset_check(asset=core_tables, blocking=True, description="Every core table's id column is unique")
def core_ids_unique(pmhub: PmhubResource) -> dg.AssetCheckResult:
    duplicates: dict[str, int] = {}
    with connect(pmhub.warehouse_file(), read_only=True) as conn:
        for table, column in _KEYS.items():
            # names come from _KEYS above
            row = conn.execute(f"SELECT count(*) - count(DISTINCT {column}) FROM {table}").fetchone()  # noqa: S608
            duplicates[table] = int(row[0]) if row else 0
    return dg.AssetCheckResult(
        passed=not any(duplicates.values()),
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={f"{t} duplicates": n for t, n in duplicates.items()},
    )
