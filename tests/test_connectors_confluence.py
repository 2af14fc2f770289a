"""Confluence v2 client: cursor links followed verbatim, on a /wiki site and on the gateway."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import TYPE_CHECKING

import pytest

from connectors.confluence import ConfluenceClient, cql
from connectors.confluence.client import api_root
from connectors.errors import ApiError, PaginationError

if TYPE_CHECKING:
    from tests.stub_http import Recorded, StubServer

pytest_plugins = ["tests.stub_http"]

TOKEN = "ATATT-confluence-token-secret"
GATEWAY = "/ex/confluence/0f2c-cloud-id"


def confluence(server: StubServer, sleep, prefix: str = "/wiki") -> ConfluenceClient:
    return ConfluenceClient.from_credentials(
        "confluence:acme", server.url + prefix, "pm@example.com", TOKEN, sleep=sleep, timeout=5
    )


def by_cursor(pages: dict[str | None, tuple[dict[str, str], dict]]):
    """Serve a page per `cursor` query value: (headers, body)."""

    def handler(req: Recorded):
        headers, body = pages[req.param("cursor")]
        return 200, dict(headers), body

    return handler


def test_link_header_with_params_around_cursor_is_followed_verbatim_on_a_wiki_base(stub_server, fake_sleep):
    next_link = "/wiki/api/v2/spaces?keys=PMO&keys=OPS&cursor=eyJpZCI6IjEyIn0%3D&limit=250"
    stub_server.route(
        "GET",
        "/wiki/api/v2/spaces",
        by_cursor(
            {
                None: ({"Link": f'<{next_link}>; rel="next"'}, {"results": [{"id": "1", "key": "PMO"}], "_links": {}}),
                "eyJpZCI6IjEyIn0=": (
                    {},
                    {"results": [{"id": "2", "key": "OPS"}], "_links": {"base": "https://acme.atlassian.net/wiki"}},
                ),
            }
        ),
    )
    spaces = list(confluence(stub_server, fake_sleep).iter_spaces(["PMO", "OPS"]))

    assert [s["key"] for s in spaces] == ["PMO", "OPS"]
    first, second = stub_server.requests
    # `keys` is an exploded array: repeated, never comma-joined into one (invalid) item.
    assert first.path == "/wiki/api/v2/spaces" and first.query["keys"] == ["PMO", "OPS"]
    assert second.path == "/wiki/api/v2/spaces"  # never /wiki/wiki
    assert second.raw_query == "keys=PMO&keys=OPS&cursor=eyJpZCI6IjEyIn0%3D&limit=250"  # exactly as linked


def stored_page(page_id: str) -> dict:
    return {"id": page_id, "status": "current", "version": {"number": 1}, "body": {"storage": {"value": "<p/>"}}}


def test_links_next_in_the_body_wins_and_a_missing_next_ends(stub_server, fake_sleep):
    path = "/wiki/api/v2/spaces/42/pages"
    stub_server.route(
        "GET",
        path,
        by_cursor(
            {
                None: (
                    {},
                    {
                        "results": [stored_page("p1"), stored_page("p2")],
                        "_links": {"next": f"{path}?body-format=storage&cursor=c2&limit=250"},
                    },
                ),
                "c2": ({}, {"results": [stored_page("p3")], "_links": {"base": "https://acme.atlassian.net/wiki"}}),
            }
        ),
    )
    pages = list(confluence(stub_server, fake_sleep).iter_pages("42"))
    assert [p["id"] for p in pages] == ["p1", "p2", "p3"]
    assert stub_server.requests[0].raw_query == "body-format=storage&status=current&status=archived&limit=250"
    assert stub_server.requests[1].raw_query == "body-format=storage&cursor=c2&limit=250"


def test_gateway_base_keeps_the_gateway_prefix_and_adds_wiki_once(stub_server, fake_sleep):
    path = f"{GATEWAY}/wiki/api/v2/spaces"
    stub_server.route(
        "GET",
        path,
        by_cursor(
            {
                None: ({}, {"results": [{"id": "1"}], "_links": {"next": "/wiki/api/v2/spaces?cursor=n1&limit=250"}}),
                "n1": ({"Link": ""}, {"results": [{"id": "2"}], "_links": {}}),
            }
        ),
    )
    spaces = list(confluence(stub_server, fake_sleep, prefix=GATEWAY).iter_spaces())
    assert [s["id"] for s in spaces] == ["1", "2"]
    assert [r.path for r in stub_server.requests] == [path, path]
    assert stub_server.requests[1].raw_query == "cursor=n1&limit=250"


@pytest.mark.parametrize(
    ("base", "root"),
    [
        ("https://acme.atlassian.net/wiki", "https://acme.atlassian.net/wiki"),
        ("https://acme.atlassian.net/wiki/", "https://acme.atlassian.net/wiki"),
        ("https://api.atlassian.com/ex/confluence/abc", "https://api.atlassian.com/ex/confluence/abc/wiki"),
        ("https://api.atlassian.com/ex/confluence/abc/wiki", "https://api.atlassian.com/ex/confluence/abc/wiki"),
        ("http://127.0.0.1:9000", "http://127.0.0.1:9000"),  # a sandbox serving /api/v2 at the root
    ],
)
def test_api_root(base, root):
    assert api_root(base) == root


def test_repeated_cursor_raises_pagination_error(stub_server, fake_sleep):
    path = "/wiki/api/v2/spaces"
    stub_server.route(
        "GET", path, (200, {}, {"results": [{"id": "1"}], "_links": {"next": f"{path}?cursor=same&limit=250"}})
    )
    with pytest.raises(PaginationError, match="next link repeated") as info:
        list(confluence(stub_server, fake_sleep).iter_spaces())
    assert len(stub_server.requests) == 2  # the second page links to itself: stop before a third
    assert info.value.source == "confluence:acme"


def test_page_versions_are_paged_too(stub_server, fake_sleep):
    path = "/wiki/api/v2/pages/77/versions"
    stub_server.route(
        "GET",
        path,
        by_cursor(
            {
                None: ({"Link": f'<{path}?cursor=v2&limit=250>; rel="next"'}, {"results": [{"number": 2}]}),
                "v2": ({}, {"results": [{"number": 1}]}),
            }
        ),
    )
    assert [v["number"] for v in confluence(stub_server, fake_sleep).page_versions("77")] == [2, 1]


def test_v2_error_body_becomes_the_detail_without_the_token(stub_server, fake_sleep):
    stub_server.route(
        "GET",
        "/wiki/api/v2/spaces/9/pages",
        (
            404,
            {},
            {
                "errors": [
                    {"status": 404, "code": "NOT_FOUND", "title": "Not Found", "detail": "Space 9 does not exist"}
                ]
            },
        ),
    )
    with pytest.raises(ApiError) as info:
        list(confluence(stub_server, fake_sleep).iter_pages("9"))
    assert info.value.detail == "Not Found: Space 9 does not exist"
    assert "not visible to this account" in str(info.value) and TOKEN not in str(info.value)


def test_missing_results_is_an_error_not_an_empty_space(stub_server, fake_sleep):
    stub_server.route("GET", "/wiki/api/v2/spaces", (200, {}, {"message": "maintenance"}))
    with pytest.raises(ApiError, match="expected a 'results' list"):
        list(confluence(stub_server, fake_sleep).iter_spaces())


@pytest.mark.parametrize("prefix", ["/wiki", GATEWAY])
def test_cql_search_follows_v1_next_links_relative_to_wiki_on_a_site_and_the_gateway(stub_server, fake_sleep, prefix):
    # v1 search writes `next` relative to /wiki (no /wiki in it), parameters around the cursor
    next_link = "/rest/api/search?cql=type%3Dpage&limit=250&cursor=raNDoM%2Fc&expand=content.version"
    first = {"results": [{"content": {"id": "7", "version": {"number": 3}}}], "_links": {"next": next_link}}
    last = {"results": [{"content": {"id": "9", "version": {"number": 1}}}], "_links": {"base": "https://x/wiki"}}
    stub_server.route(
        "GET",
        f"{prefix.removesuffix('/wiki')}/wiki/rest/api/search",
        by_cursor({None: ({}, first), "raNDoM/c": ({}, last)}),
    )

    found = list(confluence(stub_server, fake_sleep, prefix).search_pages("type = page"))

    assert [(c["id"], c["version"]["number"]) for c in found] == [("7", 3), ("9", 1)]
    opening, following = stub_server.requests
    assert opening.param("cql") == "type = page" and opening.param("expand") == "content.version"
    assert following.path == f"{prefix.removesuffix('/wiki')}/wiki/rest/api/search"  # gateway kept, /wiki once
    assert following.raw_query == next_link.split("?", 1)[1]


def test_cql_search_result_without_content_is_an_error(stub_server, fake_sleep):
    stub_server.route("GET", "/wiki/rest/api/search", (200, {}, {"results": [{"title": "x"}], "_links": {}}))
    with pytest.raises(ApiError, match=r"`content\.id` missing from 1 of 1 results"):
        list(confluence(stub_server, fake_sleep).search_pages("type = page"))


def test_cql_search_410_is_an_api_error_with_its_status(stub_server, fake_sleep):
    stub_server.route("GET", "/wiki/rest/api/search", (410, {}, {"message": "Gone"}))
    with pytest.raises(ApiError) as info:
        list(confluence(stub_server, fake_sleep).search_pages("type = page"))
    assert info.value.status == 410 and fake_sleep.calls == []


def test_cql_bounds_hold_in_every_account_time_zone_and_values_are_quoted():
    since = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    query = cql.modified_since(["PMO", "OPS"], since)
    assert query == 'type = page AND space IN ("OPS", "PMO") AND lastmodified >= "2026-11-01 21:30"'
    bound = datetime(2026, 11, 1, 21, 30)
    for offset in range(-12, 15):  # the bare date-time read in each zone from UTC-12 to UTC+14
        assert bound.replace(tzinfo=timezone(timedelta(hours=offset))) <= since
    assert cql.labelled(["PMO"], ['we"ird\\', "charter"]) == (
        'type = page AND space IN ("PMO") AND label IN ("charter", "we\\"ird\\\\")'
    )
    with pytest.raises(ValueError):
        cql.modified_since([], since)
    with pytest.raises(ValueError):
        cql.modified_since(["PMO"], datetime(2026, 11, 2))
