"""Schema drift between runs: fields that appear, disappear or change type in a source.

New fields never break a load (payloads are kept whole as JSON). What a metric reads is guarded: a
mapped field (`meta.field_mapping`: story points, sprint, estimate/hours/cost) whose type changes is
reported. The fields come from the tools' stage SQL (`stage.field_types`); `meta.field_types` holds
each field's type as last seen, `meta.schema_changes` every change ever seen, with when.
"""

from __future__ import annotations

import duckdb

# Every field of every source, with its type, as the tools' stage SQL lists them.
_CURRENT = "SELECT source_id, field_id, name, field_type FROM stage.field_types"

_SETUP = (
    """CREATE TABLE IF NOT EXISTS meta.field_types (
        source_id VARCHAR, field_id VARCHAR, name VARCHAR, field_type VARCHAR, seen_at TIMESTAMPTZ)""",
    """CREATE TABLE IF NOT EXISTS meta.schema_changes (
        seen_at TIMESTAMPTZ, source_id VARCHAR, field_id VARCHAR, name VARCHAR, change VARCHAR,
        from_type VARCHAR, to_type VARCHAR, mapped_as VARCHAR)""",
)


def record_schema_changes(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Record what changed since the last build in meta.schema_changes and return the problems:
    type changes of mapped fields."""
    for ddl in _SETUP:
        conn.execute(ddl)
    first_build = not conn.execute("SELECT 1 FROM meta.field_types LIMIT 1").fetchone()
    conn.execute(f"CREATE OR REPLACE TEMP TABLE current_field_types AS {_CURRENT}")
    conn.execute(
        """CREATE OR REPLACE TEMP TABLE field_changes AS
           SELECT coalesce(c.source_id, o.source_id) AS source_id, coalesce(c.field_id, o.field_id) AS field_id,
                  coalesce(c.name, o.name) AS name,
                  CASE WHEN o.field_id IS NULL THEN 'added' WHEN c.field_id IS NULL THEN 'removed'
                       ELSE 'type_changed' END AS change,
                  o.field_type AS from_type, c.field_type AS to_type,
                  (SELECT string_agg(DISTINCT m.purpose, ', ') FROM meta.field_mapping m
                   WHERE m.source_id = coalesce(c.source_id, o.source_id)
                     AND m.field_id = coalesce(c.field_id, o.field_id)) AS mapped_as
           FROM current_field_types c
           FULL JOIN meta.field_types o ON o.source_id = c.source_id AND o.field_id = c.field_id
           WHERE o.field_type IS DISTINCT FROM c.field_type
             -- a source not synced in this build has no current fields; it did not lose them
             AND coalesce(c.source_id, o.source_id) IN (SELECT source_id FROM current_field_types)"""
    )
    if not first_build:
        conn.execute(
            """INSERT INTO meta.schema_changes
               SELECT now(), source_id, field_id, name, change, from_type, to_type, mapped_as FROM field_changes"""
        )
    conn.execute(
        """DELETE FROM meta.field_types
           WHERE (source_id, field_id) IN (SELECT (source_id, field_id) FROM field_changes)"""
    )
    conn.execute(
        """INSERT INTO meta.field_types
           SELECT c.source_id, c.field_id, c.name, c.field_type, now() FROM current_field_types c
           SEMI JOIN field_changes f ON f.source_id = c.source_id AND f.field_id = c.field_id"""
    )
    problems = [
        f"{source} field {field} ({name!r}, mapped as {mapped}) changed type from {old} to {new}; "
        "values of the new type are not read as numbers: check the field on the site, or map another"
        for source, field, name, mapped, old, new in conn.execute(
            """SELECT source_id, field_id, name, mapped_as, from_type, to_type FROM field_changes
               WHERE change = 'type_changed' AND mapped_as IS NOT NULL ORDER BY ALL"""
        ).fetchall()
    ]
    return problems
