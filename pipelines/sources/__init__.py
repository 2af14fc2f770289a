"""The PM tools pmhub syncs, one package each (`pipelines.sources.<tool>`), behind one contract
(`pipelines.sources.tool.Tool`). Adding a tool is a package and one line here."""

from __future__ import annotations

from pipelines.sources import confluence, jira, trello
from pipelines.sources.tool import Tool

TOOLS: dict[str, Tool] = {t.name: t for t in (jira.TOOL, trello.TOOL, confluence.TOOL)}
