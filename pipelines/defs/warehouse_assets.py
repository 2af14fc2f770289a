"""Assets that write DuckDB: load landing batches, build core, build marts. One writer at a time."""

from __future__ import annotations

import dagster as dg

from pipelines.defs.extract_assets import confluence_landing, jira_landing, trello_landing
from pipelines.defs.resources import PmhubResource
from pipelines.progress import progress
from pipelines.transform import build_core, build_marts
from pipelines.warehouse import committed_cursors, connect, load_batches, write_cursor_file

# DuckDB allows one writing process per file; every asset that writes shares this pool (limit 1).
WRITER_POOL = "duckdb_writer"


@dg.asset(
    group_name="warehouse",
    deps=[jira_landing, trello_landing, confluence_landing],
    pool=WRITER_POOL,
    kinds={"duckdb"},
)
def raw_tables(pmhub: PmhubResource) -> dg.MaterializeResult[None]:
    """Raw API objects as JSON, newest version per (source, id), with the sync cursors they advance to."""
    warehouse = pmhub.warehouse_file()
    progress.info("loading landing batches into %s…", warehouse.name)
    with connect(warehouse) as conn:
        result = load_batches(conn, pmhub.landing())
        cursors = committed_cursors(conn)
    write_cursor_file(warehouse, cursors)
    return dg.MaterializeResult(
        metadata={
            "batches_applied": result.batches_applied,
            "batches_already_applied": result.batches_skipped,
            "records": result.records,
            "warehouse": str(warehouse),
        }
    )


@dg.asset(group_name="warehouse", deps=[raw_tables], pool=WRITER_POOL, kinds={"duckdb"})
def core_tables(pmhub: PmhubResource) -> dg.MaterializeResult[None]:
    """The common project model (`core.*`): work items, status changes, sprints, worklogs, budgets…"""
    progress.info("building core tables…")
    with connect(pmhub.warehouse_file()) as conn:
        report = build_core(conn, pmhub.config(), pmhub.as_of_date())
    return dg.MaterializeResult(
        metadata={**{k: v for k, v in report.rows.items()}, "problems": "\n".join(report.problems) or "none"}
    )


@dg.asset(group_name="warehouse", deps=[core_tables], pool=WRITER_POOL, kinds={"duckdb"})
def mart_tables(pmhub: PmhubResource) -> dg.MaterializeResult[None]:
    """Metrics (`mart.*`): progress, velocity, earned value and the portfolio table."""
    progress.info("computing marts…")
    with connect(pmhub.warehouse_file()) as conn:
        report = build_marts(conn, pmhub.config(), pmhub.as_of_date())
    return dg.MaterializeResult(metadata=dict(report.rows))
