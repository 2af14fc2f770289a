"""`pmhub check`: config valid, env vars set, every source reachable with its credentials."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from connectors.confluence import ConfluenceClient
from connectors.errors import ApiError
from connectors.jira import JiraClient
from connectors.trello import TrelloClient
from models.config import PmhubConfig
from pipelines.config_file import empty_config_notes, load_config


def _probe(name: str, probe: Callable[[], str]) -> tuple[bool, str]:
    try:
        return True, f"ok    {name}: {probe()}"
    except ApiError as exc:
        return False, f"FAIL  {exc}"


def check_sources(config: PmhubConfig) -> list[tuple[bool, str]]:
    """One (ok, line) per source: can we authenticate, and see what the config names?"""
    results = []
    for j in config.sources.jira:
        jira = JiraClient.from_credentials(
            f"jira:{j.name}", j.url, j.email.get_secret_value(), j.token.get_secret_value(), max_attempts=2
        )

        def jira_probe(jira: JiraClient = jira, wanted: list[str] | None = j.projects) -> str:
            me = jira.myself()
            seen = [p["key"] for p in jira.iter_projects(wanted)]
            missing = sorted(set(wanted or ()) - set(seen))
            gap = f"; NOT visible: {', '.join(missing)}" if missing else ""
            return f"signed in as {me.get('displayName')}, {len(seen)} projects visible{gap}"

        results.append(_probe(f"jira:{j.name}", jira_probe))
    for t in config.sources.trello:
        trello = TrelloClient.from_credentials(
            f"trello:{t.name}", t.url, key=t.key.get_secret_value(), token=t.token.get_secret_value(), max_attempts=2
        )

        def trello_probe(trello: TrelloClient = trello, wanted: list[str] | None = t.boards) -> str:
            me = trello.me()
            seen = [b["id"] for b in trello.iter_boards(wanted)]
            return f"signed in as {me.get('fullName') or me.get('username')}, {len(seen)} boards visible"

        results.append(_probe(f"trello:{t.name}", trello_probe))
    for c in config.sources.confluence:
        conf = ConfluenceClient.from_credentials(
            f"confluence:{c.name}", c.url, c.email.get_secret_value(), c.token.get_secret_value(), max_attempts=2
        )

        def conf_probe(conf: ConfluenceClient = conf, wanted: list[str] | None = c.spaces) -> str:
            seen = [s["key"] for s in conf.iter_spaces(wanted)]
            missing = sorted(set(wanted or ()) - set(seen))
            gap = f"; NOT visible: {', '.join(missing)}" if missing else ""
            return f"{len(seen)} spaces visible{gap}"

        results.append(_probe(f"confluence:{c.name}", conf_probe))
    return results


def run_check(config_path: Path) -> tuple[bool, list[str]]:
    config = load_config(config_path)
    lines = [
        f"ok    config {config_path}: {len(config.portfolio)} projects, "
        f"{len(config.sources.jira)} Jira, {len(config.sources.trello)} Trello, "
        f"{len(config.sources.confluence)} Confluence sources"
    ]
    # Not failures: a config starts without sources or projects, and `pmhub sync` runs on it.
    lines += [f"note  {note}" for note in empty_config_notes(config, config_path)]
    results = check_sources(config)
    lines += [line for _, line in results]
    ok = all(r[0] for r in results) and not any("NOT visible" in line for _, line in results)
    return ok, lines
