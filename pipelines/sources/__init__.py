"""The PM tools pmhub syncs, one package each (`pipelines.sources.<tool>`), behind one contract
(`pipelines.sources.tool.Tool`). Adding a tool is a package and its name in `TOOL_PACKAGES`."""

from __future__ import annotations

import importlib

from models.config import PmhubConfig, config_model
from pipelines.sources.tool import Tool
from pipelines.warehouse import RawSchema

# The tool packages, in the order their assets, stage files and messages list them.
TOOL_PACKAGES = ("jira", "trello", "confluence", "msproject")


def _registered(package: str) -> Tool:
    tool = importlib.import_module(f"{__name__}.{package}").TOOL
    if not isinstance(tool, Tool) or tool.name != package:
        raise TypeError(f"{__name__}.{package}.TOOL must be the Tool named {package!r}")
    return tool


TOOLS: dict[str, Tool] = {package: _registered(package) for package in TOOL_PACKAGES}

# Every raw table of every tool, created and loaded by the generic loader.
RAW_SCHEMA = RawSchema(
    entities=tuple(e for t in TOOLS.values() for e in t.raw_entities),
    migrations=tuple(m for t in TOOLS.values() for m in t.migrations),
)

# The config model that knows every tool's sources and portfolio links.
ConfigModel: type[PmhubConfig] = config_model(tuple(t.config for t in TOOLS.values()))
