"""Build `core.*` and `mart.*` inside DuckDB from `raw.*` and the config.

The few decisions that need Python (which custom field holds story points, which list means done)
are made by each tool's `prepare` step (`pipelines.sources.<tool>`), what a charter page's budget
says is read here; all are written to `meta.*` tables with how they were made. Everything else is
SQL: the tools' stage SQL and `pipelines/sql/`, run in file order. Contract tables are created
from `models.schema`, so a column can only be added, never silently lost.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from typing import Any

import duckdb

from models.charter import CharterError, parse_charter
from models.config import PmhubConfig
from models.ddl import column_names, table_ddl
from models.schema import CORE_TABLES, MART_TABLES
from models.stage_contract import STAGE_CONTRACT
from pipelines.forecast import write_forecast
from pipelines.meta_tables import replace_meta_table, table_exists
from pipelines.parsed import parse_sql, refresh_parsed, select_raw_rows
from pipelines.schema_drift import record_schema_changes
from pipelines.sources import TOOLS

MACROS = (
    r"""CREATE OR REPLACE TEMP MACRO pmhub_ts(s) AS
        TRY_CAST(regexp_replace(s, '([+-]\d\d)(\d\d)$', '\1:\2') AS TIMESTAMPTZ)""",
    """CREATE OR REPLACE TEMP MACRO pmhub_category(k) AS
        CASE k WHEN 'new' THEN 'todo' WHEN 'indeterminate' THEN 'in_progress' WHEN 'done' THEN 'done' END""",
    # Trello object ids start with their creation time as 8 hex digits.
    """CREATE OR REPLACE TEMP MACRO trello_id_ts(i) AS to_timestamp(('0x' || substr(i, 1, 8))::BIGINT)""",
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


def register_functions(conn: duckdb.DuckDBPyConnection) -> None:
    """The SQL macros the SQL files call (temporary: they live with the connection)."""
    for macro in MACROS:
        conn.execute(macro)


class TransformError(RuntimeError):
    """The synced data cannot be modelled without a decision only the user can make."""


@dataclass
class TransformReport:
    """What a transform step produced, and what it could not use."""

    rows: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _sql_files(layer: str) -> list[tuple[str, str, str]]:
    """(name, path for messages, SQL) of a layer's files in run order: the generic ones and, for
    the stage layer, each tool's own (`Tool.stage_sql`), interleaved by file name."""
    folder = resources.files("pipelines") / "sql" / layer
    files = [(f.name, f"pipelines/sql/{layer}/{f.name}", f) for f in folder.iterdir() if f.name.endswith(".sql")]
    if layer == "stage":
        for tool in TOOLS.values():
            files += [(name, f"{tool.package.replace('.', '/')}/sql/stage/{name}", f) for name, f in tool.stage_sql()]
    return sorted((name, where, f.read_text(encoding="utf-8")) for name, where, f in files)


def create_stage_contract(conn: duckdb.DuckDBPyConnection) -> None:
    """Empty the common stage tables (`models.stage_contract`) for the tools' stage SQL to fill."""
    conn.execute("DROP TABLE IF EXISTS stage.items")  # what stage.work_items replaced: no stale copy stays
    for table, model in STAGE_CONTRACT.items():
        conn.execute(f"DROP TABLE IF EXISTS stage.{table}")
        conn.execute(table_ddl("stage", table, model))


def ensure_contract_tables(conn: duckdb.DuckDBPyConnection) -> None:
    """Create missing contract tables and add columns new in `models.schema` (never drop)."""
    existing: dict[tuple[str, str], set[str]] = {}
    for schema, table, column in conn.execute(
        """SELECT table_schema, table_name, column_name FROM information_schema.columns
           WHERE table_schema IN ('core', 'mart')"""
    ).fetchall():
        existing.setdefault((schema, table), set()).add(column)
    for schema, tables in (("core", CORE_TABLES), ("mart", MART_TABLES)):
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        for table, model in tables.items():
            columns = existing.get((schema, table))
            if not columns:
                conn.execute(table_ddl(schema, table, model))
                continue
            ddl_columns = table_ddl(schema, table, model).split("(", 1)[1].rstrip(")").split(", ")
            for column, ddl in zip(column_names(model), ddl_columns, strict=True):
                if column not in columns:
                    conn.execute(f"ALTER TABLE {schema}.{table} ADD COLUMN {ddl.replace(' NOT NULL', '')}")


def _fill(conn: duckdb.DuckDBPyConnection, schema: str, table: str, select_sql: str) -> int:
    # schema/table come from models.schema, never from input
    conn.execute(f"DELETE FROM {schema}.{table}")  # noqa: S608
    conn.execute(f"INSERT INTO {schema}.{table} BY NAME {select_sql}")
    row = conn.execute(f"SELECT count(*) FROM {schema}.{table}").fetchone()  # noqa: S608
    return int(row[0]) if row else 0


# Stage files that parse Jira payloads, and the table each fills. They read `pending_jira_issues`.
_PAYLOAD_STAGES = {
    "02_jira_issues.sql": "jira_issues",
    "02b_jira_issue_sprints.sql": "jira_issue_sprints",
    "03_jira_history_items.sql": "jira_history_items",
}


def stage_jira_issues(conn: duckdb.DuckDBPyConnection, texts: dict[str, str]) -> bool:
    """Point `pending_jira_issues` (and `pending_jira_histories`, their histories) at what the
    payload-parsing stage files must (re)parse.

    Parsing 100,000 payloads takes most of a transform, yet a nightly run changes a few percent of
    them. When the staged tables were built with the same status categories and SQL (a fingerprint
    says so), only raw issues whose latest batch is not the staged one, or whose project's field
    mapping changed, are parsed; the other staged rows are kept aside in `stage.<table>__kept` and
    take the new ones in after each file. `texts` are the stage SQL files by name. Returns True for such
    an incremental build, False for a full one.
    """
    fingerprint = hashlib.sha256(
        json.dumps(
            [
                conn.execute("SELECT * FROM stage.jira_status_categories ORDER BY ALL").fetchall(),
                [texts[name] for name in _PAYLOAD_STAGES],
                MACROS,
            ],
            default=str,
        ).encode()
    ).hexdigest()
    conn.execute("CREATE TABLE IF NOT EXISTS meta.stage_state (fingerprint VARCHAR)")
    conn.execute("CREATE TABLE IF NOT EXISTS meta.staged_issue_fields AS SELECT * FROM meta.issue_fields LIMIT 0")
    previous = conn.execute("SELECT fingerprint FROM meta.stage_state").fetchone()
    staged = all(table_exists(conn, "stage", table) for table in _PAYLOAD_STAGES.values())
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
        for table in _PAYLOAD_STAGES.values():
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


def _run_layer(conn: duckdb.DuckDBPyConnection, layer: str, tables: dict[str, Any], report: TransformReport) -> None:
    incremental = False
    files = _sql_files(layer)
    for name, where, sql in files:
        if name == next(iter(_PAYLOAD_STAGES)) and layer == "stage":
            incremental = stage_jira_issues(conn, {n: text for n, _where, text in files})
            report.rows["stage.incremental"] = int(incremental)
        table = name.split("_", 1)[1].removesuffix(".sql")
        try:
            if table in tables:
                report.rows[f"{layer}.{table}"] = _fill(conn, layer, table, sql)
            else:
                conn.execute(sql)
            if incremental and layer == "stage" and name in _PAYLOAD_STAGES:
                kept = _PAYLOAD_STAGES[name]
                conn.execute(f"INSERT INTO stage.{kept}__kept BY NAME SELECT * FROM stage.{kept}")  # noqa: S608 - fixed names
                conn.execute(f"DROP TABLE stage.{kept}")
                conn.execute(f"ALTER TABLE stage.{kept}__kept RENAME TO {kept}")
        except duckdb.Error as exc:
            first = str(exc).splitlines()[0]
            raise TransformError(f"{where}: {first}") from exc


def prepare_meta(conn: duckdb.DuckDBPyConnection, config: PmhubConfig, as_of: date) -> TransformReport:
    """Write the config and the Python-made decisions into `meta.*` (replaced on every run)."""
    report = TransformReport()
    register_functions(conn)
    conn.execute("CREATE SCHEMA IF NOT EXISTS meta")
    conn.execute("CREATE SCHEMA IF NOT EXISTS stage")
    _config_tables(conn, config, as_of)
    replace_meta_table(
        conn,
        "field_mapping",
        "source_id VARCHAR, project_key VARCHAR, purpose VARCHAR, field_id VARCHAR, field_name VARCHAR, "
        "matched_by VARCHAR",
        [],
    )
    for tool in TOOLS.values():
        report.problems += tool.prepare(conn, config)
    return report


def _config_tables(conn: duckdb.DuckDBPyConnection, config: PmhubConfig, as_of: date) -> None:
    s = config.settings
    replace_meta_table(
        conn,
        "settings",
        "as_of DATE, velocity_sprints INTEGER, coverage DOUBLE, rag_amber DOUBLE, rag_red DOUBLE, "
        "default_hourly DOUBLE, flow_day_offset INTEGER, rag_amber_late_days INTEGER, rag_red_late_days INTEGER, "
        "stale_after_hours DOUBLE",
        [
            (
                as_of,
                s.velocity_sprints,
                s.estimate_coverage_for_points,
                s.rag_amber_below,
                s.rag_red_below,
                config.rates.default_hourly,
                1 if s.flow_day_convention == "inclusive" else 0,
                s.rag_amber_late_days,
                s.rag_red_late_days,
                s.stale_after_hours,
            )
        ],
    )
    replace_meta_table(conn, "cfg_rates", "person_ext VARCHAR, hourly DOUBLE", list(config.rates.people.items()))
    sources = [
        (f"{tool.name}:{s.name}", tool.name, s.name, s.location())
        for tool in config.tools
        for s in config.sources.of(tool.name)
    ]
    replace_meta_table(conn, "cfg_sources", "source_id VARCHAR, tool VARCHAR, name VARCHAR, base_url VARCHAR", sources)
    replace_meta_table(
        conn, "cfg_projects", "project_id VARCHAR, name VARCHAR", [(p.id, p.name) for p in config.portfolio]
    )
    refs: list[tuple[Any, ...]] = []
    budgets: list[tuple[Any, ...]] = []
    for p in config.portfolio:
        refs += [
            (p.id, tool.name, f"{tool.name}:{link.source_name()}", link.container())
            for tool in config.tools
            for link in p.links(tool.name)
        ]
        if p.budget:
            b = p.budget
            budgets.append((p.id, b.currency, b.bac, b.start, b.end, b.planned_sprints))
    replace_meta_table(conn, "cfg_containers", "project_id VARCHAR, tool VARCHAR, source_id VARCHAR, ref VARCHAR", refs)
    replace_meta_table(
        conn,
        "cfg_budgets",
        "project_id VARCHAR, currency VARCHAR, bac DOUBLE, start_date DATE, end_date DATE, planned_sprints INTEGER",
        budgets,
    )


def build_core(conn: duckdb.DuckDBPyConnection, config: PmhubConfig, as_of: date) -> TransformReport:
    """Rebuild `stage.*` and `core.*` from raw data in one transaction."""
    conn.execute("BEGIN TRANSACTION")
    try:
        report = prepare_meta(conn, config, as_of)
        ensure_contract_tables(conn)
        refresh_parsed(conn, "stage.jira_worklogs", "raw.jira_worklogs", parse_sql("jira_worklogs"))
        create_stage_contract(conn)
        _run_layer(conn, "stage", {}, report)
        _run_layer(conn, "core", CORE_TABLES, report)
        report.problems += _budgets(conn)
        report.problems += [f for tool in TOOLS.values() for check in tool.checks for f in check.find(conn, False)]
        report.problems += record_schema_changes(conn)
        report.rows["core.budgets"] = _count(conn, "core.budgets")
        report.rows["core.cost_entries"] = _fill(conn, "core", "cost_entries", _COST_ENTRIES)
        replace_meta_table(
            conn, "data_problems", "step VARCHAR, problem VARCHAR", [("core", p) for p in report.problems]
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return report


def build_marts(conn: duckdb.DuckDBPyConnection, config: PmhubConfig, as_of: date) -> TransformReport:
    """Rebuild `mart.*` from `core.*` in one transaction."""
    conn.execute("BEGIN TRANSACTION")
    try:
        report = TransformReport()
        register_functions(conn)
        _config_tables(conn, config, as_of)
        ensure_contract_tables(conn)
        report.rows["mart.forecast"] = write_forecast(conn, config.settings, as_of)
        _run_layer(conn, "mart", MART_TABLES, report)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return report


def _count(conn: duckdb.DuckDBPyConnection, table: str) -> int:
    row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608 - literal table names
    return int(row[0]) if row else 0


_COST_ENTRIES = """
SELECT w.project_id, wl.item_id, wl.started_at::DATE AS incurred_on,
       wl.hours * coalesce(r.hourly, s.default_hourly) AS amount, b.currency,
       printf('worklog %.2fh x %g/h', wl.hours, coalesce(r.hourly, s.default_hourly)) AS basis
FROM core.worklogs wl
JOIN core.work_items w ON w.item_id = wl.item_id
LEFT JOIN core.budgets b ON b.project_id = w.project_id
LEFT JOIN core.people p ON p.person_id = wl.person_id
LEFT JOIN meta.cfg_rates r ON r.person_ext = p.external_id
CROSS JOIN meta.settings s
WHERE NOT wl.is_deleted AND w.project_id IS NOT NULL
UNION ALL
-- Trello cards' hours (at the card's first member's rate) and cost custom fields, dated when the
-- value was last set (else when the card was created); a cost is taken in the budget's currency.
SELECT w.project_id, w.item_id, coalesce(set_at.at, w.created_at)::DATE,
       CASE v.purpose WHEN 'hours' THEN v.value * coalesce(r.hourly, s.default_hourly) ELSE v.value END,
       b.currency,
       CASE v.purpose
           WHEN 'hours' THEN printf('card hours %.2fh x %g/h', v.value, coalesce(r.hourly, s.default_hourly))
           ELSE printf('card cost %g', v.value) END
FROM stage.trello_field_values v
JOIN core.work_items w ON w.item_id = v.item_id
JOIN meta.trello_fields f ON f.source_id = w.source_id AND f.purpose = v.purpose
 AND w.container_id = f.source_id || ':board:' || f.board_id
LEFT JOIN (
    SELECT source_id, payload ->> '$.data.card.id' AS card_id, payload ->> '$.data.customField.id' AS field_id,
           max(pmhub_ts(payload ->> '$.date')) AS at
    FROM raw.trello_actions WHERE payload ->> '$.type' = 'updateCustomFieldItem' GROUP BY ALL
) set_at ON set_at.source_id = w.source_id AND set_at.card_id = w.external_id AND set_at.field_id = f.field_id
LEFT JOIN core.budgets b ON b.project_id = w.project_id
LEFT JOIN core.people p ON p.person_id = w.assignee_id
LEFT JOIN meta.cfg_rates r ON r.person_ext = p.external_id
CROSS JOIN meta.settings s
WHERE v.purpose IN ('hours', 'cost') AND v.value IS NOT NULL AND NOT w.is_deleted AND w.project_id IS NOT NULL
"""


# A project without a budget in config or charter whose items carry a baseline 0 with cost: BAC is
# that cost (items rolling others up left out), planned from the earliest start to the latest finish.
_BASELINE_BUDGETS = """
INSERT INTO core.budgets BY NAME
SELECT w.project_id, coalesce(min(b.currency), 'XXX') AS currency, sum(b.cost) AS bac,
       min(b.start_at)::DATE AS planned_start, max(b.finish_at)::DATE AS planned_end, 'baseline' AS source
FROM core.baselines b JOIN core.work_items w USING (item_id)
WHERE b.baseline_number = 0 AND NOT b.rolls_up AND NOT w.is_deleted AND w.project_id IS NOT NULL
  AND w.project_id NOT IN (SELECT project_id FROM core.budgets)
GROUP BY w.project_id
HAVING sum(b.cost) > 0 AND min(b.start_at) IS NOT NULL AND max(b.finish_at) IS NOT NULL
"""


def _budgets(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Config budgets win; otherwise parse the charter page, named by title or by the one live page
    of the space that carries the configured label; otherwise the baseline of the project's items
    (plan tasks), when it holds a cost. Returns what could not be read, and why."""
    conn.execute("DELETE FROM core.budgets")
    conn.execute(
        """INSERT INTO core.budgets BY NAME
           SELECT project_id, currency, bac, start_date AS planned_start, end_date AS planned_end,
                  'config' AS source, planned_sprints FROM meta.cfg_budgets"""
    )
    pages = conn.execute(
        """SELECT c.project_id, c.space_key, c.page_title, c.page_label,
                  list((p.source_id || ':' || p.id, p.payload ->> '$.title', p.payload ->> '$.body.storage.value')
                       ORDER BY p.payload ->> '$.title') FILTER (WHERE p.id IS NOT NULL)
           FROM meta.cfg_charters c
           LEFT JOIN raw.confluence_spaces s ON s.source_id = c.source_id AND s.payload ->> '$.key' = c.space_key
           LEFT JOIN (
               SELECT p.*, l.payload ->> '$.labels[*].name' AS labels
               FROM raw.confluence_pages p
               LEFT JOIN raw.confluence_page_labels l ON l.source_id = p.source_id AND l.id = p.id
               WHERE p.source_id || ':' || p.id NOT IN (SELECT document_id FROM core.documents WHERE is_deleted)
           ) p ON p.source_id = c.source_id AND p.container = s.id
                AND (p.payload ->> '$.title' = c.page_title OR list_contains(p.labels, c.page_label))
           WHERE c.project_id NOT IN (SELECT project_id FROM meta.cfg_budgets)
           GROUP BY ALL ORDER BY c.project_id"""
    ).fetchall()
    problems: list[str] = []
    for project_id, space_key, title, label, found in pages:
        named = f"charter page {title!r}" if title else f"the charter page labelled {label!r}"
        if not found:
            problems.append(f"project {project_id}: {named} not found in the synced space {space_key}")
            continue
        if len(found) > 1:
            titles = ", ".join(repr(t) for _d, t, _b in found[:5])
            problems.append(
                f"project {project_id}: label {label!r} is on {len(found)} live pages of space {space_key} "
                f"({titles}); keep it on the charter page only"
            )
            continue
        document_id, page_title, body = found[0]
        try:
            budget = parse_charter(body or "", page_title)
        except CharterError as exc:
            problems.append(f"project {project_id}: {exc}")
            continue
        conn.execute(
            "INSERT INTO core.budgets VALUES (?, ?, ?, ?, ?, ?, ?)",
            [project_id, budget.currency, budget.bac, budget.start, budget.end, document_id, budget.planned_sprints],
        )
    conn.execute(_BASELINE_BUDGETS)
    return problems
