"""Trello client: before-id paging of actions and cards, auth params, board selection, ids."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from connectors.answers import IncompleteAnswerError
from connectors.errors import ApiError, PaginationError
from connectors.trello import TrelloClient, trello_id_time

if TYPE_CHECKING:
    from tests.stub_http import Recorded, StubServer

pytest_plugins = ["tests.stub_http"]

KEY = "a1b2c3d4e5f6-trello-api-key"
TOKEN = "ATTA-trello-token-value-0987"
BOARD = "5f1a2b3c4d5e6f7a8b9c0d1e"


def trello(server: StubServer, sleep, **kwargs) -> TrelloClient:
    return TrelloClient.from_credentials(
        "trello:main", server.url, key=KEY, token=TOKEN, sleep=sleep, timeout=5, **kwargs
    )


def make_ids(count: int, start: int = 1_600_000_000) -> list[str]:
    """Trello-shaped ids, oldest first: 8 hex digits of unix time + 16 hex digits of counter."""
    return [f"{start + n:08x}{n:016x}" for n in range(count)]


def newest_first(objects: list[dict], inclusive_before: bool = False):
    """Behave like Trello: newest first, at most `limit`, only ids older than `before`."""
    ordered = sorted(objects, key=lambda o: int(o["id"], 16), reverse=True)

    def handler(req: Recorded):
        limit = int(req.param("limit") or 50)
        before = req.param("before")
        if before is None:
            page = ordered
        elif inclusive_before:  # a sloppy server that repeats the boundary object
            page = [o for o in ordered if int(o["id"], 16) <= int(before, 16)]
        else:
            page = [o for o in ordered if int(o["id"], 16) < int(before, 16)]
        return 200, {}, page[:limit]

    return handler


def test_actions_page_by_before_until_an_empty_page(stub_server, fake_sleep):
    actions = [{"id": i, "type": "updateCard"} for i in make_ids(2345)]
    stub_server.route("GET", f"/1/boards/{BOARD}/actions", newest_first(actions))
    got = list(trello(stub_server, fake_sleep).iter_actions(BOARD))

    assert len(got) == 2345 and len({a["id"] for a in got}) == 2345
    calls = stub_server.requests
    assert [len(c.query.get("before", [])) for c in calls] == [0, 1, 1, 1]  # 1000 + 1000 + 345 + empty
    assert all(c.param("limit") == "1000" and c.param("filter") == "all" for c in calls)
    assert calls[1].param("before") == got[999]["id"]  # the oldest id of page 1


def test_actions_boundary_duplicates_are_dropped_and_since_is_sent(stub_server, fake_sleep):
    actions = [{"id": i} for i in make_ids(1500)]
    stub_server.route("GET", f"/1/boards/{BOARD}/actions", newest_first(actions, inclusive_before=True))
    got = list(trello(stub_server, fake_sleep).iter_actions(BOARD, since="2026-01-01T00:00:00Z"))
    assert len(got) == 1500 and len({a["id"] for a in got}) == 1500
    assert all(r.param("since") == "2026-01-01T00:00:00Z" for r in stub_server.requests)


def test_a_page_that_does_not_move_back_in_time_raises(stub_server, fake_sleep):
    ids = make_ids(3)
    stub_server.route("GET", f"/1/boards/{BOARD}/actions", (200, {}, [{"id": i} for i in reversed(ids)]))
    with pytest.raises(PaginationError, match="did not move back in time"):
        list(trello(stub_server, fake_sleep).iter_actions(BOARD))
    assert len(stub_server.requests) == 2


def test_cards_include_archived_and_custom_fields_across_pages(stub_server, fake_sleep):
    cards = [{"id": i, "closed": n % 5 == 0, "customFieldItems": []} for n, i in enumerate(make_ids(1200))]
    stub_server.route("GET", f"/1/boards/{BOARD}/cards/all", newest_first(cards))
    got = list(trello(stub_server, fake_sleep).iter_cards(BOARD))
    assert len(got) == 1200 and len({c["id"] for c in got}) == 1200
    assert all(r.param("customFieldItems") == "true" for r in stub_server.requests)
    assert len(stub_server.requests) == 3


def test_cards_without_the_custom_field_items_asked_for_fail_the_run(stub_server, fake_sleep):
    cards = [{"id": i, "closed": False, "customFieldItems": []} for i in make_ids(10)]
    for card in cards[:3]:
        del card["customFieldItems"]  # a server that ignored customFieldItems=true for these
    stub_server.route("GET", f"/1/boards/{BOARD}/cards/all", newest_first(cards))
    with pytest.raises(IncompleteAnswerError) as info:
        list(trello(stub_server, fake_sleep).iter_cards(BOARD))
    assert "`customFieldItems` missing from 3 of 10 objects although asked for" in str(info.value)
    assert str(info.value).startswith("trello:main: incomplete answer from GET ")


def test_key_and_token_go_on_every_request_and_never_into_errors(stub_server, fake_sleep):
    stub_server.route("GET", "/1/members/me", (200, {}, {"id": "m1", "username": "pm"}))
    stub_server.route("GET", f"/1/boards/{BOARD}/lists", (401, {}, "invalid token"))
    client = trello(stub_server, fake_sleep)
    assert client.me()["username"] == "pm"
    assert stub_server.requests[0].param("key") == KEY and stub_server.requests[0].param("token") == TOKEN
    with pytest.raises(ApiError) as info:
        client.lists(BOARD)
    err = info.value
    assert err.status == 401 and err.detail == "invalid token"
    assert err.url.endswith(f"/1/boards/{BOARD}/lists?filter=all&key=***&token=***")
    for text in (str(err), repr(err)):
        assert KEY not in text and TOKEN not in text
    assert "Trello API key/token" in str(err)


def test_boards_from_allow_list_or_the_members_open_boards(stub_server, fake_sleep):
    other = "5f1a2b3c4d5e6f7a8b9c0d1f"
    for board_id in (BOARD, other):
        stub_server.route("GET", f"/1/boards/{board_id}", (200, {}, {"id": board_id, "closed": board_id == other}))
    stub_server.route("GET", "/1/members/me/boards", (200, {}, [{"id": BOARD}]))
    client = trello(stub_server, fake_sleep)
    assert [b["id"] for b in client.iter_boards([other, BOARD])] == [other, BOARD]
    assert [b["id"] for b in client.iter_boards()] == [BOARD]
    assert stub_server.hits("GET", "/1/members/me/boards")[0].param("filter") == "open"


def test_lists_members_and_custom_fields(stub_server, fake_sleep):
    stub_server.route("GET", f"/1/boards/{BOARD}/lists", (200, {}, [{"id": "l1", "closed": True}]))
    stub_server.route("GET", f"/1/boards/{BOARD}/members", (200, {}, [{"id": "m1"}]))
    stub_server.route("GET", f"/1/boards/{BOARD}/customFields", (200, {}, [{"id": "cf1", "type": "number"}]))
    client = trello(stub_server, fake_sleep)
    assert client.lists(BOARD)[0]["closed"] is True
    assert stub_server.requests[0].param("filter") == "all"
    assert client.members(BOARD) == [{"id": "m1"}]
    assert client.custom_fields(BOARD)[0]["type"] == "number"


def test_rate_limit_headers_slow_the_client_down(stub_server, fake_sleep):
    headers = {
        "x-rate-limit-api-token-max": "100",
        "x-rate-limit-api-token-remaining": "4",
        "x-rate-limit-api-token-interval-ms": "10000",
    }
    stub_server.route("GET", "/1/members/me", (200, headers, {"id": "m1"}))
    client = trello(stub_server, fake_sleep)
    client.me()
    client.me()
    assert len(fake_sleep.calls) == 1 and 9.0 < fake_sleep.calls[0] <= 10.0


def test_trello_id_time_reads_the_creation_timestamp():
    assert trello_id_time("4d5ea62fd76aa1136000000c") == datetime(2011, 2, 18, 17, 2, 39, tzinfo=UTC)
    with pytest.raises(ValueError, match="24 hex"):
        trello_id_time("not-an-id")
