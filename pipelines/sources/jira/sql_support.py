"""What Jira's stage SQL needs beyond its files: its macros, the worklog table parsed in step with
`raw.jira_worklogs`, and the problems its data shows after the core build."""

from __future__ import annotations

from importlib import resources

import duckdb

from models.config import PmhubConfig
from pipelines.parsed import refresh_parsed
from pipelines.sources.jira.field_mapping import write_field_mapping
from pipelines.sources.jira.risk_fields import write_risk_fields

MACROS = (
    """CREATE OR REPLACE TEMP MACRO pmhub_category(k) AS
        CASE k WHEN 'new' THEN 'todo' WHEN 'indeterminate' THEN 'in_progress' WHEN 'done' THEN 'done' END""",
    # Sprint ids of a Jira Sprint field value: JSON objects (Cloud) or the deprecated toString form
    # `com.atlassian.greenhopper.service.sprint.Sprint@1a2b[id=12,...,goal=a, b,...]`. The id is the
    # first attribute, so commas in names and goals cannot shift it; anything else is an error.
    r"""CREATE OR REPLACE TEMP MACRO pmhub_sprint_ids(v) AS
        CASE WHEN v IS NULL OR json_type(v) = 'NULL' THEN NULL
        ELSE list_transform(
            CASE WHEN json_type(v) = 'ARRAY' THEN json_extract(v, '$[*]') ELSE [v::JSON] END,
            lambda s: CASE json_type(s)
                WHEN 'OBJECT' THEN s ->> '$.id'
                WHEN 'VARCHAR' THEN coalesce(
                    nullif(regexp_extract(s ->> '$',
                        '^com\.atlassian\.greenhopper\.service\.sprint\.Sprint@[0-9a-fA-F]*\[id=([0-9]+)[,\]]', 1), ''),
                    error('unreadable Sprint field value: ' || left(s ->> '$', 80)))
                ELSE s ->> '$' END)
        END""",
)


def prepare(conn: duckdb.DuckDBPyConnection, config: PmhubConfig) -> list[str]:
    """Choose the story-points, sprint and risk fields, and bring `stage.jira_worklogs` up to date."""
    problems = write_field_mapping(conn, config) + write_risk_fields(conn, config)
    worklogs = resources.files(__package__) / "sql" / "parsed" / "jira_worklogs.sql"
    refresh_parsed(conn, "stage.jira_worklogs", "raw.jira_worklogs", worklogs.read_text(encoding="utf-8"))
    return problems


def unread_story_points(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Issues whose story-points value is not a number: they count as unestimated, said out loud."""
    return [
        f"{source} project {project}: {n} issues hold a story-points value that is not a number in {field} "
        f"(e.g. {example}); they count as unestimated"
        for source, project, field, n, example in conn.execute(
            """SELECT s.source_id, s.project_key, f.story_points_field, count(*), min(s.story_points_unread)
               FROM stage.jira_issues s
               JOIN meta.issue_fields f ON f.source_id = s.source_id AND f.project_key = s.project_key
               WHERE s.story_points_unread IS NOT NULL GROUP BY ALL ORDER BY ALL"""
        ).fetchall()
    ]
