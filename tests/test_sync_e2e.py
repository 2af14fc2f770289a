"""A full sync of the sandbox portfolio through Dagster, checked against the generator's own truth."""

from __future__ import annotations

import pytest

from pipelines.cli import main
from pipelines.warehouse import connect
from tests.conftest import ANCHOR, CORE_COUNTS, write_config


def test_core_row_counts_equal_ground_truth(synced, portfolio):
    truth = portfolio.ground_truth
    with connect(synced["db"], read_only=True) as conn:
        for table, attr in CORE_COUNTS.items():
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == getattr(truth, attr), table


def test_second_sync_adds_no_duplicates_and_makes_far_fewer_requests(synced):
    first_requests, second_requests = synced["requests"]
    print(f"requests: first sync {first_requests}, second sync {second_requests}")
    assert second_requests * 2 <= first_requests
    with connect(synced["db"], read_only=True) as conn:
        for table, _ in CORE_COUNTS.items():
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == synced["counts_first"][table]
        assert conn.execute("SELECT count(*) - count(DISTINCT item_id) FROM core.work_items").fetchone()[0] == 0
        assert (
            conn.execute(
                "SELECT count(*) FROM (SELECT item_id, changed_at, to_status FROM core.status_changes "
                "GROUP BY ALL HAVING count(*) > 1)"
            ).fetchone()[0]
            == 0
        )


def test_budgets_come_from_charter_pages(synced, portfolio):
    truth = portfolio.ground_truth
    with connect(synced["db"], read_only=True) as conn:
        budgets = {
            r[0]: r[1:]
            for r in conn.execute(
                "SELECT project_id, bac, currency, planned_start, planned_end, source FROM core.budgets"
            ).fetchall()
        }
    for expected in truth.projects:
        project_id = expected.project_id
        bac, currency, start, end, source = budgets[project_id]
        assert (bac, currency, start, end) == (
            expected.bac,
            expected.currency,
            expected.planned_start,
            expected.planned_end,
        )
        assert source.startswith("confluence:sandbox:")


def test_closed_sprint_velocity_equals_ground_truth(synced, portfolio):
    with connect(synced["db"], read_only=True) as conn:
        got = {
            r[0]: (r[1], r[2])
            for r in conn.execute(
                "SELECT iteration_name, committed_points, completed_points FROM mart.velocity "
                "WHERE iteration_kind = 'sprint' AND iteration_state = 'closed'"
            ).fetchall()
        }
    expected = {
        s.name: (s.committed_points, s.completed_points) for p in portfolio.ground_truth.projects for s in p.sprints
    }
    assert len(expected) >= 10
    assert got == expected


def test_worklog_hours_and_progress_equal_ground_truth(synced, portfolio):
    truth = portfolio.ground_truth
    with connect(synced["db"], read_only=True) as conn:
        hours = dict(
            conn.execute(
                "SELECT w.project_id, sum(l.hours) FROM core.worklogs l JOIN core.work_items w USING (item_id) "
                "WHERE NOT l.is_deleted GROUP BY 1"
            ).fetchall()
        )
        progress = {
            r[0]: (r[1], r[2])
            for r in conn.execute(
                "SELECT project_id, items_total, items_done FROM mart.project_progress WHERE as_of = ?", [ANCHOR]
            ).fetchall()
        }
    for expected in truth.projects:
        project_id = expected.project_id
        assert hours.get(project_id, 0) == pytest.approx(expected.worklog_hours)
        assert progress[project_id] == (expected.items_total, expected.items_done)


def test_portfolio_has_a_row_per_project_with_honest_numbers(synced, portfolio):
    with connect(synced["db"], read_only=True) as conn:
        rows = conn.execute("SELECT project_id, pct_complete, cpi, spi, rag_status FROM mart.portfolio").fetchall()
    assert {r[0] for r in rows} == {p.project_id for p in portfolio.ground_truth.projects}
    for project_id, pct, _cpi, spi, rag in rows:
        assert 0 <= pct <= 1
        assert spi is not None and spi > 0, project_id
        assert rag in {"green", "amber", "red", "unknown"}


def test_query_command_prints_a_table(synced, portfolio, capsys):
    assert main(["query", "--db", str(synced["db"]), "SELECT project_id FROM mart.portfolio ORDER BY 1"]) == 0
    out = capsys.readouterr().out
    assert "project_id" in out and "apollo" in out and f"({len(portfolio.projects)} rows)" in out


def test_query_is_read_only(synced, capsys):
    assert main(["query", "--db", str(synced["db"]), "DELETE FROM core.work_items"]) == 1
    assert "read-only" in capsys.readouterr().err.lower()


@pytest.mark.parametrize(
    ("variable", "sources"),
    [
        ("PMHUB_SANDBOX_TOKEN", ("jira:sandbox", "confluence:sandbox")),
        ("PMHUB_SANDBOX_TRELLO_TOKEN", ("trello:sandbox",)),
    ],
)
def test_wrong_token_fails_in_one_line_and_writes_nothing(
    tmp_path, portfolio, sandbox, sandbox_env, monkeypatch, capsys, variable, sources
):
    monkeypatch.setenv(variable, "not-the-token")
    config = write_config(tmp_path / "pmhub.yaml", portfolio.pmhub_config(sandbox.url))
    db = tmp_path / "pmhub.duckdb"
    code = main(["sync", "--config", str(config), "--db", str(db)])
    err = capsys.readouterr().err.strip()
    assert code != 0
    assert len(err.splitlines()) == 1, err
    assert any(source in err for source in sources) and "HTTP 401" in err
    assert "not-the-token" not in err
    assert not db.exists()


def test_unset_variable_fails_naming_it(tmp_path, portfolio, sandbox, sandbox_env, monkeypatch, capsys):
    monkeypatch.delenv("PMHUB_SANDBOX_TRELLO_KEY")
    config = write_config(tmp_path / "pmhub.yaml", portfolio.pmhub_config(sandbox.url))
    code = main(["sync", "--config", str(config), "--db", str(tmp_path / "x.duckdb")])
    assert code != 0
    assert "PMHUB_SANDBOX_TRELLO_KEY" in capsys.readouterr().err
    assert not (tmp_path / "x.duckdb").exists()


def test_archived_cards_and_cards_in_archived_lists_are_items_in_their_lists_category(synced, portfolio):
    synced_ids = set(portfolio.pmhub_config("http://x")["sources"]["trello"][0]["boards"])
    boards = [b for b in portfolio.trello_boards if b.id in synced_ids]
    archived_lists = {lst.id for b in boards for lst in b.lists if lst.closed}
    hidden = {c.id: c.list_id for b in boards for c in b.cards if c.closed or c.list_id in archived_lists}
    assert archived_lists and any(c.closed for b in boards for c in b.cards)  # the data holds both kinds
    with connect(synced["db"], read_only=True) as conn:
        got = dict(
            conn.execute(
                """SELECT w.external_id, w.status_category = lc.category
                   FROM core.work_items w JOIN stage.trello_cards c USING (item_id)
                   JOIN meta.list_categories lc ON lc.source_id = c.source_id AND lc.list_id = c.list_id
                   WHERE NOT w.is_deleted"""
            ).fetchall()
        )
    assert {card_id: got.get(card_id) for card_id in hidden} == dict.fromkeys(hidden, True)
