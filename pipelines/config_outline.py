"""What a `pmhub.yaml` says that can be read without its secrets.

Dagster builds its definitions at import time, before any secret is in reach; a run may have failed
precisely because a `${VAR}` was unset; and `pmhub status` is run by people who do not hold the
tokens. All three need only the schedule, the warehouse path or the source names, none of which is a
secret. So the YAML is parsed and only those sections are read; the `${VAR}` references elsewhere
are noted by name (their values are masked in messages) and never resolved.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from models.config import ConfigError, PmhubConfig, Schedule, Settings, substitute_env
from pipelines.config_file import warehouse_path

TOOLS = ("jira", "trello", "confluence")
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
M = TypeVar("M", bound=BaseModel)


def read_tree(path: str | Path) -> dict[str, Any]:
    """The config file as a YAML mapping, `${VAR}` left as written; ConfigError (one line) otherwise."""
    file = Path(path)
    try:
        tree = yaml.safe_load(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{file}: config file not found") from None
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read config file ({exc.strerror})") from None
    except yaml.YAMLError:
        raise ConfigError(f"{file}: not valid YAML (run `pmhub check --config {file}`)") from None
    if tree is None:
        return {}
    if not isinstance(tree, dict):
        raise ConfigError(f"{file}: the top level must be a mapping (warehouse/sources/portfolio/rates)")
    return tree


def _section(tree: Mapping[str, Any], name: str, model: type[M], origin: Path) -> M:
    try:
        return model.model_validate(tree.get(name) or {})
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join([name, *(str(p) for p in first["loc"])])
        raise ConfigError(f"{origin}: {loc}: {first['msg']}") from None


def _env_names(value: Any) -> set[str]:
    if isinstance(value, str):
        return set(_ENV_REF.findall(value))
    if isinstance(value, list | dict):
        items = value.values() if isinstance(value, dict) else value
        return set().union(*(_env_names(v) for v in items)) if items else set()
    return set()


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
        secret_names=frozenset(_env_names(tree)),
        stale_after_hours=stale,
    )
