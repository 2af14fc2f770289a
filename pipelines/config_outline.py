"""What a `pmhub.yaml` says that can be read without its secrets.

Dagster builds its definitions at import time, before any secret is in reach; a run may have failed
precisely because a `${VAR}` was unset; and `pmhub status` is run by people who do not hold the
tokens. All three need only the schedule, the warehouse path or the source names, none of which is a
secret. So the YAML is parsed and only those sections are read; the `${VAR}` references elsewhere
are noted by name (their values are masked in messages) and never resolved.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from models.config import (
    ConfigError,
    PmhubConfig,
    Schedule,
    Settings,
    env_names,
    parse_tree,
    substitute_env,
    validation_error,
)
from pipelines.config_file import read_config_text, warehouse_path
from pipelines.sources import TOOLS

M = TypeVar("M", bound=BaseModel)


def read_tree(path: str | Path) -> dict[str, Any]:
    """The config file as a YAML mapping, `${VAR}` left as written; ConfigError (one line) otherwise."""
    return parse_tree(read_config_text(path), str(path))


def _section(tree: Mapping[str, Any], name: str, model: type[M], origin: Path) -> M:
    try:
        return model.model_validate(tree.get(name) or {})
    except ValidationError as exc:
        raise validation_error(exc, str(origin), within=name) from None


def read_schedule(path: str | Path) -> Schedule:
    """The `schedule:` section alone (defaults where it is absent); ConfigError when it is invalid."""
    return _section(read_tree(path), "schedule", Schedule, Path(path))


@dataclass(frozen=True)
class ConfigOutline:
    """Where a config's warehouse is, which sources it names (`jira:acme`, …), which environment
    variables hold its secrets, and after how many hours a source counts as stale."""

    path: Path
    warehouse: Path
    sources: tuple[str, ...]
    secret_names: frozenset[str]
    stale_after_hours: float

    def secret_values(self, env: Mapping[str, str] | None = None) -> list[str]:
        """The current values of the variables the file references, to be masked in any text."""
        env = os.environ if env is None else env
        return [env[name] for name in sorted(self.secret_names) if env.get(name)]


def read_outline(
    path: str | Path, warehouse_override: str | Path | None = None, env: Mapping[str, str] | None = None
) -> ConfigOutline:
    """Outline of the config file; only `warehouse:` has its `${VAR}` resolved (it is a path)."""
    env = os.environ if env is None else env
    file = Path(path)
    tree = read_tree(file)
    missing: list[str] = []
    warehouse = substitute_env(tree.get("warehouse", "pmhub.duckdb"), env, missing)
    if missing:
        raise ConfigError(f"{file}: environment variable {', '.join(sorted(set(missing)))} is not set (in warehouse:)")
    if not isinstance(warehouse, str) or not warehouse:
        raise ConfigError(f"{file}: warehouse: must be a file path")
    sources = tree.get("sources") or {}
    names = []
    for tool in TOOLS:
        entries = sources.get(tool) if isinstance(sources, dict) else None
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                names.append(f"{tool}:{entry['name']}")
    try:
        stale = Settings.model_validate(tree.get("settings") or {}).stale_after_hours
    except ValidationError:
        stale = Settings().stale_after_hours  # `pmhub check` reports a bad settings section; status still works
    return ConfigOutline(
        path=file,
        warehouse=warehouse_path(file, PmhubConfig.model_construct(warehouse=warehouse), warehouse_override),
        sources=tuple(names),
        secret_names=frozenset(env_names(tree)),
        stale_after_hours=stale,
    )
