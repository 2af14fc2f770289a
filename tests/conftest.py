"""Shared fixtures: a generated portfolio served by the sandbox on 127.0.0.1, and a config for it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
import requests
import yaml

from sandbox.credentials import ATLASSIAN_EMAIL, ATLASSIAN_TOKEN
from sandbox.generator import generate
from sandbox.model import JiraIssue
from sandbox.replay import state_at
from sandbox.server import SandboxServer
from tests import skip_guard

ANCHOR = date(2026, 11, 2)
CORE_COUNTS = {
    "core.work_items": "work_items",
    "core.status_changes": "status_changes",
    "core.sprints": "sprints",
    "core.worklogs": "worklogs",
    "core.documents": "documents",
    "core.budgets": "budgets",
}


def pytest_configure(config: pytest.Config) -> None:
    """In CI (CI=true) a skipped test fails the run, with its reason (tests/skip_guard.py)."""
    skip_guard.register(config)


@pytest.fixture(scope="session")
def portfolio():
    return generate(seed=7, size="small", anchor=ANCHOR)


@pytest.fixture(scope="session")
def sandbox(portfolio) -> Iterator[SandboxServer]:
    with SandboxServer(portfolio) as server:
        yield server


@pytest.fixture(scope="session")
def sandbox_env(portfolio) -> Iterator[dict[str, str]]:
    """The sandbox credentials in the environment, as a real deployment would have its secrets."""
    env = portfolio.sandbox_env()
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    yield env
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def warehouse_rows(db: Path, sql: str, params=()) -> list[tuple]:
    """Rows of a query against a synced warehouse, opened read-only."""
    from pipelines.warehouse import connect

    with connect(db, read_only=True) as conn:
        return conn.execute(sql, list(params)).fetchall()


def warehouse_contents(db: Path) -> dict[str, list[tuple]]:
    """Every row of every core and mart contract table, sorted, to compare two warehouses whole."""
    from models.schema import CORE_TABLES, MART_TABLES
    from pipelines.warehouse import connect

    tables = [f"core.{t}" for t in CORE_TABLES] + [f"mart.{t}" for t in MART_TABLES]
    with connect(db, read_only=True) as conn:  # one connection: opening the warehouse costs more than a query
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}


def sync_tools(config: Path, db: Path, *tools: str):
    """`run_sync` of only these tools as of ANCHOR; fails the test with the sync's message."""
    from pipelines.run_sync import run_sync

    outcome = run_sync(config, db, only=list(tools), as_of=ANCHOR)
    assert outcome.success, outcome.message
    return outcome


def write_config(path: Path, config: dict) -> Path:
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture()
def sandbox_config(tmp_path, portfolio, sandbox, sandbox_env) -> Path:
    return write_config(tmp_path / "pmhub.yaml", portfolio.pmhub_config(sandbox.url))


@pytest.fixture(scope="session")
def jira() -> requests.Session:
    """A session that authenticates to the sandbox's Jira and Confluence APIs."""
    session = requests.Session()
    session.auth = (ATLASSIAN_EMAIL, ATLASSIAN_TOKEN)
    return session


@pytest.fixture(scope="session")
def synced(tmp_path_factory, portfolio, sandbox, sandbox_env):
    """Two full syncs in a row of one warehouse as of ANCHOR, from the session sandbox (read only
    afterwards): db, config, core row counts after the first sync, request counts of each."""
    from pipelines.run_sync import run_sync
    from pipelines.warehouse import connect

    folder = tmp_path_factory.mktemp("sync")
    config = write_config(folder / "pmhub.yaml", portfolio.pmhub_config(sandbox.url))
    db = folder / "pmhub.duckdb"
    before = sandbox.request_count
    first = run_sync(config, db, as_of=ANCHOR)
    assert first.success, first.message
    with connect(db, read_only=True) as conn:
        counts_first = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in CORE_COUNTS}
    middle = sandbox.request_count
    second = run_sync(config, db, as_of=ANCHOR)
    assert second.success, second.message
    return {
        "db": db,
        "config": config,
        "counts_first": counts_first,
        "requests": (middle - before, sandbox.request_count - middle),
    }


def assert_history_replays(issue: JiraIssue, at: datetime) -> None:
    """Replaying the issue's changelog up to `at` gives its status, sprints and story points."""
    state = state_at(issue, at)
    assert (state.status_id, state.sprint_ids, state.points) == (
        issue.status_id,
        issue.sprint_ids,
        issue.story_points,
    ), issue.key
