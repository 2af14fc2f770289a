"""The Dagster resources: where the config file is and what it says (`PmhubResource`), and what
builds each source's client (`SourceClients`).

The config file names the sources and the warehouse; its `${VAR}` secrets are read from the
environment when a run starts, never at import time, so `dg check defs` works without them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import dagster as dg

from models.config import PmhubConfig, SourceConfig
from pipelines.config_file import load_config, warehouse_path
from pipelines.sources.tool import Tool
from pipelines.warehouse import landing_root


class PmhubResource(dg.ConfigurableResource["PmhubResource"]):
    """Config of one pmhub deployment; `warehouse` overrides the file's `warehouse:`."""

    config_path: str
    warehouse: str | None = None
    full_refresh: bool = False
    as_of: str | None = None

    def config(self) -> PmhubConfig:
        return load_config(self.config_path)

    def warehouse_file(self) -> Path:
        return warehouse_path(self.config_path, self.config(), self.warehouse)

    def landing(self) -> Path:
        return landing_root(self.warehouse_file())

    def as_of_date(self) -> date:
        """The date metrics are computed for: the sync's UTC date unless pinned."""
        return date.fromisoformat(self.as_of) if self.as_of else datetime.now(UTC).date()


class SourceClients(dg.ConfigurableResource["SourceClients"]):
    """The client factory of the extract assets: the connector client of one source. A test gives a
    pipeline recorded or fake clients by subclassing it, where the HTTP sandbox (or a Java runtime)
    is not the layer under test."""

    # Sources of one tool are extracted side by side (different sites, boards or credentials, each
    # with its own rate limiter), at most this many at once; the tools run in parallel steps.
    parallel_sources: int = 8

    def client(self, tool: Tool, source_id: str, source: SourceConfig) -> Any:
        return tool.client(source_id, source)
