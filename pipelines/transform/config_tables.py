"""The config and the decisions made in Python, written to `meta.*` tables the SQL joins on.

Replaced on every build: settings, rates, sources, projects, the containers each project names, the
configured budgets; then each tool's `prepare` step records its own decisions (which field holds
estimates, which list means done…), with how each was made.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb

from models.config import PmhubConfig, Settings
from pipelines.meta_tables import replace_meta_table
from pipelines.sources import TOOLS
from pipelines.transform.layers import TransformReport
from pipelines.transform.macros import register_functions
from pipelines.transform.people import write_people_config


def prepare_meta(conn: duckdb.DuckDBPyConnection, config: PmhubConfig, as_of: date) -> TransformReport:
    """Write the config and the tools' Python-made decisions into `meta.*`; the problems found."""
    report = TransformReport()
    register_functions(conn)
    conn.execute("CREATE SCHEMA IF NOT EXISTS meta")
    conn.execute("CREATE SCHEMA IF NOT EXISTS stage")
    write_config_tables(conn, config, as_of)
    # Which field of which container holds what, as each tool chose it (its prepare adds rows).
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


def write_config_tables(conn: duckdb.DuckDBPyConnection, config: PmhubConfig, as_of: date) -> None:
    """`meta.settings`, `cfg_rates`, `cfg_sources`, `cfg_projects`, `cfg_containers`, `cfg_budgets`."""
    s = config.settings
    replace_meta_table(
        conn,
        "settings",
        "as_of DATE, velocity_sprints INTEGER, coverage DOUBLE, rag_amber DOUBLE, rag_red DOUBLE, "
        "default_hourly DOUBLE, flow_day_offset INTEGER, rag_amber_late_days INTEGER, rag_red_late_days INTEGER, "
        "stale_after_hours DOUBLE, " + ", ".join(f"{name} {kind}" for name, kind, _ in _later_settings(s)),
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
                *(value for _, _, value in _later_settings(s)),
            )
        ],
    )
    write_people_config(conn, config)
    replace_meta_table(conn, "cfg_holidays", "day_from DATE, day_to DATE", [(h.start, h.end) for h in s.holidays])
    replace_meta_table(conn, "cfg_blocked_names", "name VARCHAR", [(n.lower(),) for n in s.blocked_names])
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


# Settings written to meta.settings under their own names; the earlier ones above keep their
# historical column names.
_LATER_SETTINGS = {
    "default_hours_per_week": "DOUBLE",
    "overallocated_above": "DOUBLE",
    "hours_per_point": "DOUBLE",
    "load_weeks_back": "INTEGER",
    "load_weeks_ahead": "INTEGER",
    "scope_growth_above": "DOUBLE",
    "say_do_below": "DOUBLE",
    "say_do_sprints": "INTEGER",
    "concentration_above": "DOUBLE",
    "inactive_after_days": "INTEGER",
    "rag_amber_signal_share": "DOUBLE",
    "rag_red_signal_share": "DOUBLE",
    "rag_amber_project_signals": "INTEGER",
    "rag_red_project_signals": "INTEGER",
    "rag_amber_exposure_score": "DOUBLE",
    "rag_red_exposure_score": "DOUBLE",
    "rag_amber_exposure_share": "DOUBLE",
    "rag_red_exposure_share": "DOUBLE",
    "risk_closed_statuses": "VARCHAR[]",
    "risk_rating_shares": "DOUBLE[]",
}


def _later_settings(settings: Settings) -> list[tuple[str, str, Any]]:
    return [(name, kind, getattr(settings, name)) for name, kind in _LATER_SETTINGS.items()]
