"""Which Jira custom field holds story points (per site, or per project when the site does not say)
and which holds sprints, decided in Python from the fields' metadata and the values issues hold.

The decisions go to `meta.field_mapping` (with how each was made, beside other tools' choices),
`meta.issue_fields` (per site and project, so the stage SQL over many payloads joins on equality)
and `meta.field_problems` (what could not be resolved; the blocking check `story_points_resolved`
then stops the marts and names it).
"""

from __future__ import annotations

import json
from typing import Any, cast

import duckdb

from models.config import PmhubConfig
from pipelines.meta_tables import replace_meta_table
from pipelines.parsed import refresh_parsed
from pipelines.sources.jira.config import CONFIG, JiraSource
from pipelines.sources.jira.fields import (
    CUSTOM_FIELD_ID,
    FieldMapping,
    FieldResolutionError,
    choose_story_points,
    resolve_sprint,
    story_point_candidates,
)
from pipelines.sources.jira.marks import write_flagged_fields


def _sites(config: PmhubConfig) -> list[JiraSource]:
    return cast(list[JiraSource], config.sources.of(CONFIG.name))


def write_field_mapping(conn: duckdb.DuckDBPyConnection, config: PmhubConfig) -> list[str]:
    """Story-points field per (site, project) and Sprint field per site, with how each was chosen;
    returns the fields that could not be resolved (also in meta.field_problems).

    meta.field_mapping records the decisions; meta.issue_fields spells them out per (site, project)
    so the SQL that reads 100,000 payloads joins on plain equality.
    """
    rows: list[tuple[Any, ...]] = []
    per_project: list[tuple[Any, ...]] = []
    problems: list[tuple[str, str | None, str]] = []
    site_fields = {
        site.name: [
            json.loads(r[0])
            for r in conn.execute(
                "SELECT payload FROM raw.jira_fields WHERE source_id = ? ORDER BY id", [f"jira:{site.name}"]
            ).fetchall()
        ]
        for site in _sites(config)
    }
    _refresh_point_fields(conn, [str(c["id"]) for f in site_fields.values() for c in story_point_candidates(f)])
    write_flagged_fields(conn, {f"jira:{name}": fields for name, fields in site_fields.items() if fields})
    for site in _sites(config):
        source_id = f"jira:{site.name}"
        fields = site_fields[site.name]
        if not fields:
            continue  # never synced (e.g. `--only trello`): nothing of this site to model
        values = _story_point_values(conn, source_id, story_point_candidates(fields))
        sprint = resolve_sprint(fields)
        sprint_id = sprint.field_id if sprint else None
        if sprint:
            rows.append(_mapping_row(source_id, None, sprint))
        # An unresolved story-points field leaves that project's points NULL and is recorded, so the
        # blocking check `story_points_resolved` stops the marts and names it; the load still succeeds.
        site_choice: FieldMapping | None = None
        if site.story_points_field:
            try:
                site_choice = choose_story_points(fields, site.story_points_field, source_id)
                rows.append(_mapping_row(source_id, None, site_choice))
            except FieldResolutionError as exc:
                problems.append((source_id, None, str(exc)))
        for project, counts in values.items():
            choice = site_choice
            if not site.story_points_field:
                try:
                    choice = choose_story_points(fields, None, f"{source_id} project {project}", counts)
                    rows.append(_mapping_row(source_id, project, choice))
                except FieldResolutionError as exc:
                    problems.append((source_id, project, str(exc)))
            per_project.append((source_id, project, choice.field_id if choice else None, sprint_id))
    if rows:
        conn.executemany("INSERT INTO meta.field_mapping VALUES (?, ?, ?, ?, ?, ?)", rows)
    replace_meta_table(
        conn,
        "issue_fields",
        "source_id VARCHAR, project_key VARCHAR, story_points_field VARCHAR, sprint_field VARCHAR",
        per_project,
    )
    replace_meta_table(conn, "field_problems", "source_id VARCHAR, project_key VARCHAR, problem VARCHAR", problems)
    return [problem for _source, _project, problem in problems]


def _mapping_row(source_id: str, project: str | None, m: FieldMapping) -> tuple[Any, ...]:
    return (source_id, project, m.purpose, m.field_id, m.field_name, m.matched_by)


def _story_point_values(
    conn: duckdb.DuckDBPyConnection, source_id: str, candidates: list[Any]
) -> dict[str, dict[str, int]]:
    """Per project key: how many issues hold a value in each candidate field (every project listed)."""
    field_ids = [str(c["id"]) for c in candidates]
    out: dict[str, dict[str, int]] = {
        str(project): {}
        for (project,) in conn.execute(
            "SELECT DISTINCT project_key FROM stage.jira_issue_point_fields WHERE source_id = ?", [source_id]
        ).fetchall()
    }
    for project, field_id, n in conn.execute(
        """SELECT project_key, field_id, count(*)
           FROM (SELECT project_key, unnest(valued_fields) AS field_id
                 FROM stage.jira_issue_point_fields WHERE source_id = ?)
           WHERE list_contains(?, field_id)
           GROUP BY 1, 2""",
        [source_id, field_ids],
    ).fetchall():
        out[str(project)][str(field_id)] = int(n)
    return out


def _refresh_point_fields(conn: duckdb.DuckDBPyConnection, field_ids: list[str]) -> None:
    """Keep `stage.jira_issue_point_fields`: which of the candidate fields hold a value, per issue."""
    # Ids are validated as customfield_<n>, so they are safe as identifiers here.
    field_ids = sorted({f for f in field_ids if CUSTOM_FIELD_ID.fullmatch(f)})
    spec = json.dumps({"fields": {"project": {"key": "VARCHAR"}, **{f: "JSON" for f in field_ids}}})
    marks = ", ".join(f"CASE WHEN json_type(j.fields.{f}) <> 'NULL' THEN '{f}' END" for f in field_ids)
    refresh_parsed(
        conn,
        "stage.jira_issue_point_fields",
        "raw.jira_issues",
        f"""SELECT source_id, id, batch_id, j.fields.project.key AS project_key,
                   list_filter([{marks}]::VARCHAR[], lambda f: f IS NOT NULL) AS valued_fields
            FROM (SELECT source_id, id, batch_id, json_transform(payload, '{spec}') AS j FROM rows_to_parse)""",  # noqa: S608
    )


def unresolved_story_points(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """The story-points fields that could not be resolved (the blocking check's findings)."""
    return [str(r[0]) for r in conn.execute("SELECT problem FROM meta.field_problems ORDER BY ALL").fetchall()]
