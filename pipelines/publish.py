"""Publish the warehouse as a read-only snapshot beside it, for analysts and `pmhub query`.

The working file is checkpointed (its WAL folded in), copied to a temporary name in the same
folder and renamed over the published file. A rename is atomic: a reader that holds the old
snapshot open keeps reading it, undisturbed, until it reopens; nobody ever sees half a copy. The
copy is checked to open before it replaces anything. The row counts published are recorded, and
the next run's row-count check compares against them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from pipelines.integrity import row_counts
from pipelines.meta_tables import replace_meta_table


def published_file(warehouse: Path) -> Path:
    """`pmhub.duckdb` → `pmhub.published.duckdb`."""
    return warehouse.with_name(warehouse.stem + ".published" + warehouse.suffix)


def publish_snapshot(conn: duckdb.DuckDBPyConnection, warehouse: Path) -> dict[str, int]:
    """Record the counts, checkpoint, copy and rename; `conn` is the writer's open connection to
    `warehouse`, which must stay the only writer until this returns. Returns the published counts
    of live rows."""
    counts = row_counts(conn)
    conn.execute("BEGIN TRANSACTION")
    replace_meta_table(
        conn,
        "published_counts",
        "table_name VARCHAR, live BIGINT, deleted BIGINT",
        [(table, live, deleted) for table, (live, deleted) in counts.items()],
    )
    conn.execute("COMMIT")
    conn.execute("CHECKPOINT")
    target = published_file(warehouse)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        shutil.copyfile(warehouse, partial)
        with open(partial, "rb+") as copied:
            os.fsync(copied.fileno())
            # Readers open the snapshot when they need it; kept in the page cache it only crowds the
            # warehouse out, and the next run's copy then waits on the kernel reclaiming memory
            # (a 2.5 GB copy took 3.1 s instead of 0.6 s in the 100,000-issue benchmark).
            os.posix_fadvise(copied.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
        duckdb.connect(str(partial), read_only=True).close()
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return {table: live for table, (live, _deleted) in counts.items()}
