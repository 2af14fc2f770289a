"""pmhub against servers that answer 200 with less than it asked for.

Each test arms one way a real server can disappoint (sandbox.payload_faults: an expand ignored, a
field dropped, a page cut, a changelog `total` that counts only the page, a search warning) and
checks that pmhub either makes the missing piece up from its dedicated endpoint, with the numbers
equal to the sandbox's ground truth and the shortfall reported, or fails the run naming what is
missing and how many items it concerns. None of them exits 0 with data silently missing.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from pipelines.landing import complete_batches
from pipelines.run_sync import run_sync
from pipelines.warehouse import landing_root
from sandbox.generator import generate
from sandbox.model import TrelloLabel
from sandbox.server import SandboxServer
from tests.conftest import ANCHOR, write_config
from tests.test_jira_failure_modes import assert_counts_equal_truth, rows, scalar, site, sync


def landed_warnings(db: Path, source_id: str) -> list[str]:
    """The warnings the source's last landed batch reported (kept in its manifest)."""
    (manifest,) = rows(
        db, "SELECT manifest FROM meta.batches WHERE source_id = ? ORDER BY loaded_at DESC LIMIT 1", [source_id]
    )[0]
    return list(json.loads(manifest)["stats"]["warnings"])


def test_an_ignored_changelog_expand_is_read_from_changelog_bulkfetch(tmp_path, sandbox_env):
    # A server reading the bulkfetch body as documented but not honouring its expand sends no
    # changelog at all: before, every issue landed as having no history and the run exited 0.
    with site(tmp_path, sandbox_env, faults=["ignore-expand:/rest/api/3/issue/bulkfetch:changelog"]) as (
        server,
        config,
        db,
    ):
        sync(config, db)
        assert_counts_equal_truth(server, db)
        truth = server.ground_truth()
        # every issue served lacked it: the work items and the register's Risk issues
        issues = truth.jira_work_items + sum(1 for r in truth.risks if r.tool == "jira")
        (warning,) = [w for w in landed_warnings(db, "jira:sandbox") if "without the changelog" in w]
        assert warning.startswith(f"jira:sandbox: {issues} issues without the changelog their request expanded")


def test_a_changelog_total_that_counts_only_the_page_is_not_trusted(tmp_path, sandbox_env):
    # Jira's document describes PageOfChangelogs.total as "the number of results on the page": a
    # full embed of 40 with total 40 proves nothing. Before, those issues lost their oldest history.
    with site(tmp_path, sandbox_env, faults=["page-total:/rest/api/3/issue/bulkfetch"]) as (server, config, db):
        long = sum(1 for i in server.portfolio.issues if len(i.histories) > 40)
        assert long > 0
        sync(config, db)
        assert_counts_equal_truth(server, db)


def test_an_issue_without_a_field_it_asked_for_fails_the_run(tmp_path, sandbox_env):
    fault = "drop-field:/rest/api/3/issue/bulkfetch:issues.*.fields.updated:1"
    with site(tmp_path, sandbox_env, faults=[fault]) as (_server, config, db):
        outcome = run_sync(config, db, only=["jira"], as_of=ANCHOR)
        assert not outcome.success
        assert "incomplete answer from POST" in outcome.message and "/rest/api/3/issue/bulkfetch" in outcome.message
        assert "`fields.updated` missing from 100 of 100 issues although the request asked for them" in outcome.message
        assert complete_batches(landing_root(db)) == []  # nothing of the run was landed


def test_a_search_page_without_its_issues_list_is_an_error_not_an_empty_census(tmp_path, sandbox_env):
    with site(tmp_path, sandbox_env, faults=["drop-field:/rest/api/3/search/jql:issues:1"]) as (_s, config, db):
        outcome = run_sync(config, db, only=["jira"], as_of=ANCHOR)
        assert not outcome.success and "expected a 'issues' list" in outcome.message


def test_search_warnings_are_reported_with_the_run(tmp_path, sandbox_env):
    with site(tmp_path, sandbox_env, faults=["warn:/rest/api/3/search/jql:RESULTS_TRUNCATED:1"]) as (_s, config, db):
        sync(config, db)
        flagged = [w for w in landed_warnings(db, "jira:sandbox") if "RESULTS_TRUNCATED" in w]
        assert flagged == [
            "jira:sandbox: 1 pages of /rest/api/3/search/jql Jira flagged RESULTS_TRUNCATED (The search results "
            "were truncated to stay within the ingestion limit.): the results may be incomplete"
        ]


def test_a_bulkfetch_cut_short_loses_no_issue(tmp_path, sandbox_env):
    # Ids asked for and not returned are looked up one by one: found, they land like the others.
    with site(tmp_path, sandbox_env, faults=["cut-page:/rest/api/3/issue/bulkfetch:60:2"]) as (server, config, db):
        sync(config, db)
        assert_counts_equal_truth(server, db)


def test_worklogs_withheld_by_worklog_list_are_counted_and_reported(tmp_path, sandbox_env):
    # worklog/list returns only the worklogs this account may see; the feed lists the others too.
    with site(tmp_path, sandbox_env, faults=["cut-page:/rest/api/3/worklog/list:100"]) as (server, config, db):
        server.advance(2)
        sync(config, db)
        listed = len({w.id for i in server.portfolio.issues for w in i.worklogs})
        calls = -(-listed // 1000)  # worklog/list takes 1000 ids per call; each answer keeps 100
        assert calls >= 2 and scalar(db, "SELECT count(*) FROM core.worklogs") < server.ground_truth().worklogs
        (warning,) = [w for w in landed_warnings(db, "jira:sandbox") if "withheld" in w]
        withheld = listed - 100 * calls
        expected = f"jira:sandbox: {withheld} of {listed} changed worklogs were withheld by worklog/list"
        assert warning.startswith(expected)


def trello_sync(server: SandboxServer, tmp_path: Path):
    config = write_config(tmp_path / "pmhub.yaml", server.portfolio.pmhub_config(server.url))
    return config, run_sync(config, tmp_path / "w.duckdb", only=["trello"], as_of=ANCHOR)


def test_cards_without_the_custom_field_items_asked_for_fail_the_run(tmp_path, sandbox_env):
    portfolio = generate(seed=11, size="small", anchor=ANCHOR)
    with SandboxServer(portfolio, faults=["drop-field:/cards/all$:*.customFieldItems"]) as server:
        _config, outcome = trello_sync(server, tmp_path)
    assert not outcome.success and "incomplete answer from GET" in outcome.message
    assert "`customFieldItems` missing from" in outcome.message


def test_a_board_with_more_labels_than_trello_lists_gets_those_its_cards_carry(tmp_path, sandbox_env):
    portfolio = generate(seed=11, size="small", anchor=ANCHOR)
    board = portfolio.trello_boards[0]
    extra = 1200 - len(board.labels)
    labels = board.labels + tuple(
        TrelloLabel(f"{0x6A000000 + n:08x}{n:016x}", board.id, f"label {n}", None) for n in range(extra)
    )
    # Three cards carry labels beyond the first 1000 Trello lists.
    cards = tuple(
        replace(card, label_ids=(labels[1000 + k].id, labels[k].id)) if k < 3 else card
        for k, card in enumerate(board.cards)
    )
    boards = (replace(board, labels=labels, cards=cards), *portfolio.trello_boards[1:])
    with SandboxServer(replace(portfolio, trello_boards=boards)) as server:
        _config, outcome = trello_sync(server, tmp_path)
    assert outcome.success, outcome.message
    db = tmp_path / "w.duckdb"
    held = {r[0] for r in rows(db, "SELECT id FROM raw.trello_labels WHERE container = ?", [board.id])}
    assert held == {label.id for label in labels[:1000]} | {labels[1000 + k].id for k in range(3)}
    (warning,) = [w for w in landed_warnings(db, "trello:sandbox") if "labels" in w]
    assert "lists 1000 labels, Trello's maximum" in warning and "3 more in use on its cards" in warning


def test_pages_without_the_body_asked_for_fail_the_run(tmp_path, sandbox_env):
    portfolio = generate(seed=11, size="small", anchor=ANCHOR)
    with SandboxServer(portfolio, faults=["drop-field:/wiki/api/v2/spaces/[0-9]+/pages:results.*.body"]) as server:
        config = write_config(tmp_path / "pmhub.yaml", portfolio.pmhub_config(server.url))
        outcome = run_sync(config, tmp_path / "w.duckdb", only=["confluence"], as_of=ANCHOR)
    assert not outcome.success and "`body.storage` missing from" in outcome.message
