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
from pathlib import Path
from typing import Any

import duckdb

from models.config import PmhubConfig, SourceConfig, ToolConfig
from models.risk_values import RiskEntry
from pipelines.extract.common import ExtractResult, SourceState
from pipelines.landing import RawEntity
from pipelines.warehouse import HeldState, Migration


def _no_options(_config: PmhubConfig, _source: Any) -> dict[str, Any]:
    return {}


def _nothing_to_prepare(_conn: duckdb.DuckDBPyConnection, _config: PmhubConfig) -> list[str]:
    return []


def _nothing_found(_conn: duckdb.DuckDBPyConnection) -> list[str]:
    return []


def _no_risks(_conn: duckdb.DuckDBPyConnection) -> tuple[list[RiskEntry], list[str]]:
    return [], []


Finder = Callable[[duckdb.DuckDBPyConnection], list[str]]


@dataclass(frozen=True)
class ToolCheck:
    """A blocking check on what a tool's data became in core (a Dagster asset check that stops the
    marts): `find` (the warehouse) → one line per finding."""

    name: str
    description: str
    find: Finder


@dataclass(frozen=True)
class IncrementalStage:
    """Stage files that parse only the payloads that changed since the last build (parsing is most
    of a transform at 100,000 items), keeping the staged rows of the others.

    files: stage file name → the stage table it fills, in run order. pending: (warehouse, what the
    staged rows are built from: those files' SQL and the macros) → True when only changed payloads
    are to be parsed. It runs right before the first of the files, points the files at what to
    parse and sets the other rows aside in `stage.<table>__kept`; after each file the kept rows
    take the new ones in.
    """

    files: dict[str, str]
    pending: Callable[[duckdb.DuckDBPyConnection, list[str]], bool]


@dataclass(frozen=True)
class Tool:
    """A tool's sources in the config, how to reach one and extract it, what it remembers, and what
    its data needs beyond its stage SQL.

    config: how its sources and a project's links to its containers are written in `pmhub.yaml`.
    client: (source id, source config) → the connector client. extract: (source config, client,
    state, landing writer, **options) → what it landed. state: the typed incremental state its
    extract starts from, read back from the state file. held_state: the query that rebuilds that
    state from the warehouse after each load. probe: (source id, source config) → one line on what
    the credentials can see (`pmhub check`); raises a SourceError (connectors.errors) when they
    cannot. raw_entities: the kinds of object its extract lands, each loaded into `raw.<name>`
    (names start with the tool's name). package: the tool's package, whose `sql/stage/*.sql` turn
    its raw tables into rows of the common stage contract (`models.stage_contract`); they run
    interleaved with the generic stage files by file name.

    options: what the portfolio asks of one source beyond its own config (keyword arguments of
    `extract`). migrations: what moves an older warehouse's raw tables of this tool to their
    current shape. prepare: (warehouse, config) → problems; the decisions made in Python before the
    stage SQL runs (which field holds estimates, which list means done), written to `meta.*` tables
    its stage SQL joins. macros: SQL macro definitions its stage SQL calls. incremental: its stage
    files that parse only what changed. problems: (warehouse) → what its data shows is wrong after
    the core build, reported, not blocking. checks: blocking checks on its data. budgets:
    (warehouse) → problems; adds to `core.budgets` the budgets its documents give projects the
    config gives none (a charter page). risks: (warehouse) → (the risk register entries its data
    holds, problems): what `core.risks` gets from this tool (pipelines.transform.risks), with each
    value it could not read reported by issue or page and field. status_page: (config, warehouse) →
    (one line on what was done, the page's URL); publishes the portfolio's status page into this tool when
    `publish.<tool>` asks for it.
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
    macros: tuple[str, ...] = ()
    incremental: IncrementalStage | None = None
    problems: Finder = _nothing_found
    checks: tuple[ToolCheck, ...] = ()
    budgets: Finder = _nothing_found
    risks: Callable[[duckdb.DuckDBPyConnection], tuple[list[RiskEntry], list[str]]] = _no_risks
    status_page: Callable[[PmhubConfig, Path], tuple[str, str]] | None = None

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
