"""Our Trello sync against a sandbox whose boards change between two runs (issue 4)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sandbox.generator import generate
from sandbox.server import SandboxServer
from tests.conftest import ANCHOR, sync_tools, write_config
from tests.conftest import warehouse_rows as rows


def test_deleted_and_moved_cards_keep_their_rows_with_reason_date_and_new_board(tmp_path, sandbox_env):
    portfolio = generate(seed=11, size="small", anchor=ANCHOR)
    home, other = [b for b in portfolio.trello_boards if b.in_portfolio and b.cards][:2]
    outside = next(b for b in portfolio.trello_boards if not b.in_portfolio)
    with SandboxServer(portfolio) as server:
        config = write_config(tmp_path / "pmhub.yaml", portfolio.pmhub_config(server.url))
        db = tmp_path / "w.duckdb"
        sync_tools(config, db, "trello")
        cards = "SELECT count(*), count(DISTINCT item_id) FROM core.work_items WHERE source_id = 'trello:sandbox'"
        before = rows(db, cards)
        server.advance(60)
        at = server.clock.now()
        deleted = server.trello.delete_cards(home.id, 2, seed=1).card_ids
        within = server.trello.move_cards(home.id, other.id, 1, seed=2).card_ids
        away = server.trello.move_cards(home.id, outside.id, 1, seed=3).card_ids
        server.advance(1)
        sync_tools(config, db, "trello")
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


def test_custom_fields_give_story_points_cost_entries_and_a_recorded_mapping(tmp_path, sandbox_env):
    portfolio = generate(seed=11, size="small", anchor=ANCHOR)
    board = next(b for b in portfolio.trello_boards if b.in_portfolio and len(b.cards) > 2)
    points, hours, cost, five, three = (f"{n:024x}" for n in range(0xA1, 0xA6))
    fields = (
        {"id": points, "idModel": board.id, "name": "Story Points", "type": "list",
         "options": [{"id": three, "value": {"text": "3"}}, {"id": five, "value": {"text": "5"}}]},
        {"id": hours, "idModel": board.id, "name": "Hours", "type": "number"},
        {"id": cost, "idModel": board.id, "name": "Cost", "type": "number"},
    )  # fmt: skip
    first, second, *rest = board.cards
    items = {
        first.id: ({"idCustomField": points, "idValue": five}, {"idCustomField": hours, "value": {"number": "2.5"}},
                   {"idCustomField": cost, "value": {"number": "100"}}),
        second.id: ({"idCustomField": points, "idValue": three},),
    }  # fmt: skip
    cards = tuple(replace(c, custom_field_items=items.get(c.id, ())) for c in board.cards)
    boards = tuple(
        replace(b, custom_fields=fields, cards=cards) if b.id == board.id else b for b in portfolio.trello_boards
    )
    portfolio = replace(portfolio, trello_boards=boards)
    with SandboxServer(portfolio) as server:
        config = portfolio.pmhub_config(server.url)
        config_path = write_config(tmp_path / "pmhub.yaml", config)
        db = tmp_path / "w.duckdb"
        sync_tools(config_path, db, "trello")
    points_by_card = dict(
        rows(db, "SELECT external_id, story_points FROM core.work_items WHERE container_id = ?",
             [f"trello:sandbox:board:{board.id}"])
    )  # fmt: skip
    assert points_by_card[first.id] == 5 and points_by_card[second.id] == 3
    assert all(points_by_card[c.id] is None for c in rest)
    mapping = rows(
        db, "SELECT purpose, field_id, matched_by FROM meta.field_mapping WHERE project_key = ? ORDER BY 1", [board.id]
    )
    assert mapping == [("cost", cost, "name"), ("hours", hours, "name"), ("story_points", points, "name")]
    rate = config["rates"]["people"].get(
        first.member_ids[0] if first.member_ids else "", config["rates"]["default_hourly"]
    )
    entries = rows(
        db,
        "SELECT amount, basis FROM core.cost_entries WHERE item_id = ? ORDER BY amount",
        [f"trello:sandbox:{first.id}"],
    )
    assert sorted(a for a, _ in entries) == sorted([100.0, 2.5 * rate])
    weeks = rows(
        db, "SELECT count(*), count(completed_points) FROM mart.velocity WHERE iteration_id LIKE ?",
        [f"trello:sandbox:board:{board.id}:week:%"],
    )  # fmt: skip
    assert weeks[0][0] > 0 and weeks[0][0] == weeks[0][1]  # an estimated board's weeks carry points
    # labels and card checklists of every synced board are kept (raw JSON) for analysts
    synced = [b for b in portfolio.trello_boards if b.in_portfolio]
    assert rows(db, "SELECT count(*) FROM raw.trello_checklists") == [(sum(len(b.checklists) for b in synced),)]
    assert rows(db, "SELECT count(*) FROM raw.trello_labels") == [(sum(len(b.labels) for b in synced),)]
    assert sum(len(b.checklists) for b in synced) > 0


def test_a_board_with_more_than_1000_actions_is_read_whole_then_incrementally(tmp_path, sandbox_env):
    portfolio = generate(seed=7, size="medium", anchor=ANCHOR)
    busiest = max((b for b in portfolio.trello_boards if b.in_portfolio), key=lambda b: len(b.actions))
    assert len(busiest.actions) > 1000  # Trello serves at most 1000 per request
    moves = {b.id: sum(1 for a in b.actions if a.type == "updateCard" and "listBefore" in a.data)
             for b in portfolio.trello_boards if b.in_portfolio}  # fmt: skip
    count = """SELECT w.container_id, count(*) FROM core.status_changes s JOIN core.work_items w USING (item_id)
               WHERE w.source_id = 'trello:sandbox' GROUP BY 1"""
    with SandboxServer(portfolio) as server:
        config = write_config(tmp_path / "pmhub.yaml", portfolio.pmhub_config(server.url))
        db = tmp_path / "w.duckdb"
        sync_tools(config, db, "trello")
        actions = [p for _m, p in server.request_log if p == f"/1/boards/{busiest.id}/actions"]
        assert len(actions) == len(busiest.actions) // 1000 + 2  # full pages, the last short one, an empty one
        assert dict(rows(db, count)) == {f"trello:sandbox:board:{b}": n for b, n in moves.items()}
        # one more card moved: the next run asks only for actions since the last one it holds
        server.advance(60)
        server.trello.move_cards(busiest.id, next(b for b in moves if b != busiest.id), 1, seed=4)
        before = len(server.request_log)
        sync_tools(config, db, "trello")
        asked = [p for _m, p in server.request_log[before:] if p == f"/1/boards/{busiest.id}/actions"]
        assert len(asked) == 2  # one page of new actions, then the empty page that ends it
        # no list move lost or doubled (the moved card takes its history to its new board)
        assert sum(n for _board, n in rows(db, count)) == sum(moves.values())


def test_trello_429s_and_a_confluence_503_are_retried_recorded_and_lose_nothing(tmp_path, sandbox_env):
    portfolio = generate(seed=11, size="small", anchor=ANCHOR)
    board = next(b for b in portfolio.trello_boards if b.in_portfolio)
    faults = [rf"429:/1/boards/{board.id}/actions:3", "503:/wiki/api/v2/spaces$:1"]
    with SandboxServer(portfolio, faults=faults) as server:
        config = write_config(tmp_path / "pmhub.yaml", portfolio.pmhub_config(server.url))
        db = tmp_path / "w.duckdb"
        outcome = sync_tools(config, db, "trello", "confluence")
    meta = outcome.metadata["trello_landing"]
    assert meta["throttled"] == 3 and meta["retries"] == 3 and meta["wait_seconds"] >= 3
    assert outcome.metadata["confluence_landing"]["retries"] == 1
    moves = sum(1 for a in board.actions if a.type == "updateCard" and "listBefore" in a.data)
    count = """SELECT count(*) FROM core.status_changes s JOIN core.work_items w USING (item_id)
               WHERE w.container_id = ?"""
    assert rows(db, count, [f"trello:sandbox:board:{board.id}"]) == [(moves,)]
