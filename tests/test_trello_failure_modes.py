"""Our Trello sync against a sandbox whose boards change between two runs (issue 4)."""

from __future__ import annotations

from datetime import timedelta

from pipelines.run_sync import run_sync
from pipelines.warehouse import connect
from sandbox.generator import generate
from sandbox.server import SandboxServer
from tests.conftest import ANCHOR, write_config


def rows(db, sql, params=()):
    with connect(db, read_only=True) as conn:
        return conn.execute(sql, list(params)).fetchall()


def sync(config, db):
    outcome = run_sync(config, db, only=["trello"], as_of=ANCHOR)
    assert outcome.success, outcome.message
    return outcome


def test_deleted_and_moved_cards_keep_their_rows_with_reason_date_and_new_board(tmp_path, sandbox_env):
    portfolio = generate(seed=11, size="small", anchor=ANCHOR)
    home, other = [b for b in portfolio.trello_boards if b.in_portfolio and b.cards][:2]
    outside = next(b for b in portfolio.trello_boards if not b.in_portfolio)
    with SandboxServer(portfolio) as server:
        config = write_config(tmp_path / "pmhub.yaml", portfolio.pmhub_config(server.url))
        db = tmp_path / "w.duckdb"
        sync(config, db)
        cards = "SELECT count(*), count(DISTINCT item_id) FROM core.work_items WHERE source_id = 'trello:sandbox'"
        before = rows(db, cards)
        server.advance(60)
        at = server.clock.now()
        deleted = server.trello.delete_cards(home.id, 2, seed=1).card_ids
        within = server.trello.move_cards(home.id, other.id, 1, seed=2).card_ids
        away = server.trello.move_cards(home.id, outside.id, 1, seed=3).card_ids
        server.advance(1)
        sync(config, db)
        assert rows(db, cards) == before  # one row per card ever seen, none dropped, none doubled
        got = {
            external_id: rest
            for external_id, *rest in rows(
                db,
                """SELECT w.external_id, w.is_deleted, w.deletion_reason, w.deleted_at, w.container_id, w.project_id
                   FROM core.work_items w WHERE w.source_id = 'trello:sandbox' AND w.is_deleted
                      OR w.external_id IN (SELECT unnest(?::VARCHAR[]))""",
                [[*within, *away]],
            )
        }
        assert set(got) == {*deleted, *within, *away}
        for card_id in deleted:
            is_deleted, reason, deleted_at, container, _project = got[card_id]
            assert is_deleted and reason == "deleted"
            assert at <= deleted_at <= at + timedelta(seconds=30)  # the deleteCard action's date
            assert container == f"trello:sandbox:board:{home.id}"
        project_of = {p.trello_board_id: p.id for p in portfolio.projects}
        assert got[within[0]][:2] == [False, None]
        assert got[within[0]][3:] == [f"trello:sandbox:board:{other.id}", project_of[other.id]]
        assert got[away[0]][:2] == [False, None]
        assert got[away[0]][3:] == [f"trello:sandbox:board:{outside.id}", None]
        # the board outside the portfolio is known through the card: a container row, no orphan
        assert rows(db, "SELECT project_id FROM core.containers WHERE container_id = ?", [got[away[0]][3]]) == [(None,)]
