"""`mart.*` from `core.*`: the forecast (a Monte Carlo in Python, `pipelines.forecast`), then the
metric SQL in `pipelines/sql/mart/`, which reads it. Each is one transaction and one Dagster asset;
`build_marts` runs both for callers outside Dagster."""

from __future__ import annotations

from datetime import date

import duckdb

from models.config import PmhubConfig
from models.schema import MART_TABLES
from pipelines.forecast import write_forecast
from pipelines.transform.config_tables import write_config_tables
from pipelines.transform.layers import TransformReport, ensure_contract_tables, run_layer, transaction
from pipelines.transform.macros import register_functions


def build_forecast_table(conn: duckdb.DuckDBPyConnection, config: PmhubConfig, as_of: date) -> TransformReport:
    """Rebuild `mart.forecast` as of `as_of`."""
    with transaction(conn):
        write_config_tables(conn, config, as_of)
        ensure_contract_tables(conn)
        return TransformReport(rows={"mart.forecast": write_forecast(conn, config.settings, as_of)})


def build_mart_tables(conn: duckdb.DuckDBPyConnection, config: PmhubConfig, as_of: date) -> TransformReport:
    """Rebuild the SQL-built `mart.*` tables (mart.forecast must be current)."""
    with transaction(conn):
        report = TransformReport()
        register_functions(conn)
        write_config_tables(conn, config, as_of)
        ensure_contract_tables(conn)
        run_layer(conn, "mart", {t: m for t, m in MART_TABLES.items() if t != "forecast"}, report)
    return report


def build_marts(conn: duckdb.DuckDBPyConnection, config: PmhubConfig, as_of: date) -> TransformReport:
    """The forecast, then the metric SQL."""
    report = build_forecast_table(conn, config, as_of)
    report.rows.update(build_mart_tables(conn, config, as_of).rows)
    return report
