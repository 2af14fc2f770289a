"""`pmhub query`: run one SQL statement on a warehouse opened read-only and print the result."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.publish import published_file
from pipelines.render import table
from pipelines.warehouse import connect

MAX_ROWS = 10_000


class QueryError(RuntimeError):
    """The warehouse could not be opened or the SQL failed; one line."""


def run_query(db: Path, sql: str) -> str:
    """Run `sql` on the published snapshot of warehouse `db` when there is one (a sync may be
    writing `db` itself), else on `db`, read-only."""
    if published_file(db).exists():
        db = published_file(db)
    if not db.exists():
        raise QueryError(f"{db}: no such warehouse file (run `pmhub sync` or `pmhub demo` first)")
    try:
        with connect(db, read_only=True) as conn:
            cursor = conn.execute(sql)
            if cursor.description is None:
                return "ok"
            columns = [d[0] for d in cursor.description]
            rows = cursor.fetchmany(MAX_ROWS + 1)
    except duckdb.IOException as exc:
        raise QueryError(f"{db}: cannot open read-only: {str(exc).splitlines()[0]}") from None
    except duckdb.Error as exc:
        raise QueryError(str(exc).splitlines()[0]) from None
    text = table(columns, rows[:MAX_ROWS])
    more = f"\n(first {MAX_ROWS} rows shown)" if len(rows) > MAX_ROWS else f"\n({len(rows)} rows)"
    return text + more
