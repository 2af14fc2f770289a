"""Move the change histories of warehouses built before they were landed apart, once.

Until histories were landed one row each (`pipelines.sources.jira.histories`), they sat inside the
issue payloads in `raw.jira_issues`. The stage now reads them only from `raw.jira_issue_histories`,
so an older warehouse would show no history at all until every issue was read again. The first
load of such a warehouse moves them over (a few thousand issues per statement, so memory stays
bounded) in one transaction, and `meta.migrations` records that it is done.
"""

from __future__ import annotations

import duckdb

NAME = "split_embedded_histories"
ISSUES_PER_STEP = 2000

_MOVE = """
    INSERT INTO raw.jira_issue_histories (source_id, id, container, updated, batch_id, payload)
    SELECT source_id, h ->> '$.id', id, h ->> '$.created', batch_id, h
    FROM (
        SELECT source_id, id, batch_id, unnest(from_json(payload -> '$.changelog.histories', '["JSON"]')) AS h
        FROM raw.jira_issues WHERE rowid >= ? AND rowid < ?
    )
"""
_STRIP = """
    UPDATE raw.jira_issues SET payload = json_merge_patch(payload, '{"changelog": {"histories": null}}')
    WHERE rowid >= ? AND rowid < ? AND json_exists(payload, '$.changelog.histories')
"""


def split_embedded_histories(conn: duckdb.DuckDBPyConnection, fresh: bool) -> None:
    """Move embedded histories out of `raw.jira_issues` unless done before; `fresh`: a new warehouse,
    which has none to move."""
    conn.execute("CREATE TABLE IF NOT EXISTS meta.migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ)")
    if conn.execute("SELECT 1 FROM meta.migrations WHERE name = ?", [NAME]).fetchone():
        return
    conn.execute("BEGIN TRANSACTION")
    try:
        if not fresh:
            row = conn.execute("SELECT coalesce(max(rowid), -1) FROM raw.jira_issues").fetchone()
            last = int(row[0]) if row else -1
            for start in range(0, last + 1, ISSUES_PER_STEP):
                conn.execute(_MOVE, [start, start + ISSUES_PER_STEP])
                conn.execute(_STRIP, [start, start + ISSUES_PER_STEP])
        conn.execute("INSERT INTO meta.migrations VALUES (?, now())", [NAME])
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
