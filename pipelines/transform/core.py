"""`stage.*` and `core.*` from `raw.*`: the common project model, in three steps.

`build_core_tables` runs the tools' stage SQL into the common stage contract and the generic core
SQL on it; `build_budget_table` and `build_cost_table` then fill `core.budgets` and
`core.cost_entries`, which need Python (a charter page's budget) or the finished core tables. Each
step is one transaction and one Dagster asset (`pipelines.defs.warehouse_assets`); `build_core`
runs the three for callers outside Dagster.
"""

from __future__ import annotations

from datetime import date

import duckdb

from models.config import PmhubConfig
from models.schema import CORE_TABLES
from pipelines.schema_drift import record_schema_changes
from pipelines.sources import TOOLS
from pipelines.sources.tool import Finder
from pipelines.transform.budgets import build_budgets
from pipelines.transform.config_tables import prepare_meta
from pipelines.transform.costs import build_cost_entries
from pipelines.transform.layers import (
    TransformReport,
    count,
    create_stage_contract,
    ensure_contract_tables,
    record_problems,
    run_layer,
    transaction,
)
from pipelines.transform.people import build_people
from pipelines.transform.risks import build_risks

# Filled by their own steps, not by a core SQL file.
_LATER = ("budgets", "cost_entries", "risks")


def build_core_tables(conn: duckdb.DuckDBPyConnection, config: PmhubConfig, as_of: date) -> TransformReport:
    """Rebuild `stage.*` and the SQL-built `core.*` tables; the problems the data shows are kept in
    `meta.data_problems` (step 'core')."""
    with transaction(conn):
        report = prepare_meta(conn, config, as_of)
        ensure_contract_tables(conn)
        create_stage_contract(conn)
        run_layer(conn, "stage", {}, report)
        report.problems += build_people(conn, config)
        run_layer(conn, "core", {t: m for t, m in CORE_TABLES.items() if t not in _LATER}, report)
        report.problems += [p for tool in TOOLS.values() for p in tool.problems(conn)]
        report.problems += record_schema_changes(conn)
        record_problems(conn, "core", report.problems)
    return report


def _python_table(conn: duckdb.DuckDBPyConnection, table: str, step: str, build: Finder) -> TransformReport:
    """Rebuild `core.<table>` with `build` in one transaction; what it could not read goes to
    `meta.data_problems` under `step`."""
    with transaction(conn):
        report = TransformReport(problems=build(conn))
        report.rows[f"core.{table}"] = count(conn, f"core.{table}")
        record_problems(conn, step, report.problems)
    return report


def build_budget_table(conn: duckdb.DuckDBPyConnection) -> TransformReport:
    """Rebuild `core.budgets` (config, then charter pages, then baselines); what could not be read
    goes to `meta.data_problems` (step 'budgets')."""
    return _python_table(conn, "budgets", "budgets", build_budgets)


def build_risk_table(conn: duckdb.DuckDBPyConnection) -> TransformReport:
    """Rebuild `core.risks` from every tool's register (Jira risk issues, Confluence risk pages);
    values that could not be read go to `meta.data_problems` (step 'risks'), naming issue or page and field."""
    return _python_table(conn, "risks", "risks", build_risks)


def build_cost_table(conn: duckdb.DuckDBPyConnection) -> TransformReport:
    """Rebuild `core.cost_entries` from worklogs and the costs tools record on items."""
    with transaction(conn):
        return TransformReport(rows={"core.cost_entries": build_cost_entries(conn)})


def build_core(conn: duckdb.DuckDBPyConnection, config: PmhubConfig, as_of: date) -> TransformReport:
    """The steps in order, one report."""
    report = build_core_tables(conn, config, as_of)
    for step in (build_budget_table(conn), build_cost_table(conn), build_risk_table(conn)):
        report.rows.update(step.rows)
        report.problems += step.problems
    return report
