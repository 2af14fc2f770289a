"""Read `pmhub.yaml` from disk and resolve paths relative to it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from models.config import ConfigError, PmhubConfig, parse_config


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
    return parse_config(read_config_text(path), os.environ if env is None else env, origin=str(path))


def warehouse_path(config_path: str | Path, config: PmhubConfig, override: str | Path | None) -> Path:
    """The DuckDB file: `--db` wins, else `warehouse:` relative to the config file's folder."""
    if override:
        return Path(override).resolve()
    path = Path(config.warehouse)
    return path if path.is_absolute() else (Path(config_path).resolve().parent / path)
