"""What Jira says blocks an issue: its "Flagged" impediment field, its labels and its "is blocked
by" links, parsed from the raw issues into `stage.jira_issue_marks` (in step with `raw.jira_issues`,
see `pipelines.parsed`); the stage SQL turns them into the common `stage.item_tags` / `item_links`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import duckdb

from pipelines.meta_tables import replace_meta_table
from pipelines.parsed import refresh_parsed
from pipelines.sources.jira.fields import CUSTOM_FIELD_ID, resolve_flagged

# Jira's link types name their sides freely ("Blocks", "Blocking", "Dependency"…); what an issue
# waits for is the issue on the inward side of a type whose inward text says it is blocked by it.
_LINKS_SPEC = {
    "type": {"inward": "VARCHAR"},
    "inwardIssue": {"id": "VARCHAR", "key": "VARCHAR", "fields": {"status": {"statusCategory": {"key": "VARCHAR"}}}},
}


def write_flagged_fields(
    conn: duckdb.DuckDBPyConnection, site_fields: Mapping[str, Sequence[Mapping[str, Any]]]
) -> None:
    """Record each site's Flagged field (`meta.flagged_fields`, and in `meta.field_mapping`), then
    bring `stage.jira_issue_marks` up to date. `site_fields`: source_id → the site's /field list."""
    chosen = [(source_id, resolve_flagged(fields)) for source_id, fields in site_fields.items()]
    found = [(source_id, m) for source_id, m in chosen if m is not None]
    if found:
        conn.executemany(
            "INSERT INTO meta.field_mapping VALUES (?, NULL, ?, ?, ?, ?)",
            [(source_id, m.purpose, m.field_id, m.field_name, m.matched_by) for source_id, m in found],
        )
    replace_meta_table(
        conn,
        "flagged_fields",
        "source_id VARCHAR, field_id VARCHAR, field_name VARCHAR",
        [(source_id, m.field_id, m.field_name) for source_id, m in found],
    )
    _refresh_marks(conn, sorted({m.field_id for _, m in found}))


def _refresh_marks(conn: duckdb.DuckDBPyConnection, flagged_ids: list[str]) -> None:
    """`stage.jira_issue_marks`: per issue, its labels, the Flagged-type fields that hold a value
    (`flagged_in`: the site's own field is picked in SQL) and its "is blocked by" links."""
    # Ids are validated as customfield_<n>, so they are safe as identifiers here.
    flagged_ids = [f for f in flagged_ids if CUSTOM_FIELD_ID.fullmatch(f)]
    spec = json.dumps(
        {"fields": {"labels": ["VARCHAR"], "issuelinks": [_LINKS_SPEC], **{f: "JSON" for f in flagged_ids}}}
    )
    # Jira sends an unflagged issue's field as null, a flagged one's as a list of the options ticked.
    marks = ", ".join(
        f"CASE WHEN json_type(j.fields.{f}) = 'ARRAY' AND json_array_length(j.fields.{f}) > 0 THEN '{f}' END"
        for f in flagged_ids
    )
    refresh_parsed(
        conn,
        "stage.jira_issue_marks",
        "raw.jira_issues",
        f"""SELECT source_id, id, batch_id, coalesce(j.fields.labels, []) AS labels,
                   list_filter([{marks}]::VARCHAR[], lambda f: f IS NOT NULL) AS flagged_in,
                   list_filter(coalesce(j.fields.issuelinks, []),
                               lambda l: l.inwardIssue.id IS NOT NULL
                                         AND contains(lower(l.type.inward), 'blocked by')) AS blocked_by
            FROM (SELECT source_id, id, batch_id, json_transform(payload, '{spec}') AS j FROM rows_to_parse)""",  # noqa: S608
    )
