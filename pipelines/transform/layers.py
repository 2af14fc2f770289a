"""Running the SQL of a layer (stage, core, mart) and the contract tables it fills.

Contract tables are created from `models.schema` and `models.stage_contract`, so a column can only
be added, never silently lost. A layer's files run in file-name order; in the stage layer the
tools' own files (`Tool.stage_sql`) run interleaved with the generic ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import duckdb

from models.ddl import column_names, table_ddl
from models.schema import CORE_TABLES, MART_TABLES
from models.stage_contract import STAGE_CONTRACT
from pipelines.sources import TOOLS
from pipelines.transform.macros import all_macros


class TransformError(RuntimeError):
    """The synced data cannot be modelled without a decision only the user can make."""


@dataclass
class TransformReport:
    """What a transform step produced, and what it could not use."""

    rows: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def sql_files(layer: str) -> list[tuple[str, str, str]]:
    """(name, path for messages, SQL) of a layer's files in run order: the generic ones and, for
    the stage layer, each tool's own (`Tool.stage_sql`), interleaved by file name."""
    folder = resources.files("pipelines") / "sql" / layer
    files = [(f.name, f"pipelines/sql/{layer}/{f.name}", f) for f in folder.iterdir() if f.name.endswith(".sql")]
    if layer == "stage":
        for tool in TOOLS.values():
            files += [(name, f"{tool.package.replace('.', '/')}/sql/stage/{name}", f) for name, f in tool.stage_sql()]
    return sorted((name, where, f.read_text(encoding="utf-8")) for name, where, f in files)


def create_stage_contract(conn: duckdb.DuckDBPyConnection) -> None:
    """Empty the common stage tables (`models.stage_contract`) for the tools' stage SQL to fill."""
    conn.execute("DROP TABLE IF EXISTS stage.items")  # what stage.work_items replaced: no stale copy stays
    for table, model in STAGE_CONTRACT.items():
        conn.execute(f"DROP TABLE IF EXISTS stage.{table}")
        conn.execute(table_ddl("stage", table, model))


def ensure_contract_tables(conn: duckdb.DuckDBPyConnection) -> None:
    """Create missing contract tables, add columns new in `models.schema`, and recreate a table that
    holds a column the contract retired (a migration: every build refills them)."""
    existing: dict[tuple[str, str], set[str]] = {}
    for schema, table, column in conn.execute(
        """SELECT table_schema, table_name, column_name FROM information_schema.columns
           WHERE table_schema IN ('core', 'mart')"""
    ).fetchall():
        existing.setdefault((schema, table), set()).add(column)
    for schema, tables in (("core", CORE_TABLES), ("mart", MART_TABLES)):
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        for table, model in tables.items():
            columns = existing.get((schema, table))
            if columns and not columns <= set(column_names(model)):
                # A column the contract retired (core.people lost source_id and external_id to
                # core.person_identities): every build refills these tables, so start afresh.
                conn.execute(f"DROP TABLE {schema}.{table}")
                columns = None
            if not columns:
                conn.execute(table_ddl(schema, table, model))
                continue
            ddl_columns = table_ddl(schema, table, model).split("(", 1)[1].rstrip(")").split(", ")
            for column, ddl in zip(column_names(model), ddl_columns, strict=True):
                if column not in columns:
                    conn.execute(f"ALTER TABLE {schema}.{table} ADD COLUMN {ddl.replace(' NOT NULL', '')}")


def fill(conn: duckdb.DuckDBPyConnection, schema: str, table: str, select_sql: str) -> int:
    """Replace the rows of a contract table with what `select_sql` returns; the new row count."""
    # schema/table come from models.schema, never from input
    conn.execute(f"DELETE FROM {schema}.{table}")  # noqa: S608
    conn.execute(f"INSERT INTO {schema}.{table} BY NAME {select_sql}")
    return count(conn, f"{schema}.{table}")


def count(conn: duckdb.DuckDBPyConnection, table: str) -> int:
    row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608 - contract table names
    return int(row[0]) if row else 0


def run_layer(conn: duckdb.DuckDBPyConnection, layer: str, tables: dict[str, Any], report: TransformReport) -> None:
    """Run a layer's files. A file named `NN_<table>.sql` of a contract table fills it from its
    SELECT; any other file is run as it is. A tool's incremental stage files (`Tool.incremental`)
    parse only what changed: right before the first of them the tool sets its kept rows aside, and
    after each one they take the new rows in."""
    files = sql_files(layer)
    texts = {name: sql for name, _where, sql in files}
    staged = {t.name: t.incremental for t in TOOLS.values() if t.incremental and layer == "stage"}
    incremental: dict[str, bool] = {}
    for name, where, sql in files:
        for tool, stage in staged.items():
            if name == next(iter(stage.files)):
                built_from = [texts[f] for f in stage.files] + list(all_macros())
                incremental[tool] = stage.pending(conn, built_from)
                report.rows["stage.incremental"] = int(all(incremental.values()))
        table = name.split("_", 1)[1].removesuffix(".sql")
        try:
            if table in tables:
                report.rows[f"{layer}.{table}"] = fill(conn, layer, table, sql)
            else:
                conn.execute(sql)
            for tool, stage in staged.items():
                if incremental.get(tool) and name in stage.files:
                    kept = stage.files[name]
                    conn.execute(f"INSERT INTO stage.{kept}__kept BY NAME SELECT * FROM stage.{kept}")  # noqa: S608 - fixed names
                    conn.execute(f"DROP TABLE stage.{kept}")
                    conn.execute(f"ALTER TABLE stage.{kept}__kept RENAME TO {kept}")
        except duckdb.Error as exc:
            first = str(exc).splitlines()[0]
            raise TransformError(f"{where}: {first}") from exc


@contextmanager
def transaction(conn: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """All of a step's writes, or none of them."""
    conn.execute("BEGIN TRANSACTION")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def record_problems(conn: duckdb.DuckDBPyConnection, step: str, problems: list[str]) -> None:
    """Replace the problems `step` found in `meta.data_problems` (each step keeps its own rows)."""
    conn.execute("CREATE TABLE IF NOT EXISTS meta.data_problems (step VARCHAR, problem VARCHAR)")
    conn.execute("DELETE FROM meta.data_problems WHERE step = ?", [step])
    if problems:
        conn.executemany("INSERT INTO meta.data_problems VALUES (?, ?)", [(step, p) for p in problems])
