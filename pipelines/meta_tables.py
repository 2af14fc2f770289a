"""Small `meta.*` tables that are rewritten whole on every build (config, decisions, problems),
and whether a table exists yet."""

from __future__ import annotations

from typing import Any

import duckdb


def replace_meta_table(conn: duckdb.DuckDBPyConnection, table: str, ddl: str, rows: list[tuple[Any, ...]]) -> None:
    """Recreate `meta.<table>` with columns `ddl` and fill it; `table` and `ddl` are literals of ours."""
    conn.execute(f"CREATE OR REPLACE TABLE meta.{table} ({ddl})")
    if rows:
        marks = ", ".join("?" for _ in rows[0])
        conn.executemany(f"INSERT INTO meta.{table} VALUES ({marks})", rows)  # noqa: S608 - literal table names


def table_exists(conn: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    row = conn.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?", [schema, table]
    ).fetchone()
    return bool(row and row[0])
