"""Jira issues are staged incrementally: only the payloads that changed since the last build are
parsed again (the generic side is `pipelines.sources.tool.IncrementalStage`)."""

from __future__ import annotations

import hashlib
import json

import duckdb

from pipelines.meta_tables import table_exists
from pipelines.parsed import select_raw_rows

# Stage files that parse Jira payloads, and the table each fills. They read `pending_jira_issues`.
PAYLOAD_STAGES = {
    "02_jira_issues.sql": "jira_issues",
    "02b_jira_issue_sprints.sql": "jira_issue_sprints",
    "03_jira_history_items.sql": "jira_history_items",
}


def pending_issues(conn: duckdb.DuckDBPyConnection, built_from: list[str]) -> bool:
    """Point `pending_jira_issues` (and `pending_jira_histories`, their histories) at what the
    payload-parsing stage files must (re)parse.

    Parsing 100,000 payloads takes most of a transform, yet a nightly run changes a few percent of
    them. When the staged tables were built with the same status categories and SQL (a fingerprint
    says so), only raw issues whose latest batch is not the staged one, or whose project's field
    mapping changed, are parsed; the other staged rows are kept aside in `stage.<table>__kept` and
    take the new ones in after each file. `built_from` is what the staged rows are built from (the
    files' SQL and the macros). Returns True for such an incremental build, False for a full one.
    """
    fingerprint = hashlib.sha256(
        json.dumps(
            [
                conn.execute("SELECT * FROM stage.jira_status_categories ORDER BY ALL").fetchall(),
                built_from,
            ],
            default=str,
        ).encode()
    ).hexdigest()
    conn.execute("CREATE TABLE IF NOT EXISTS meta.stage_state (fingerprint VARCHAR)")
    conn.execute("CREATE TABLE IF NOT EXISTS meta.staged_issue_fields AS SELECT * FROM meta.issue_fields LIMIT 0")
    previous = conn.execute("SELECT fingerprint FROM meta.stage_state").fetchone()
    staged = all(table_exists(conn, "stage", table) for table in PAYLOAD_STAGES.values())
    for pending in ("pending_jira_issues", "pending_jira_histories"):
        conn.execute(f"DROP VIEW IF EXISTS {pending}")
        conn.execute(f"DROP TABLE IF EXISTS {pending}")
    incremental = staged and previous is not None and previous[0] == fingerprint
    if incremental:
        # Projects whose story-points or sprint field changed since the staged build.
        conn.execute(
            """CREATE OR REPLACE TEMP TABLE remapped AS
               SELECT source_id, project_key FROM (
                   (SELECT * FROM meta.issue_fields EXCEPT SELECT * FROM meta.staged_issue_fields)
                   UNION ALL
                   (SELECT * FROM meta.staged_issue_fields EXCEPT SELECT * FROM meta.issue_fields))"""
        )
        select_raw_rows(
            conn,
            "pending_jira_issues",
            "raw.jira_issues",
            """SELECT r.source_id, r.id, r.batch_id FROM raw.jira_issues r
               LEFT JOIN stage.jira_issues s ON s.source_id = r.source_id AND s.external_id = r.id
               WHERE s.batch_id IS DISTINCT FROM r.batch_id
                  OR (s.source_id, s.project_key) IN (SELECT (source_id, project_key) FROM remapped)""",
        )
        # The whole history of each pending issue (landed apart from it, see sources.jira.histories).
        select_raw_rows(
            conn,
            "pending_jira_histories",
            "raw.jira_issue_histories",
            """SELECT h.source_id, h.id, h.batch_id FROM raw.jira_issue_histories h
               SEMI JOIN pending_jira_issues p ON p.source_id = h.source_id AND p.id = h.container""",
        )
        # The staged rows set aside: each file builds its table from the pending issues only, then
        # the kept rows take the new ones in (renames, not copies of 100,000 rows).
        for table in PAYLOAD_STAGES.values():
            conn.execute(f"DROP TABLE IF EXISTS stage.{table}__kept")
            conn.execute(f"ALTER TABLE stage.{table} RENAME TO {table}__kept")
            conn.execute(
                f"""DELETE FROM stage.{table}__kept
                    WHERE item_id IN (SELECT source_id || ':' || id FROM pending_jira_issues)"""  # noqa: S608
            )
    else:
        conn.execute("CREATE TEMP VIEW pending_jira_issues AS SELECT * FROM raw.jira_issues")
        conn.execute("CREATE TEMP VIEW pending_jira_histories AS SELECT * FROM raw.jira_issue_histories")
    conn.execute("DELETE FROM meta.stage_state")
    conn.execute("INSERT INTO meta.stage_state VALUES (?)", [fingerprint])
    conn.execute("DELETE FROM meta.staged_issue_fields")
    conn.execute("INSERT INTO meta.staged_issue_fields SELECT * FROM meta.issue_fields")
    return incremental
