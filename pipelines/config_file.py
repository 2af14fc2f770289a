"""Read `pmhub.yaml` from disk and resolve paths relative to it."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from models.config import ConfigError, PmhubConfig, parse_config
from pipelines.sources import TOOLS, ConfigModel


def read_config_text(path: str | Path) -> str:
    """The config file's text; ConfigError (one line) when it is missing or unreadable."""
    file = Path(path)
    try:
        return file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{file}: config file not found") from None
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read config file ({exc.strerror})") from None


def load_config(path: str | Path, env: Mapping[str, str] | None = None) -> PmhubConfig:
    """Parse the config file; ConfigError (one line) when it is missing or invalid."""
    return parse_config_text(read_config_text(path), os.environ if env is None else env, origin=str(path))


def parse_config_text(text: str, env: Mapping[str, str], origin: str = "config") -> PmhubConfig:
    """Parse config YAML text for every registered tool; ConfigError (one line) on any problem."""
    return parse_config(text, env, ConfigModel.tools, origin)


def warehouse_path(config_path: str | Path, config: PmhubConfig, override: str | Path | None) -> Path:
    """The DuckDB file: `--db` wins, else `warehouse:` relative to the config file's folder."""
    if override:
        return Path(override).resolve()
    path = Path(config.warehouse)
    return path if path.is_absolute() else (Path(config_path).resolve().parent / path)


def empty_config_notes(config: PmhubConfig, origin: str | Path, tools: Sequence[str] = tuple(TOOLS)) -> list[str]:
    """What a config leaves with nothing to do, in one line: no source of the `tools` a run covers
    to extract, else no portfolio project for the marts. Neither is an error: a new config starts so."""
    notes: list[str] = []
    if not any(config.sources.of(tool) for tool in tools):
        names = [TOOLS[t].config.label for t in tools]
        listed = " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
        notes.append(f"{origin}: no {listed} source configured, nothing to extract (add them under `sources:`)")
    elif not config.portfolio:
        notes.append(
            f"{origin}: no project under `portfolio:`, so mart.portfolio and the per-project marts stay empty "
            "(sources are still synced into core.*); name the projects there"
        )
    return notes
