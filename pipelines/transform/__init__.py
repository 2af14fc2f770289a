"""Build `core.*` and `mart.*` inside DuckDB from `raw.*` and the config, one room per concern:

- `config_tables`: the config and the tools' Python-made decisions, written to `meta.*`;
- `macros`: the SQL macros the stage SQL calls;
- `layers`: running a layer's SQL files into the contract tables (`models.schema`,
  `models.stage_contract`), a tool's incremental stage files included;
- `core`: stage and core tables, then `budgets`, `costs` and `risks`;
- `marts`: the forecast, then the metric SQL.

Everything that is not a decision needing Python is SQL: each tool's stage SQL
(`pipelines/sources/<tool>/sql/stage/`) and the generic `pipelines/sql/`.
"""

from pipelines.transform.config_tables import prepare_meta
from pipelines.transform.core import (
    build_budget_table,
    build_core,
    build_core_tables,
    build_cost_table,
    build_risk_table,
)
from pipelines.transform.layers import TransformError, TransformReport, sql_files
from pipelines.transform.macros import register_functions
from pipelines.transform.marts import build_forecast_table, build_mart_tables, build_marts

__all__ = [
    "TransformError",
    "TransformReport",
    "build_budget_table",
    "build_core",
    "build_core_tables",
    "build_cost_table",
    "build_forecast_table",
    "build_mart_tables",
    "build_marts",
    "build_risk_table",
    "prepare_meta",
    "register_functions",
    "sql_files",
]
