"""Empty input is normal input: a config without a portfolio or without sources, and portfolio
projects whose board, Jira project or Confluence space holds nothing yet, all sync with success,
build the marts with the rows such data gives (none where nothing is there), publish the snapshot,
and leave `pmhub status` reporting a successful run.

The empty containers are added to the generated portfolio here (the generator makes none): an empty
Trello board, a Jira project with its own board and no issues, and a space with no pages. They are
outside the generated portfolio (`in_portfolio=False`), so its config does not name them; each test
adds the ones it needs.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
import yaml

from models.schema import CORE_TABLES, MART_TABLES
from pipelines.cli import main
from pipelines.config_file import parse_config_text as parse_config
from pipelines.definitions import build_definitions
from pipelines.defs.resources import PmhubResource
from pipelines.defs.sensors import run_log_success
from pipelines.publish import published_file
from pipelines.run_log import failure_from_events, read_runs, run_log_file
from pipelines.run_sync import SyncOutcome, run_sync
from pipelines.sources import TOOLS, ConfigModel
from sandbox.model import JiraBoard
from sandbox.portfolio import SOURCE_NAME, Portfolio
from sandbox.server import SandboxServer
from tests.conftest import ANCHOR, warehouse_rows, write_config

HOLLOW = "hollow"  # the portfolio project made of empty containers
NO_ITEMS_FORECAST = (None, None, None, "no live work items")
# The portfolio row (pct, p85, rag, reason, has_budget, stale) of a project with no items and no budget.
NO_ITEMS_PORTFOLIO = (None, None, "unknown", "no work items; no budget", False, None)
EMPTY_HOLLOW_MARTS = {"progress_rows": 0, "forecast": [NO_ITEMS_FORECAST], "portfolio": [NO_ITEMS_PORTFOLIO]}


@dataclass(frozen=True)
class Hollow:
    """The generated portfolio plus one empty container per tool, served by `server`."""

    portfolio: Portfolio
    server: SandboxServer
    board_id: str
    project_key: str
    space_key: str

    def config(self, without: str | None = None) -> dict[str, Any]:
        """The generated portfolio's config (it names none of the empty containers), less the source
        of the tool `without` and every reference to it. Trello allows a token 100 requests in 10 s
        (the client waits for it), so tests that are not about Trello leave it out to stay fast."""
        config = self.portfolio.pmhub_config(self.server.url)
        if without:
            del config["sources"][without]
            for project in config["portfolio"]:
                project.pop(without, None)
        return config


def _with_empty_containers(portfolio: Portfolio) -> tuple[Portfolio, str, str, str]:
    social = next(b for b in portfolio.trello_boards if not b.in_portfolio)
    board = dataclasses.replace(
        social,
        id=social.id[:8] + "0" * 14 + "ee",  # an object id starts with its creation time
        name="Empty board",
        short_link="emptybrd",
        in_portfolio=False,
        lists=(),
        cards=(),
        labels=(),
        actions=(),
        done_list_id="",
        custom_fields=(),
        checklists=(),
    )
    # The sandbox serves a Jira project's board by the project's board_id, its issues by key.
    template = portfolio.jira_projects[0]
    project = dataclasses.replace(
        template,
        id=str(max(int(p.id) for p in portfolio.jira_projects) + 1),
        key="HOLLOW",
        name="Hollow",
        board_id=max(p.board_id for p in portfolio.jira_projects) + 1,
        in_portfolio=False,
    )
    space = dataclasses.replace(
        portfolio.spaces[0],
        id=str(max(int(s.id) for s in portfolio.spaces) + 1),
        key="VOID",
        name="Void",
        homepage_id="",
        pages=(),
    )
    derived = dataclasses.replace(
        portfolio,
        trello_boards=(*portfolio.trello_boards, board),
        jira_projects=(*portfolio.jira_projects, project),
        spaces=(*portfolio.spaces, space),
    )
    return derived, board.id, project.key, space.key


@pytest.fixture(scope="module")
def hollow(portfolio, sandbox_env) -> Iterator[Hollow]:
    derived, board_id, project_key, space_key = _with_empty_containers(portfolio)
    with SandboxServer(derived) as server:
        yield Hollow(derived, server, board_id, project_key, space_key)


def _add_hollow_project(config: dict[str, Any], hollow: Hollow, *tools: str, **extra: Any) -> dict[str, Any]:
    """The config plus a portfolio project made of the empty containers of `tools`, each also on
    its source's allow-list."""
    sources = config["sources"]
    project: dict[str, Any] = {"id": HOLLOW, "name": "Hollow", **extra}
    if "trello" in tools:
        sources["trello"][0]["boards"].append(hollow.board_id)
        project["trello"] = [{"source": SOURCE_NAME, "board": hollow.board_id}]
    if "jira" in tools:
        sources["jira"][0]["projects"].append(hollow.project_key)
        project["jira"] = [{"site": SOURCE_NAME, "project": hollow.project_key}]
    if "confluence" in tools:
        sources["confluence"][0]["spaces"].append(hollow.space_key)
        project["confluence"] = [{"source": SOURCE_NAME, "space": hollow.space_key, "page_title": "Hollow charter"}]
    config["portfolio"] = [*config.get("portfolio", []), project]
    return config


def _sync(config: Path, db: Path) -> SyncOutcome:
    """`run_sync` as of ANCHOR; asserts it succeeded and published the snapshot."""
    outcome = run_sync(config, db, as_of=ANCHOR)
    assert outcome.success, outcome.message
    published = published_file(db)
    assert published.exists()
    for table in [f"core.{t}" for t in CORE_TABLES] + [f"mart.{t}" for t in MART_TABLES]:
        count = f"SELECT count(*) FROM {table}"
        assert warehouse_rows(published, count) == warehouse_rows(db, count), table
    return outcome


def _status_ok(config: Path, capsys) -> str:
    """`pmhub status` for the config: exit 0 and a successful last run; returns what it printed."""
    capsys.readouterr()
    assert main(["status", "--config", str(config)]) == 0
    out = capsys.readouterr()
    assert "last run  succeeded" in out.out and out.err == "", out
    return out.out


def _count(db: Path, table: str, where: str = "TRUE", params: tuple[Any, ...] = ()) -> int:
    return int(warehouse_rows(db, f"SELECT count(*) FROM {table} WHERE {where}", params)[0][0])


def _hollow_marts(db: Path) -> dict[str, Any]:
    """What the project marts say about the hollow project."""
    return {
        "progress_rows": _count(db, "mart.project_progress", "project_id = ?", (HOLLOW,)),
        "forecast": warehouse_rows(
            db, "SELECT p50_date, p85_date, p95_date, null_reason FROM mart.forecast WHERE project_id = ?", [HOLLOW]
        ),
        "portfolio": warehouse_rows(
            db,
            "SELECT pct_complete, forecast_p85, rag_status, rag_reason, has_budget, stale_containers "
            "FROM mart.portfolio WHERE project_id = ?",
            [HOLLOW],
        ),
    }


# --- no portfolio, no sources -------------------------------------------------------------------


def test_an_empty_or_commented_out_portfolio_section_is_no_portfolio(hollow):
    config = hollow.config()
    del config["portfolio"]
    text = yaml.safe_dump(config, sort_keys=False)
    absent = parse_config(text, os.environ)
    assert absent.portfolio == []
    # `portfolio:` with every project commented out is YAML null, as is `sources:` with none yet
    for variant in ("portfolio: []\n", "portfolio:\n", "portfolio:\n  # - id: apollo\n"):
        assert parse_config(text + variant, os.environ) == absent, variant
    assert parse_config("sources:\nportfolio:\n", {}) == parse_config("sources: {}\n", {}) == ConfigModel()


def test_sources_without_a_portfolio_sync_into_core_with_empty_project_marts(tmp_path, hollow, capsys):
    config = hollow.config()
    del config["portfolio"]
    path = write_config(tmp_path / "pmhub.yaml", config)
    db = tmp_path / "pmhub.duckdb"
    outcome = _sync(path, db)
    (note,) = outcome.notes
    assert "no project under `portfolio:`" in note and "name the projects there" in note
    assert _count(db, "core.work_items") > 0 and _count(db, "core.documents") > 0
    assert _count(db, "core.projects") == 0
    for mart in ("portfolio", "project_progress", "forecast", "budget_variance", "velocity"):
        assert _count(db, f"mart.{mart}") == 0, mart
    out = _status_ok(path, capsys)
    assert all(f"{tool}:{SOURCE_NAME}" in out for tool in ("jira", "trello", "confluence"))
    assert main(["check", "--config", str(path)]) == 0  # said there too, and not a failure
    assert f"note  {note}" in capsys.readouterr().out


def test_a_config_without_sources_syncs_nothing_says_so_and_exits_0(tmp_path, capsys):
    path = write_config(tmp_path / "pmhub.yaml", {"sources": {}})
    assert main(["check", "--config", str(path)]) == 0
    checked = capsys.readouterr().out
    labels = [tool.config.label for tool in TOOLS.values()]
    assert "0 projects, " + ", ".join(f"0 {label}" for label in labels) + " sources" in checked
    listed = ", ".join(labels[:-1]) + " or " + labels[-1]  # e.g. "Jira, Trello or Confluence"
    assert "note  " in checked and f"no {listed} source configured, nothing to extract" in checked

    assert main(["sync", "--config", str(path)]) == 0
    synced = capsys.readouterr()
    assert "nothing to extract" in synced.out and synced.err == ""
    db = tmp_path / "pmhub.duckdb"
    assert published_file(db).exists()
    for table in [f"core.{t}" for t in CORE_TABLES] + [f"mart.{t}" for t in MART_TABLES]:
        assert _count(published_file(db), table) == 0, table
    (record,), _ = read_runs(run_log_file(db))
    assert record.success and record.sources == {}
    assert "sources   none" in _status_ok(path, capsys)


def test_the_dagster_sync_job_and_its_run_log_sensor_take_a_config_without_portfolio(
    tmp_path, hollow, capsys, monkeypatch
):
    config = hollow.config(without="trello")
    del config["portfolio"]
    path = write_config(tmp_path / "pmhub.yaml", config)
    monkeypatch.setenv("PMHUB_CONFIG", str(path))
    with dg.instance_for_test() as instance:
        pmhub = PmhubResource(config_path=str(path), as_of=ANCHOR.isoformat())
        job = build_definitions(pmhub).resolve_job_def("sync")  # the whole job, checks included
        result = job.execute_in_process(instance=instance, raise_on_error=False)
        assert result.success, failure_from_events(result.all_events)
        run = instance.get_run_by_id(result.run_id)
        assert run is not None
        event = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.RUN_SUCCESS)[-1].dagster_event
        assert event is not None
        run_log_success(
            dg.build_run_status_sensor_context(
                sensor_name="run_log_success", dagster_event=event, dagster_instance=instance, dagster_run=run
            )
        )
    db = tmp_path / "pmhub.duckdb"
    assert published_file(db).exists() and _count(db, "mart.portfolio") == 0
    _status_ok(path, capsys)


# --- empty containers in the portfolio -----------------------------------------------------------


def test_an_empty_trello_board_in_the_portfolio_is_a_project_with_no_work_items(tmp_path, hollow, capsys):
    path = write_config(tmp_path / "pmhub.yaml", _add_hollow_project(hollow.config(), hollow, "trello"))
    db = tmp_path / "pmhub.duckdb"
    for _run in ("first", "incremental"):  # the second run finds the board unchanged
        outcome = _sync(path, db)
        board = f"trello:{SOURCE_NAME}:board:{hollow.board_id}"
        assert warehouse_rows(db, "SELECT project_id FROM core.containers WHERE container_id = ?", [board]) == [
            (HOLLOW,)
        ]
        assert _count(db, "core.work_items", "container_id = ?", (board,)) == 0
        assert _hollow_marts(db) == EMPTY_HOLLOW_MARTS
        assert _count(db, "mart.portfolio") == len(hollow.portfolio.projects) + 1
        assert outcome.notes == []
    _status_ok(path, capsys)


def test_a_jira_project_without_issues_in_the_portfolio_is_a_project_with_no_work_items(tmp_path, hollow, capsys):
    path = write_config(tmp_path / "pmhub.yaml", _add_hollow_project(hollow.config(without="trello"), hollow, "jira"))
    db = tmp_path / "pmhub.duckdb"
    for _run in ("first", "incremental"):  # the second run takes a census of a project with no ids
        _sync(path, db)
        assert warehouse_rows(db, "SELECT project_id FROM core.containers WHERE key = ?", [hollow.project_key]) == [
            (HOLLOW,)
        ]
        assert _count(db, "core.work_items", "project_id = ?", (HOLLOW,)) == 0
        assert _hollow_marts(db) == EMPTY_HOLLOW_MARTS
    _status_ok(path, capsys)


def test_a_confluence_space_without_pages_reports_the_missing_charter_and_syncs(tmp_path, hollow, capsys):
    path = write_config(
        tmp_path / "pmhub.yaml", _add_hollow_project(hollow.config(without="trello"), hollow, "confluence")
    )
    db = tmp_path / "pmhub.duckdb"
    for _run in ("first", "incremental"):
        outcome = _sync(path, db)
        missing = f"project {HOLLOW}: charter page 'Hollow charter' not found in the synced space {hollow.space_key}"
        assert outcome.metadata["core_budgets"]["problems"] == missing
        # (the sandbox's risk register plants one unreadable probability on purpose: step 'risks')
        assert warehouse_rows(db, "SELECT problem FROM meta.data_problems WHERE step <> 'risks'") == [(missing,)]
        assert _count(db, "core.budgets", "project_id = ?", (HOLLOW,)) == 0
        assert _hollow_marts(db)["portfolio"] == [NO_ITEMS_PORTFOLIO]
    _status_ok(path, capsys)


def test_a_confluence_space_without_pages_takes_the_budget_from_the_config(tmp_path, hollow, capsys):
    budget = {"bac": 1000, "currency": "EUR", "start": "2026-01-01", "end": "2026-12-31"}
    config = _add_hollow_project(hollow.config(without="trello"), hollow, "confluence", budget=budget)
    path = write_config(tmp_path / "pmhub.yaml", config)
    db = tmp_path / "pmhub.duckdb"
    outcome = _sync(path, db)
    assert outcome.metadata["core_budgets"]["problems"] == "none"  # a config budget needs no charter page
    assert warehouse_rows(db, "SELECT bac, source FROM core.budgets WHERE project_id = ?", [HOLLOW]) == [
        (1000.0, "config")
    ]
    marts = _hollow_marts(db)
    assert marts["forecast"] == [NO_ITEMS_FORECAST]
    # Nothing earned against a running plan: behind schedule, and the reason says there is no work.
    ((_pct, p85, rag, reason, has_budget, _stale),) = marts["portfolio"]
    assert (p85, rag, has_budget) == (None, "red", True)
    assert reason.startswith("no work items; SPI 0.00 below")
    _status_ok(path, capsys)


def test_sources_whose_only_containers_are_empty_sync_with_success(tmp_path, hollow, capsys):
    """Every source syncs nothing but its one empty container: no issue, card, action, list or page
    at all reaches the load, core or marts."""
    config = _add_hollow_project(hollow.config(), hollow, "jira", "trello", "confluence")
    config["portfolio"] = config["portfolio"][-1:]
    config["sources"]["jira"][0]["projects"] = [hollow.project_key]
    config["sources"]["trello"][0]["boards"] = [hollow.board_id]
    config["sources"]["confluence"][0]["spaces"] = [hollow.space_key]
    path = write_config(tmp_path / "pmhub.yaml", config)
    db = tmp_path / "pmhub.duckdb"
    _sync(path, db)
    for table in ("work_items", "status_changes", "sprints", "worklogs", "documents", "budgets", "cost_entries"):
        assert _count(db, f"core.{table}") == 0, table
    assert _count(db, "core.containers") == 3
    assert _hollow_marts(db) == EMPTY_HOLLOW_MARTS
    _status_ok(path, capsys)


def test_a_jira_site_whose_projects_list_no_boards_syncs_its_sprints_by_id(tmp_path, portfolio, sandbox_env):
    """No project of the site lists a board (boards exist only for other projects, or are gone), yet
    the issues sit in sprints: each sprint is read by id, its board cannot be read (404), and the
    sync succeeds with every sprint and the velocity the issues give."""
    elsewhere = (JiraBoard(9_999, "Another team's board", "kanban", "ELSEWHERE"),)
    site = dataclasses.replace(portfolio, jira_boards=elsewhere)
    with SandboxServer(site) as server:
        config = site.pmhub_config(server.url)
        del config["sources"]["trello"], config["sources"]["confluence"]
        for project in config["portfolio"]:
            project.pop("trello", None), project.pop("confluence", None)
        outcome = _sync(write_config(tmp_path / "pmhub.yaml", config), tmp_path / "w.duckdb")
        assert outcome.success, outcome.message
        assert _count(tmp_path / "w.duckdb", "raw.jira_boards") == 0
        assert _count(tmp_path / "w.duckdb", "core.sprints") == server.ground_truth().sprints > 0
        assert _count(tmp_path / "w.duckdb", "mart.velocity", "iteration_kind = 'sprint'") > 0
