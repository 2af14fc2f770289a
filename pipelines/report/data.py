"""What the report shows, read from the marts of a warehouse (its published snapshot when there is
one): every figure comes from `mart.*`; the report computes nothing of its own."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from pipelines.publish import published_file
from pipelines.warehouse import connect

if TYPE_CHECKING:
    from pipelines.run_log import RunRecord

Row = dict[str, Any]

# Worst first: red, amber, unknown, green.
_OVERVIEW = """
SELECT p.*, e.bac, e.eac, e.pv_method, f.p50_date, f.p95_date
FROM mart.portfolio p
LEFT JOIN (SELECT project_id, arg_max(bac, as_of) AS bac, arg_max(eac, as_of) AS eac,
                  arg_max(pv_method, as_of) AS pv_method
           FROM mart.budget_variance WHERE as_of <= $as_of GROUP BY 1) e USING (project_id)
LEFT JOIN mart.forecast f USING (project_id)
ORDER BY CASE p.rag_status WHEN 'red' THEN 0 WHEN 'amber' THEN 1 WHEN 'unknown' THEN 2 ELSE 3 END, p.name
"""

# What each chart of a project draws: name → SQL over the marts ($project, $as_of).
_SERIES = {
    "progress": "SELECT as_of, items_total, items_done FROM mart.project_progress "
    "WHERE project_id = $project AND as_of <= $as_of ORDER BY as_of",
    "forecast": "SELECT as_of, remaining_items, p50_date, p85_date, p95_date, method, null_reason "
    "FROM mart.forecast WHERE project_id = $project",
    "sprints": "SELECT iteration_name, iteration_end, committed_points, completed_points FROM mart.velocity "
    "WHERE project_id = $project AND iteration_kind = 'sprint' AND iteration_state = 'closed' "
    "AND iteration_end::DATE <= $as_of ORDER BY iteration_end",
    "throughput": "SELECT week_start, items_done FROM mart.throughput_weekly "
    "WHERE project_id = $project AND week_start <= $as_of ORDER BY week_start",
    "flow": "SELECT as_of, todo, in_progress, done, uncategorized FROM mart.cumulative_flow "
    "WHERE project_id = $project AND as_of <= $as_of ORDER BY as_of",
    "cycle": "SELECT f.item_id, w.key, f.done_at::DATE AS done_on, f.cycle_time_days FROM mart.flow f "
    "LEFT JOIN core.work_items w USING (item_id) WHERE f.project_id = $project AND f.cycle_time_days IS NOT NULL "
    "AND f.done_at::DATE <= $as_of ORDER BY f.done_at, f.item_id",
    "aging": "SELECT key, title, status, age_days, cycle_p50_days, cycle_p85_days, cycle_p95_days, age_band, url "
    "FROM mart.aging_wip WHERE project_id = $project ORDER BY age_days DESC, key",
    "evm": "SELECT as_of, pv, ev, ac, cpi, spi, pv_method FROM mart.budget_variance "
    "WHERE project_id = $project AND as_of <= $as_of ORDER BY as_of",
    "attention": "SELECT key, title, status, reason, days, detail, url FROM mart.attention_items "
    "WHERE project_id = $project ORDER BY reason, days DESC NULLS LAST, key",
}


@dataclass
class ProjectData:
    """One portfolio project's row of the overview and the series its charts draw."""

    overview: Row
    series: dict[str, list[Row]] = field(default_factory=dict)


@dataclass
class ReportData:
    """as_of: the day the report shows; synced_as_of: the day the marts were computed for (the
    forecast, aging and attention items are as of that day)."""

    as_of: date
    synced_as_of: date
    projects: list[ProjectData]
    # The last sync the run log records, when it failed: the marts are those of an earlier sync, and
    # the failed source is named here (a failed run publishes nothing, so no mart can say it).
    failed_sync: RunRecord | None = None


class ReportError(RuntimeError):
    """The warehouse cannot be reported on; one line."""


def _rows(conn: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> list[Row]:
    cursor = conn.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})
    columns = [d[0] for d in cursor.description or ()]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def read_report_data(db: Path, as_of: date | None = None) -> ReportData:
    """The report's data from warehouse `db`, as of `as_of` (default: the day of the last sync)."""
    source = published_file(db) if published_file(db).exists() else db
    if not source.exists():
        raise ReportError(f"{db}: no such warehouse file (run `pmhub sync` or `pmhub demo` first)")
    try:
        with connect(source, read_only=True) as conn:
            row = conn.execute("SELECT as_of FROM meta.settings").fetchone()
            if row is None:
                raise ReportError(f"{db}: the marts were never built (run `pmhub sync`)")
            synced: date = row[0]
            day = as_of or synced
            if day > synced:
                raise ReportError(f"--as-of {day} is after the last sync's day {synced}; sync first")
            projects = [
                ProjectData(
                    overview,
                    {
                        n: _rows(conn, sql, {"project": overview["project_id"], "as_of": day})
                        for n, sql in _SERIES.items()
                    },
                )
                for overview in _rows(conn, _OVERVIEW, {"as_of": day})
            ]
    except duckdb.Error as exc:
        raise ReportError(f"{source}: {str(exc).splitlines()[0]}") from None
    # Here, not at the top: the run log reads the Dagster definitions, which hold the tools, whose
    # Confluence status page imports this module.
    from pipelines.run_log import read_runs, run_log_file

    runs, _unreadable = read_runs(run_log_file(db))
    syncs = [r for r in runs if r.job == "sync"]
    return ReportData(day, synced, projects, syncs[-1] if syncs and not syncs[-1].success else None)
