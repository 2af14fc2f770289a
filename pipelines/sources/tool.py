"""The contract a PM tool fulfils to be synced: one `Tool` per package under `pipelines/sources/`.

Generic code (the extract assets, the loader's state mirror) reaches a tool only through this
record, so it never names one.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import duckdb

from models.config import PmhubConfig, SourceConfig, ToolConfig
from pipelines.extract.common import ExtractResult, SourceState
from pipelines.landing import RawEntity
from pipelines.warehouse import HeldState, Migration


def _no_options(_config: PmhubConfig, _source: Any) -> dict[str, Any]:
    return {}


def _nothing_to_prepare(_conn: duckdb.DuckDBPyConnection, _config: PmhubConfig) -> list[str]:
    return []


@dataclass(frozen=True)
class ToolCheck:
    """A blocking check on what a tool's data became in core (a Dagster asset check): `find` (the
    warehouse, portfolio_only) → one line per finding. The core build reports the findings for
    every container; the check, which stops the marts, those of portfolio projects only."""

    name: str
    description: str
    find: Callable[[duckdb.DuckDBPyConnection, bool], list[str]]


@dataclass(frozen=True)
class Tool:
    """A tool's sources in the config, how to reach one and extract it, and what it remembers.

    config: how its sources and a project's links to its containers are written in `pmhub.yaml`.
    client: (source id, source config) → the
    connector client. extract: (source config, client, state, landing writer, **options) → what it
    landed. state: the typed incremental state its extract starts from, read back from the state
    file. held_state: the query that rebuilds that state from the warehouse after each load.
    probe: (source id, source config) → one line on what the credentials can see (`pmhub check`);
    raises a SourceError (connectors.errors) when they cannot.
    raw_entities: the kinds of object its extract lands, each loaded into `raw.<name>` (names
    start with the tool's name). package: the tool's package, whose `sql/stage/*.sql` turn its raw
    tables into rows of the common stage contract (`models.stage_contract`); they run interleaved
    with the generic stage files by file name. options: what the portfolio asks of one source beyond its own
    config (keyword arguments of `extract`). migrations: what moves an older warehouse's raw
    tables of this tool to their current shape. prepare: (warehouse, config) → problems; the
    decisions made in Python before the stage SQL runs (which field holds estimates, which list
    means done), written to `meta.*` tables that its stage SQL joins. checks: blocking checks on
    its data.
    """

    config: ToolConfig
    client: Callable[[str, Any], Any]
    extract: Callable[..., ExtractResult]
    state: type[SourceState]
    held_state: HeldState
    probe: Callable[[str, Any], str]
    raw_entities: tuple[RawEntity, ...]
    package: str
    options: Callable[[PmhubConfig, Any], dict[str, Any]] = _no_options
    migrations: tuple[Migration, ...] = ()
    prepare: Callable[[duckdb.DuckDBPyConnection, PmhubConfig], list[str]] = _nothing_to_prepare
    checks: tuple[ToolCheck, ...] = ()

    @property
    def name(self) -> str:
        return self.config.name

    def sources(self, config: PmhubConfig) -> list[SourceConfig]:
        """The configured sources of this tool."""
        return config.sources.of(self.name)

    @property
    def summary(self) -> str:
        """What the tool's extract lands, from its package docstring (the extract asset's description)."""
        package = importlib.import_module(self.package)
        return (package.__doc__ or self.name).strip()

    def entity_names(self) -> frozenset[str]:
        return frozenset(e.name for e in self.raw_entities)

    def stage_sql(self) -> list[tuple[str, Traversable]]:
        """The tool's stage SQL files by name."""
        folder = resources.files(self.package) / "sql" / "stage"
        return [(f.name, f) for f in folder.iterdir() if f.name.endswith(".sql")] if folder.is_dir() else []
