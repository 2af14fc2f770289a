"""Microsoft Project and Primavera plan files (.mpp, MSPDI .xml, .mpx, .xer): each changed plan whole,
with its tasks and their baselines, resources, assignments and time-phased baseline cost."""

from __future__ import annotations

from typing import cast

import duckdb

from connectors.msproject import runtime
from connectors.msproject.files import PlanFiles
from models.config import PmhubConfig
from pipelines.landing import RawEntity
from pipelines.meta_tables import replace_meta_table
from pipelines.sources.msproject.config import CONFIG, MsProjectSource
from pipelines.sources.msproject.extract import extract_msproject
from pipelines.sources.msproject.state import MsProjectState, held_state
from pipelines.sources.tool import Tool

RAW_ENTITIES = (RawEntity("msproject_plans"), RawEntity("msproject_plan_tombstones"))


def _client(source_id: str, s: MsProjectSource) -> PlanFiles:
    return PlanFiles(source_id, s.paths)


def _probe(source_id: str, s: MsProjectSource) -> str:
    """List the plan files the paths hold and find the Java runtime that reads them (`pmhub check`);
    a SourceError when either is missing."""
    runtime.find_jvm(runtime.load_jpype())
    client = _client(source_id, s)
    try:
        plans = client.plans()
    finally:
        client.close()
    gone = [p.name for p in plans if not p.present]
    missing = f"; NOT visible: {', '.join(gone)}" if gone else ""
    return f"{len(plans) - len(gone)} plan files, Java found{missing}"


def write_plan_time_zones(conn: duckdb.DuckDBPyConnection, config: PmhubConfig) -> list[str]:
    """`meta.msproject_time_zones`: the zone each source's plan times are read in (plans hold none)."""
    sources = cast(list[MsProjectSource], config.sources.of(CONFIG.name))
    rows = [(f"{CONFIG.name}:{s.name}", s.timezone) for s in sources]
    replace_meta_table(conn, "msproject_time_zones", "source_id VARCHAR, time_zone VARCHAR", rows)
    return []


TOOL = Tool(
    config=CONFIG,
    client=_client,
    extract=extract_msproject,
    state=MsProjectState,
    held_state=held_state,
    probe=_probe,
    raw_entities=RAW_ENTITIES,
    package=__name__,
    prepare=write_plan_time_zones,
)
