"""Assets that write DuckDB: load landing batches, build core, build marts, publish. One writer at a time."""

from __future__ import annotations

import time
from collections.abc import Callable

import dagster as dg
import duckdb

from pipelines.defs.extract_assets import EXTRACT_ASSETS
from pipelines.defs.resources import PmhubResource
from pipelines.progress import progress
from pipelines.publish import publish_snapshot, published_file
from pipelines.publish_cmd import publish_status_pages
from pipelines.sources import RAW_SCHEMA, TOOLS
from pipelines.transform import (
    TransformReport,
    build_budget_table,
    build_core_tables,
    build_cost_table,
    build_forecast_table,
    build_mart_tables,
    build_risk_table,
)
from pipelines.warehouse import connect, extract_state, load_batches, write_extract_state

# DuckDB allows one writing process per file; every asset that writes shares this pool (limit 1).
WRITER_POOL = "duckdb_writer"


@dg.asset(
    group_name="warehouse",
    deps=list(EXTRACT_ASSETS.values()),
    pool=WRITER_POOL,
    kinds={"duckdb"},
)
def raw_tables(pmhub: PmhubResource) -> dg.MaterializeResult[None]:
    """Raw API objects as JSON, newest version per (source, id), with the sync cursors they advance to."""
    started = time.perf_counter()
    warehouse = pmhub.warehouse_file()
    progress.info("loading landing batches into %s…", warehouse.name)
    with connect(warehouse) as conn:
        result = load_batches(conn, pmhub.landing(), RAW_SCHEMA)
        state = extract_state(conn, [tool.held_state for tool in TOOLS.values()])
    write_extract_state(warehouse, state)
    return dg.MaterializeResult(
        metadata={
            "batches_applied": result.batches_applied,
            "batches_already_applied": result.batches_skipped,
            "records": result.records,
            "warehouse": str(warehouse),
            "duration_s": round(time.perf_counter() - started, 3),
        }
    )


def _warehouse_step(
    pmhub: PmhubResource, build: Callable[[duckdb.DuckDBPyConnection], TransformReport], say: str | None = None
) -> dg.MaterializeResult[None]:
    """Run one transform step on the warehouse; its row counts, problems and duration as metadata."""
    started = time.perf_counter()
    if say:
        progress.info("%s", say)
    with connect(pmhub.warehouse_file()) as conn:
        report = build(conn)
    problems = "\n".join(report.problems) or "none"
    return dg.MaterializeResult(
        metadata={**report.rows, "problems": problems, "duration_s": round(time.perf_counter() - started, 3)}
    )


@dg.asset(group_name="warehouse", deps=[raw_tables], pool=WRITER_POOL, kinds={"duckdb"})
def core_tables(pmhub: PmhubResource) -> dg.MaterializeResult[None]:
    """The common project model (`core.*`) from the tools' stage SQL: work items, status changes,
    sprints, worklogs, documents, baselines, planned work, and people merged across tools
    (`core.people`, `core.person_identities`)…"""
    config, as_of = pmhub.config(), pmhub.as_of_date()
    return _warehouse_step(pmhub, lambda conn: build_core_tables(conn, config, as_of), "building core tables…")


@dg.asset(group_name="warehouse", deps=[core_tables], pool=WRITER_POOL, kinds={"duckdb", "python"})
def core_budgets(pmhub: PmhubResource) -> dg.MaterializeResult[None]:
    """`core.budgets`: each project's budget from the config, else its charter page, else its baseline."""
    return _warehouse_step(pmhub, build_budget_table)


@dg.asset(group_name="warehouse", deps=[core_budgets], pool=WRITER_POOL, kinds={"duckdb"})
def core_cost_entries(pmhub: PmhubResource) -> dg.MaterializeResult[None]:
    """`core.cost_entries`: worklogs priced at their author's rate, and the costs tools record on items."""
    return _warehouse_step(pmhub, build_cost_table)


@dg.asset(group_name="warehouse", deps=[core_tables], pool=WRITER_POOL, kinds={"duckdb", "python"})
def core_risks(pmhub: PmhubResource) -> dg.MaterializeResult[None]:
    """`core.risks`: the risk register, from Jira issues of the risk type and Confluence risk pages
    and register tables; an unreadable probability or impact is listed under problems (page or
    issue, field) and left empty, never read as zero."""
    return _warehouse_step(pmhub, build_risk_table)


@dg.asset(group_name="warehouse", deps=[core_tables], pool=WRITER_POOL, kinds={"duckdb", "python"})
def mart_forecast(pmhub: PmhubResource) -> dg.MaterializeResult[None]:
    """`mart.forecast`: when each project's remaining items finish, by Monte Carlo on its throughput."""
    config, as_of = pmhub.config(), pmhub.as_of_date()
    return _warehouse_step(pmhub, lambda conn: build_forecast_table(conn, config, as_of), "forecasting…")


@dg.asset(
    group_name="warehouse", deps=[core_cost_entries, core_risks, mart_forecast], pool=WRITER_POOL, kinds={"duckdb"}
)
def mart_tables(pmhub: PmhubResource) -> dg.MaterializeResult[None]:
    """Metrics (`mart.*`): progress, velocity, earned value, schedule variance, people's load, risk
    signals and exposure, and the portfolio table."""
    config, as_of = pmhub.config(), pmhub.as_of_date()
    return _warehouse_step(pmhub, lambda conn: build_mart_tables(conn, config, as_of), "computing marts…")


@dg.asset(group_name="warehouse", deps=[mart_tables], pool=WRITER_POOL, kinds={"duckdb"})
def published_snapshot(pmhub: PmhubResource) -> dg.MaterializeResult[None]:
    """The read-only copy analysts and `pmhub query` open, replaced by atomic rename only after the
    blocking checks passed and the marts were built."""
    started = time.perf_counter()
    warehouse = pmhub.warehouse_file()
    progress.info("publishing the snapshot…")
    with connect(warehouse) as conn:
        counts = publish_snapshot(conn, warehouse)
    return dg.MaterializeResult(
        metadata={
            "published": str(published_file(warehouse)),
            **{f"{table} live rows": n for table, n in counts.items()},
            "duration_s": round(time.perf_counter() - started, 3),
        }
    )


@dg.asset(group_name="publish", deps=[published_snapshot], kinds={"html"})
def status_page(pmhub: PmhubResource) -> dg.MaterializeResult[None]:
    """The portfolio's status page, created or updated in place in the tool `publish:` names (a
    Confluence space); opt-in: without a `publish.confluence` section it does nothing."""
    lines = publish_status_pages(pmhub.config(), pmhub.warehouse_file())
    return dg.MaterializeResult(metadata={"published": "\n".join(lines) or "no status page configured (publish:)"})


# What a sync runs after the extracts, in order.
WAREHOUSE_ASSETS = (
    raw_tables,
    core_tables,
    core_budgets,
    core_cost_entries,
    core_risks,
    mart_forecast,
    mart_tables,
    published_snapshot,
    status_page,
)
