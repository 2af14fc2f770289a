"""Extract assets: one per tool, each lands a batch per configured source. They never open DuckDB."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import dagster as dg

from models.config import PmhubConfig
from pipelines.defs.resources import PmhubResource, SourceClients
from pipelines.extract.memory import lean_parsing
from pipelines.landing import LandingWriter
from pipelines.progress import progress
from pipelines.sources import TOOLS
from pipelines.sources.tool import Tool
from pipelines.warehouse import read_extract_state

EXTRACT_GROUP = "extract"


def _land_source(
    pmhub: PmhubResource, clients: SourceClients, tool: Tool, config: PmhubConfig, source: Any, state: dict[str, Any]
) -> dict[str, Any]:
    """Extract one source into its own landing batch; a failure leaves no batch."""
    source_id = f"{tool.name}:{source.name}"
    progress.info("extracting %s…", source_id)
    client = clients.client(tool, source_id, source)
    writer = LandingWriter(pmhub.landing(), source_id, tool.entity_names())
    try:
        result = tool.extract(
            source, client, tool.state.from_json(state.get(source_id), pmhub.full_refresh), writer,
            **tool.options(config, source),
        )  # fmt: skip
    except BaseException:
        writer.abort()
        raise
    # What the source's answers left out although asked for (and was made up for elsewhere).
    result.warnings += [f"{source_id}: {n} {what}" for what, n in client.stats.shortfalls().items()]
    stats = client.stats.as_dict()
    writer.commit(result.cursors, {**stats, "warnings": result.warnings})
    for warning in result.warnings:
        progress.warning("%s", warning)
    # The cursor window this run read: from the committed cursors it started at to the ones it lands.
    window = {"cursors_from": state.get(source_id, {}).get("cursors", {}), "cursors_to": dict(result.cursors)}
    return {"records": sum(result.counts.values()), **stats, "warnings": len(result.warnings), **window}


def land_tool(pmhub: PmhubResource, clients: SourceClients, tool: Tool) -> dg.MaterializeResult[None]:
    """Extract every source of one tool, in parallel, each into its own landing batch. Sources that
    succeed keep their batch even when another fails; the step then fails with the first error."""
    started = time.perf_counter()
    config = pmhub.config()
    sources = tool.sources(config)
    state = read_extract_state(pmhub.warehouse_file())
    per_source: dict[str, dict[str, Any]] = {}
    failures: list[tuple[str, BaseException]] = []
    workers = max(1, min(clients.parallel_sources, len(sources)))
    with lean_parsing(), ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {
            f"{tool.name}:{s.name}": pool.submit(_land_source, pmhub, clients, tool, config, s, state) for s in sources
        }
        for source_id, future in futures.items():
            try:
                per_source[source_id] = future.result()
            except Exception as error:  # every source's failure is reported; the first is raised
                failures.append((source_id, error))
    for source_id, later in failures[1:]:
        progress.error("%s failed too: %s", source_id, later)
    if failures:
        raise failures[0][1]
    totals: dict[str, float] = {}
    for stats in per_source.values():
        for key, value in stats.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                totals[key] = totals.get(key, 0) + value
    duration = round(time.perf_counter() - started, 3)
    return dg.MaterializeResult(
        metadata={"sources": len(per_source), **totals, "per_source": per_source, "duration_s": duration}
    )


def landing_asset(tool: Tool) -> dg.AssetsDefinition:
    """The extract asset of one tool, `<tool>_landing`, described by the tool package's docstring."""

    @dg.asset(name=f"{tool.name}_landing", group_name=EXTRACT_GROUP, kinds={tool.name}, description=tool.summary)
    def landing(pmhub: PmhubResource, clients: SourceClients) -> dg.MaterializeResult[None]:
        return land_tool(pmhub, clients, tool)

    return landing


# tool name → its extract asset, in registry order
EXTRACT_ASSETS = {name: landing_asset(tool) for name, tool in TOOLS.items()}
