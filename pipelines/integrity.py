"""What the blocking checks look for in `core.*`, as plain queries (the Dagster checks are thin).

Each function returns findings, one line each; no finding means the check passes. Table and column
names below are literals of this module, never input.
"""

from __future__ import annotations

import duckdb

from pipelines.meta_tables import table_exists

# Each core table's id column.
KEYS = {
    "core.work_items": "item_id",
    "core.sprints": "sprint_id",
    "core.worklogs": "worklog_id",
    "core.documents": "document_id",
    "core.people": "person_id",
    "core.containers": "container_id",
    "core.budgets": "project_id",
}

# (child table, column, parent table, parent column): every non-NULL child value must exist.
REFERENCES = (
    ("core.work_items", "container_id", "core.containers", "container_id"),
    ("core.work_items", "project_id", "core.projects", "project_id"),
    ("core.status_changes", "item_id", "core.work_items", "item_id"),
    ("core.sprint_membership", "item_id", "core.work_items", "item_id"),
    ("core.sprint_membership", "sprint_id", "core.sprints", "sprint_id"),
    ("core.worklogs", "item_id", "core.work_items", "item_id"),
    ("core.documents", "container_id", "core.containers", "container_id"),
    ("core.budgets", "project_id", "core.projects", "project_id"),
    ("core.cost_entries", "project_id", "core.projects", "project_id"),
    ("core.cost_entries", "item_id", "core.work_items", "item_id"),
)

# Tables whose rows are kept and flagged rather than dropped: a fall in live rows must be matched
# by a rise in flagged ones. The others should never shrink by much at all.
COUNTED = {
    "core.work_items": "is_deleted",
    "core.worklogs": "is_deleted",
    "core.documents": "is_deleted",
    "core.status_changes": None,
    "core.sprints": None,
    "core.person_identities": None,
    "core.containers": None,
}


def duplicate_ids(conn: duckdb.DuckDBPyConnection) -> list[str]:
    found = []
    for table, column in KEYS.items():
        row = conn.execute(f"SELECT count(*) - count(DISTINCT {column}) FROM {table}").fetchone()  # noqa: S608
        if row and row[0]:
            found.append(f"{table}: {row[0]} duplicate {column} values")
    return found


def orphan_references(conn: duckdb.DuckDBPyConnection) -> list[str]:
    found = []
    for child, column, parent, key in REFERENCES:
        row = conn.execute(
            f"SELECT count(*), any_value(c.{column}) FROM {child} c "  # noqa: S608
            f"ANTI JOIN {parent} p ON p.{key} = c.{column} WHERE c.{column} IS NOT NULL"
        ).fetchone()
        if row and row[0]:
            found.append(f"{row[0]} rows of {child}.{column} point to no {parent} row (e.g. {row[1]})")
    return found


def published_counts(conn: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int]]:
    """The row counts recorded when the current snapshot was published (none before the first)."""
    if not table_exists(conn, "meta", "published_counts"):
        return {}
    rows = conn.execute("SELECT table_name, live, deleted FROM meta.published_counts").fetchall()
    return {str(t): (int(live), int(deleted)) for t, live, deleted in rows}


def row_counts(conn: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int]]:
    """Table → (live rows, rows flagged deleted)."""
    counts = {}
    for table, flag in COUNTED.items():
        flagged = f"count(*) FILTER (WHERE {flag})" if flag else "0"
        row = conn.execute(f"SELECT count(*) - {flagged}, {flagged} FROM {table}").fetchone()  # noqa: S608
        counts[table] = (int(row[0]), int(row[1])) if row else (0, 0)
    return counts


def unexplained_drops(
    before: dict[str, tuple[int, int]], now: dict[str, tuple[int, int]], max_share: float
) -> list[str]:
    """Tables whose live rows fell by more than `max_share` of the published count, beyond what
    newly flagged deletions explain."""
    found = []
    for table, (live_before, deleted_before) in before.items():
        live, deleted = now.get(table, (0, 0))
        unexplained = (live_before - live) - max(0, deleted - deleted_before)
        if live_before and unexplained > max_share * live_before:
            found.append(
                f"{table}: {live} live rows against {live_before} at the last publish; "
                f"{unexplained} vanished without a deletion to explain them (limit {max_share:.0%})"
            )
    return found
