"""Jira client: token and offset paging with loop guards, bulk changelogs, worklogs, agile."""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

import pytest

from connectors.errors import ApiError, EndpointRemovedError, PaginationError
from connectors.jira import JiraClient, settings
from connectors.jira.changelogs import balanced_groups, needs_history

if TYPE_CHECKING:
    from tests.stub_http import Recorded, StubServer

pytest_plugins = ["tests.stub_http"]

SEARCH = "/rest/api/3/search/jql"
BULK = "/rest/api/3/changelog/bulkfetch"
TOKEN = "ATATT3xFf-jira-api-token-secret"


def jira(server: StubServer, sleep, **kwargs) -> JiraClient:
    return JiraClient.from_credentials(
        "jira:acme", server.url, "pm@example.com", TOKEN, sleep=sleep, timeout=5, **kwargs
    )


def issue(n: int, **extra) -> dict:
    return {"id": str(10000 + n), "key": f"APL-{n}", "fields": {"summary": f"issue {n}"}, **extra}


def token_pages(pages: list[dict]):
    """Serve `pages` in order, keyed by the nextPageToken each request carries."""
    by_token = {None: pages[0]}
    for prev, page in pairwise(pages):
        by_token[prev["nextPageToken"]] = page

    def handler(req: Recorded):
        return 200, {}, by_token[req.json.get("nextPageToken")]

    return handler


# -- enhanced search ---------------------------------------------------------------------------


def test_search_follows_tokens_through_short_pages_until_is_last(stub_server, fake_sleep):
    stub_server.route(
        "POST",
        SEARCH,
        token_pages(
            [
                {"issues": [issue(1), issue(2), issue(3)], "nextPageToken": "t1", "isLast": False},
                {"issues": [issue(4)], "nextPageToken": "t2", "isLast": False},  # short page: not the end
                {"issues": [issue(5), issue(6)], "isLast": True},
            ]
        ),
    )
    found = list(
        jira(stub_server, fake_sleep).search_issues(
            "project = APL AND updated >= -1d", ["summary", "status"], expand=["changelog"], page_size=3
        )
    )
    assert [i["key"] for i in found] == [f"APL-{n}" for n in range(1, 7)]
    bodies = [r.json for r in stub_server.hits("POST", SEARCH)]
    assert [b.get("nextPageToken") for b in bodies] == [None, "t1", "t2"]
    assert bodies[0] == {
        "jql": "project = APL AND updated >= -1d",
        "fields": ["summary", "status"],
        "maxResults": 3,
        "expand": "changelog",
    }


def test_search_stops_when_is_last_even_if_a_token_is_present(stub_server, fake_sleep):
    stub_server.route("POST", SEARCH, (200, {}, {"issues": [issue(1)], "nextPageToken": "x", "isLast": True}))
    assert len(list(jira(stub_server, fake_sleep).search_issues("project = APL", ["id"]))) == 1
    assert len(stub_server.requests) == 1


def test_search_without_token_or_is_last_is_the_last_page(stub_server, fake_sleep):
    # Documented: no token means there is nothing to ask for next, so the page is the last one.
    stub_server.route(
        "POST",
        SEARCH,
        token_pages(
            [
                {"issues": [issue(1)], "nextPageToken": "t1"},
                {"issues": [issue(2)]},
            ]
        ),
    )
    assert [i["id"] for i in jira(stub_server, fake_sleep).search_issues("project = APL", ["id"])] == ["10001", "10002"]


def test_search_repeated_token_raises_pagination_error(stub_server, fake_sleep):
    pages = {
        None: {"issues": [issue(1)], "nextPageToken": "t1", "isLast": False},
        "t1": {"issues": [issue(2)], "nextPageToken": "t1", "isLast": False},
    }
    stub_server.route("POST", SEARCH, lambda req: (200, {}, pages[req.json.get("nextPageToken")]))
    with pytest.raises(PaginationError, match="returned twice"):
        list(jira(stub_server, fake_sleep).search_issues("project = APL", ["id"]))
    assert len(stub_server.requests) == 2


def test_search_empty_page_with_token_raises_pagination_error(stub_server, fake_sleep):
    stub_server.route(
        "POST",
        SEARCH,
        token_pages(
            [
                {"issues": [issue(1)], "nextPageToken": "t1", "isLast": False},
                {"issues": [], "nextPageToken": "t2", "isLast": False},
            ]
        ),
    )
    with pytest.raises(PaginationError, match="empty page still carries a nextPageToken") as info:
        list(jira(stub_server, fake_sleep).search_issues("project = APL", ["id"]))
    assert info.value.source == "jira:acme" and "\n" not in str(info.value)


def test_search_410_is_fatal_and_says_the_endpoint_was_removed(stub_server, fake_sleep):
    stub_server.route("POST", SEARCH, (410, {}, {"errorMessages": ["The requested API has been removed."]}))
    with pytest.raises(EndpointRemovedError, match="removed on Jira Cloud") as info:
        list(jira(stub_server, fake_sleep).search_issues("project = APL", ["id"]))
    assert info.value.status == 410 and fake_sleep.calls == []


def test_unbounded_or_stringly_arguments_are_rejected_before_any_request(stub_server, fake_sleep):
    client = jira(stub_server, fake_sleep)
    with pytest.raises(ValueError, match="bounded"):
        list(client.search_issues("  ", ["id"]))
    with pytest.raises(TypeError, match="list of strings"):
        list(client.search_issues("project = APL", "summary"))
    assert stub_server.requests == []


def test_search_issue_ids_asks_for_ids_only_5000_per_page(stub_server, fake_sleep):
    stub_server.route("POST", SEARCH, (200, {}, {"issues": [{"id": "1"}, {"id": "2"}], "isLast": True}))
    assert list(jira(stub_server, fake_sleep).search_issue_ids("project = APL")) == ["1", "2"]
    body = stub_server.requests[0].json
    assert body["fields"] == ["id"] and body["maxResults"] == 5000


def test_401_message_points_at_the_jira_credentials_without_the_token(stub_server, fake_sleep):
    stub_server.route("GET", "/rest/api/3/myself", (401, {}, {"errorMessages": ["Client must be authenticated"]}))
    with pytest.raises(ApiError) as info:
        jira(stub_server, fake_sleep).myself()
    text = str(info.value)
    assert text.startswith(f"jira:acme: HTTP 401 from GET {stub_server.url}/rest/api/3/myself — Client must")
    assert "check the email/API token" in text and TOKEN not in text and TOKEN not in repr(info.value)


# -- changelogs --------------------------------------------------------------------------------


def histories(issue_id: str, count: int) -> list[dict]:
    return [
        {
            "id": f"{issue_id}-{n:03d}",
            "created": f"2026-01-01T00:{n // 60:02d}:{n % 60:02d}.000+0000",
            "items": [{"field": "status"}],
        }
        for n in range(count)
    ]


def test_an_embed_is_whole_only_when_it_is_short_of_the_cap_and_its_total():
    def with_embed(count: int, total: int | None) -> dict:
        changelog = {"startAt": 0, "histories": histories("1", count)}
        return {"id": "1", "changelog": changelog if total is None else {**changelog, "total": total}}

    assert not needs_history(with_embed(3, 3)) and not needs_history(with_embed(39, None))
    assert needs_history(with_embed(20, 150))  # cut: total says more
    assert needs_history(with_embed(40, 40))  # a full page: `total` may count only the page
    assert needs_history(with_embed(20, 20), cap=settings.SEARCH_EMBEDDED_HISTORIES)  # search/jql: 20
    assert needs_history({"id": "1"}) and needs_history({"id": "1", "changelog": {"total": 3}})  # expand ignored


def test_changelogs_come_page_by_page_each_history_once(stub_server, fake_sleep):
    a, b = histories("1", 5), histories("2", 4)
    stub_server.route(
        "POST",
        BULK,
        token_pages(
            [
                {
                    "issueChangeLogs": [
                        {"issueId": "1", "changeHistories": a[:3]},
                        {"issueId": "2", "changeHistories": b[:2]},
                    ],
                    "nextPageToken": "p2",
                },
                # Page 2 repeats one history across the boundary; it must be counted once.
                {
                    "issueChangeLogs": [
                        {"issueId": "1", "changeHistories": a[2:]},
                        {"issueId": "2", "changeHistories": b[2:]},
                    ]
                },
            ]
        ),
    )
    result = list(jira(stub_server, fake_sleep).changelogs(["2", "1", "3"], ["status", "customfield_10020"]))
    merged: dict[str, list[str]] = {}
    for issue_id, hs in result:
        merged.setdefault(issue_id, []).extend(h["id"] for h in hs)
    # page by page (never an issue's whole history at once), each history once, oldest first
    assert merged == {"1": [h["id"] for h in a], "2": [h["id"] for h in b]}
    assert [i for i, _ in result] == ["1", "2", "1", "2"]
    assert stub_server.requests[0].json["fieldIds"] == ["status", "customfield_10020"]


def test_changelogs_batch_1000_issue_ids_per_call(stub_server, fake_sleep):
    stub_server.route(
        "POST",
        BULK,
        lambda req: (
            200,
            {},
            {
                "issueChangeLogs": [
                    {"issueId": i, "changeHistories": [{"id": f"h{i}"}]} for i in req.json["issueIdsOrKeys"]
                ]
            },
        ),
    )
    ids = [str(n) for n in range(2500)]
    result = list(jira(stub_server, fake_sleep, max_workers=3).changelogs(ids))
    assert sorted(i for i, _ in result) == sorted(ids)
    sizes = sorted(len(r.json["issueIdsOrKeys"]) for r in stub_server.hits("POST", BULK))
    assert sizes == [833, 833, 834]  # as few calls as 1000 per call allows, of equal size


def test_long_histories_are_spread_over_groups_read_side_by_side():
    sizes = {"a": 25_000, "b": 24_000, "c": 9_000, "d": 100, "e": 60}
    # 59,000 histories need 6 pages: with 4 workers, 4 groups of about equal weight
    groups = balanced_groups(list(sizes), sizes, workers=4)
    assert sorted(sorted(g) for g in groups) == [["a"], ["b"], ["c"], ["d", "e"]]
    assert balanced_groups(list(sizes), {}, workers=4) == [list(sizes)]  # sizes unknown: one page, one group
    assert balanced_groups([], sizes, workers=4) == []


def test_changelogs_refuse_more_than_10_field_ids(stub_server, fake_sleep):
    with pytest.raises(ValueError, match="at most 10 field ids"):
        list(jira(stub_server, fake_sleep).changelogs(["1"], [f"f{n}" for n in range(11)]))


# -- worklogs ----------------------------------------------------------------------------------


def test_updated_worklogs_follow_next_page_then_are_listed(stub_server, fake_sleep):
    updated = "/rest/api/3/worklog/updated"
    pages = {
        "1000": {
            "values": [{"worklogId": n, "updatedTime": 1000 + n} for n in (1, 2, 3)],
            "since": 1000,
            "until": 1003,
            "lastPage": False,
            "nextPage": f"{stub_server.url}{updated}?since=1003",
        },
        "1003": {"values": [{"worklogId": 4, "updatedTime": 1500}], "since": 1003, "until": 1500, "lastPage": True},
    }
    stub_server.route("GET", updated, lambda req: (200, {}, pages[req.param("since")]))
    stub_server.route(
        "POST",
        "/rest/api/3/worklog/list",
        lambda req: (200, {}, [{"id": str(i), "issueId": "10001", "timeSpentSeconds": 3600} for i in req.json["ids"]]),
    )
    client = jira(stub_server, fake_sleep)

    ids, watermark = client.updated_worklog_ids(1000)
    assert (ids, watermark) == ([1, 2, 3, 4], 1500)
    assert [r.raw_query for r in stub_server.hits("GET", updated)] == ["since=1000", "since=1003"]
    assert [w["id"] for w in client.worklogs(ids)] == ["1", "2", "3", "4"]


def test_worklog_list_is_called_with_at_most_1000_ids(stub_server, fake_sleep):
    stub_server.route(
        "POST", "/rest/api/3/worklog/list", lambda req: (200, {}, [{"id": str(i)} for i in req.json["ids"]])
    )
    ids = [*range(2300), 5, 6]  # duplicates are sent once
    got = [w["id"] for w in jira(stub_server, fake_sleep).worklogs(ids)]
    assert got == [str(i) for i in range(2300)]
    assert sorted(len(r.json["ids"]) for r in stub_server.requests) == [300, 1000, 1000]


def test_deleted_worklogs_and_an_empty_feed_keep_the_watermark(stub_server, fake_sleep):
    stub_server.route(
        "GET", "/rest/api/3/worklog/deleted", (200, {}, {"values": [], "since": 5000, "until": 0, "lastPage": True})
    )
    assert jira(stub_server, fake_sleep).deleted_worklog_ids(5000) == ([], 5000)


def test_worklog_feed_without_next_page_link_raises(stub_server, fake_sleep):
    stub_server.route(
        "GET", "/rest/api/3/worklog/updated", (200, {}, {"values": [{"worklogId": 1}], "until": 9, "lastPage": False})
    )
    with pytest.raises(PaginationError, match="no nextPage"):
        jira(stub_server, fake_sleep).updated_worklog_ids(1)


# -- offset paging: projects, boards, sprints --------------------------------------------------


def offset_pages(values: list[dict], page: int, total: bool = True):
    def handler(req: Recorded):
        start = int(req.param("startAt"))
        chunk = values[start : start + page]
        body = {"startAt": start, "maxResults": page, "values": chunk, "isLast": start + page >= len(values)}
        if total:
            body["total"] = len(values)
        return 200, {}, body

    return handler


def test_projects_page_by_start_at_and_filter_by_keys(stub_server, fake_sleep):
    projects = [{"id": str(n), "key": f"P{n}"} for n in range(7)]
    stub_server.route("GET", "/rest/api/3/project/search", offset_pages(projects, 3))
    client = jira(stub_server, fake_sleep)
    assert [p["key"] for p in client.iter_projects()] == [p["key"] for p in projects]
    assert [r.param("startAt") for r in stub_server.requests] == ["0", "3", "6"]
    list(client.iter_projects(["APL", "OPS"]))
    assert stub_server.requests[-1].query["keys"] == ["APL", "OPS"]


def test_boards_page_that_does_not_advance_raises(stub_server, fake_sleep):
    stub_server.route(
        "GET",
        "/rest/agile/1.0/board",
        lambda req: (200, {}, {"startAt": 0, "maxResults": 2, "isLast": False, "values": [{"id": 1}, {"id": 2}]}),
    )
    with pytest.raises(PaginationError, match="asked for startAt=2 but the page starts at 0"):
        list(jira(stub_server, fake_sleep).iter_boards("APL"))
    assert stub_server.requests[0].param("projectKeyOrId") == "APL"


def test_boards_empty_page_that_is_not_last_raises(stub_server, fake_sleep):
    stub_server.route(
        "GET", "/rest/agile/1.0/board", (200, {}, {"startAt": 0, "maxResults": 50, "isLast": False, "values": []})
    )
    with pytest.raises(PaginationError, match="isLast is false"):
        list(jira(stub_server, fake_sleep).iter_boards())


def test_sprints_of_a_kanban_board_are_empty_but_other_400s_raise(stub_server, fake_sleep):
    stub_server.route(
        "GET",
        "/rest/agile/1.0/board/7/sprint",
        (400, {}, {"errorMessages": ["The board does not support sprints"], "errors": {}}),
    )
    stub_server.route(
        "GET", "/rest/agile/1.0/board/8/sprint", (400, {}, {"errorMessages": ["Invalid state"], "errors": {}})
    )
    stub_server.route("GET", "/rest/agile/1.0/board/9/sprint", offset_pages([{"id": 1}, {"id": 2}], 50))
    client = jira(stub_server, fake_sleep)
    assert list(client.iter_sprints(7)) == []
    with pytest.raises(ApiError, match="Invalid state"):
        list(client.iter_sprints(8))
    assert [s["id"] for s in client.iter_sprints(9)] == [1, 2]


def test_site_metadata_endpoints(stub_server, fake_sleep):
    stub_server.route("GET", "/rest/api/3/field", (200, {}, [{"id": "customfield_10016", "name": "Story Points"}]))
    stub_server.route("GET", "/rest/api/3/status", (200, {}, [{"id": "1", "name": "Open"}]))
    stub_server.route("GET", "/rest/api/3/myself", (200, {}, {"accountId": "abc"}))
    client = jira(stub_server, fake_sleep)
    assert client.fields()[0]["id"] == "customfield_10016"
    assert client.statuses()[0]["name"] == "Open"
    assert client.myself() == {"accountId": "abc"}
    assert stub_server.requests[0].headers["Authorization"].startswith("Basic ")
    assert client.stats.as_dict()["requests"] == 3
