"""The PM tools pmhub syncs, one package each (`pipelines.sources.<tool>`), behind one contract
(`pipelines.sources.tool.Tool`). Adding a tool is a package and one line here."""

from __future__ import annotations

from models.config import PmhubConfig, config_model
from pipelines.sources import confluence, jira, trello
from pipelines.sources.tool import Tool
from pipelines.warehouse import RawSchema

TOOLS: dict[str, Tool] = {t.name: t for t in (jira.TOOL, trello.TOOL, confluence.TOOL)}

# Every raw table of every tool, created and loaded by the generic loader.
RAW_SCHEMA = RawSchema(
    entities=tuple(e for t in TOOLS.values() for e in t.raw_entities),
    migrations=tuple(m for t in TOOLS.values() for m in t.migrations),
)

# The config model that knows every tool's sources and portfolio links.
ConfigModel: type[PmhubConfig] = config_model(tuple(t.config for t in TOOLS.values()))
