"""`pmhub check`: config valid, env vars set, every source reachable with its credentials."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from connectors.errors import SourceError
from models.config import PmhubConfig
from pipelines.config_file import empty_config_notes, load_config
from pipelines.sources import TOOLS


def _probe(name: str, probe: Callable[[], str]) -> tuple[bool, str]:
    try:
        return True, f"ok    {name}: {probe()}"
    except SourceError as exc:
        return False, f"FAIL  {exc}"


def check_sources(config: PmhubConfig) -> list[tuple[bool, str]]:
    """One (ok, line) per source: can we authenticate, and see what the config names?"""
    results = []
    for tool in TOOLS.values():
        for source in tool.sources(config):
            source_id = f"{tool.name}:{source.name}"
            results.append(_probe(source_id, partial(tool.probe, source_id, source)))
    return results


def run_check(config_path: Path) -> tuple[bool, list[str]]:
    config = load_config(config_path)
    counts = ", ".join(f"{len(tool.sources(config))} {tool.config.label}" for tool in TOOLS.values())
    lines = [f"ok    config {config_path}: {len(config.portfolio)} projects, {counts} sources"]
    # Not failures: a config starts without sources or projects, and `pmhub sync` runs on it.
    lines += [f"note  {note}" for note in empty_config_notes(config, config_path)]
    results = check_sources(config)
    lines += [line for _, line in results]
    ok = all(r[0] for r in results) and not any("NOT visible" in line for _, line in results)
    return ok, lines
