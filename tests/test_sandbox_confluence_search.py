"""The sandbox's Confluence v1 CQL search (`GET /wiki/rest/api/search`) against its live page registry."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from sandbox import SandboxServer
from sandbox.credentials import ATLASSIAN_EMAIL, ATLASSIAN_TOKEN
from sandbox.model import ConfluencePage

AUTH = (ATLASSIAN_EMAIL, ATLASSIAN_TOKEN)
SEARCH = "/wiki/rest/api/search"


def search(server: SandboxServer, cql: str, **params) -> requests.Response:
    return requests.get(f"{server.url}{SEARCH}", params={"cql": cql, **params}, auth=AUTH)


def found(server: SandboxServer, cql: str, **params) -> list[dict]:
    """Every result of a query, following each `next` link verbatim from `<site>/wiki`."""
    response = search(server, cql, **params)
    results = []
    while True:
        assert response.status_code == 200, response.text
        body = response.json()
        results += body["results"]
        if "next" not in body["_links"]:
            return results
        response = requests.get(f"{server.url}/wiki{body['_links']['next']}", auth=AUTH)


def ids(results: list[dict]) -> list[str]:
    return [r["content"]["id"] for r in results]


def current(server: SandboxServer) -> list[ConfluencePage]:
    return server.confluence.listed({"current"})


def space_of(portfolio, page: ConfluencePage) -> str:
    return next(s.key for s in portfolio.spaces if s.id == page.space_id)


def test_a_lastmodified_window_pages_through_exactly_the_registry_pages_modified_since(portfolio):
    with SandboxServer(portfolio) as server:
        server.advance(90)
        some = [p.id for p in current(server) if space_of(portfolio, p) == "ENG"][:2]
        server.confluence.edit_pages(some)
        bound = datetime(2026, 9, 15, 8, 30, tzinfo=UTC)
        cql = 'type = page AND space IN ("PMO", ENG) AND lastmodified >= "2026-09-15 08:30"'
        expected = {p.id for p in current(server) if p.current.created_at >= bound}
        assert set(some) <= expected and 3 < len(expected) < len(current(server))  # a real filter
        pages, response = [], search(server, cql, limit=2, expand="content.version")
        while True:
            body = response.json()
            pages.append(body)
            if "next" not in body["_links"]:
                break
            link = body["_links"]["next"]
            keys = [k for k, _v in parse_qsl(urlsplit(link).query)]
            assert link.startswith("/rest/api/search?") and 0 < keys.index("cursor") < len(keys) - 1
            response = requests.get(f"{server.url}/wiki{link}", auth=AUTH)
        got = [r for body in pages for r in body["results"]]
    assert len(ids(got)) == len(set(ids(got))) and set(ids(got)) == expected
    assert len(pages) == -(-len(expected) // 2) and all(b["size"] == len(b["results"]) <= 2 for b in pages)
    assert all(b["totalSize"] == len(expected) and b["limit"] == 2 for b in pages)
    assert [b["start"] for b in pages] == list(range(0, len(expected), 2))
    assert pages[0]["_links"]["base"] == f"{server.url}/wiki" and pages[0]["_links"]["context"] == "/wiki"
    assert pages[0]["cqlQuery"] == cql
    stamps = [r["lastModified"] for r in got]
    assert stamps == sorted(stamps) and all(r["entityType"] == "content" and r["excerpt"] == "" for r in got)


def test_and_binds_tighter_than_or_and_every_clause_form_is_read(portfolio, sandbox):
    pages = current(sandbox)
    eng = {p.id for p in pages if space_of(portfolio, p) == "ENG"}
    pmo = [p for p in pages if space_of(portfolio, p) == "PMO"]
    one = pmo[2].id
    assert set(ids(found(sandbox, f"space = ENG OR space = PMO AND id = {one}"))) == eng | {one}
    assert set(ids(found(sandbox, f"(space = ENG OR space = PMO) AND id = {one}"))) == {one}
    assert set(ids(found(sandbox, f'TYPE IN ("page") and space.key = "PMO" and ID in ({one}, 1)'))) == {one}
    cutoff = datetime(2026, 10, 1, tzinfo=UTC)
    older = {p.id for p in pages if p.current.created_at < cutoff}
    assert set(ids(found(sandbox, "type = page AND lastmodified < '2026/10/01'"))) == older
    assert set(ids(found(sandbox, 'type = page AND lastmodified < "2026/10/01 00:00"'))) == older
    assert set(ids(found(sandbox, 'type = page AND lastModified >= "2026-10-01"'))) == {p.id for p in pages} - older


def test_cql_dates_are_read_in_the_accounts_time_zone(portfolio):
    for zone, utc_wall_finds_it in (("UTC", True), ("America/New_York", False)):
        with SandboxServer(portfolio, jql_time_zone=zone) as server:
            edited = current(server)[3].id
            server.confluence.edit_pages([edited])  # at about 2026-11-02 00:00Z = 2026-11-01 19:00 in New York
            utc_wall = ids(found(server, 'type = page AND lastmodified >= "2026-11-01 22:00"'))
            new_york_wall = ids(found(server, 'type = page AND lastmodified >= "2026-11-01 17:00"'))
        assert (edited in utc_wall) is utc_wall_finds_it, zone
        assert edited in new_york_wall


def test_a_page_changed_within_the_index_lag_is_searched_as_its_previous_version(portfolio):
    with SandboxServer(portfolio, index_lag_minutes=10) as server:
        server.advance(60)
        page = current(server)[4]
        server.confluence.edit_pages([page.id])
        window = 'type = page AND lastmodified >= "2026-11-02 00:30"'
        assert page.id not in ids(found(server, window))
        (hit,) = found(server, f"id = {page.id}", expand="content.version")
        # the index still holds the previous version; the content is read live, as Confluence hydrates hits
        assert hit["lastModified"] == page.current.created_at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        assert hit["content"]["version"]["number"] == page.current.number + 1
        # a page whose only version is that young (the sandbox cannot create pages: one is stood in)
        young = current(server)[5]
        with server.confluence.lock:
            made = replace(young.current, number=1, created_at=server.clock.now())
            server.confluence.pages[young.id] = replace(young, versions=(made,))
        assert found(server, f"id = {young.id}") == []
        server.advance(11)
        assert page.id in ids(found(server, window)) and ids(found(server, f"id = {young.id}")) == [young.id]


def test_label_search_follows_labels_changed_without_a_new_version(portfolio):
    with SandboxServer(portfolio) as server:
        charters = {p.id for p in current(server) if "charter" in p.labels}
        plain = next(p for p in current(server) if not p.labels)
        assert charters and set(ids(found(server, "label = charter"))) == charters
        assert plain.id not in ids(found(server, 'label IN ("charter", "escalation")'))
        mutate = f"{server.url}/_sandbox/mutate"
        added = requests.post(mutate, json={"op": "label_pages", "ids": [plain.id], "label": "Escalation"}).json()
        assert added["results"] == [{"op": "label_pages", "page_ids": [plain.id]}]
        assert set(ids(found(server, 'label IN ("charter", "escalation")'))) == charters | {plain.id}
        assert ids(found(server, 'label = "escalation"')) == ids(found(server, "label = Escalation")) == [plain.id]
        labelled = server.confluence.get(plain.id)[0]
        assert labelled.labels == ("escalation",) and labelled.versions == plain.versions
        removed = requests.post(mutate, json={"op": "unlabel_pages", "ids": [plain.id], "label": "escalation"}).json()
        assert removed["results"] == [{"op": "unlabel_pages", "page_ids": [plain.id]}]
        assert found(server, "label = escalation") == []
        assert server.confluence.get(plain.id)[0].versions == plain.versions
        bad = requests.post(mutate, json={"op": "label_pages", "ids": [plain.id], "label": "two words"})
        assert bad.status_code == 400


def test_trashed_and_purged_pages_are_not_found(portfolio):
    with SandboxServer(portfolio) as server:
        trashed, purged = current(server)[1].id, current(server)[2].id
        both = f"id IN ({trashed}, {purged})"
        assert sorted(ids(found(server, both))) == sorted([trashed, purged])
        server.confluence.trash_pages([trashed])
        server.confluence.purge_pages([purged])
        assert found(server, both) == []
        assert set(ids(found(server, "type = page"))) == {p.id for p in current(server)}
        assert {trashed, purged}.isdisjoint(ids(found(server, "type = page")))


@pytest.mark.parametrize(
    ("cql", "said"),
    [
        ("", "cql query parameter is required"),
        ("type = blogpost", "not support type blogpost"),
        ("title ~ roadmap", "not support the field 'title'"),
        ("space != PMO", "not support 'space !='"),
        ("NOT space = PMO", "not support NOT"),
        ("space = PMO ORDER BY lastmodified", "not support ORDER BY"),
        ('lastmodified >= now("-1d")', "not support functions such as now()"),
        ("lastmodified = '2026-10-01'", "not support 'lastmodified ='"),
        ("lastmodified >= '01/10/2026'", "not support the date '01/10/2026'"),
        ("creator = me", "not support the field 'creator'"),
        ("space = PMO AND", "Could not parse cql"),
        ("(space = PMO", "Could not parse cql"),
        ("space = PMO OR OR space = ENG", "Could not parse cql"),
        ("id = abc", "Could not parse cql"),
    ],
)
def test_cql_outside_the_subset_is_refused_not_ignored(sandbox, cql, said):
    response = search(sandbox, cql)
    assert response.status_code == 400
    body = response.json()
    assert body["statusCode"] == 400 and body["reason"] == "Bad Request" and said in body["message"]


def test_cursors_auth_and_a_removed_v1(portfolio, sandbox):
    first = search(sandbox, "space = PMO", limit=1).json()
    cursor = dict(parse_qsl(urlsplit(first["_links"]["next"]).query))["cursor"]
    assert search(sandbox, "space = PMO", limit=1, cursor=cursor).status_code == 200
    foreign = search(sandbox, "space = ENG", limit=1, cursor=cursor)
    assert foreign.status_code == 400 and foreign.json()["message"] == "Invalid cursor"
    assert search(sandbox, "space = PMO", cursor=cursor[:-1] + "x").status_code == 400
    # `start` alone offsets the list; next to a cursor it is ignored
    everything = ids(found(sandbox, "space = PMO"))
    assert ids(search(sandbox, "space = PMO", start=2).json()["results"]) == everything[2:]
    with_cursor = search(sandbox, "space = PMO", limit=1, cursor=cursor, start=5).json()
    assert ids(with_cursor["results"]) == everything[1:2] and with_cursor["start"] == 1
    assert search(sandbox, "space = PMO", limit=1000).json()["limit"] == 250
    assert search(sandbox, "space = PMO", expand="content.body.storage").status_code == 400
    unauthenticated = requests.get(f"{sandbox.url}{SEARCH}", params={"cql": "type = page"})
    assert unauthenticated.status_code == 401 and unauthenticated.json()["errors"][0]["code"] == "UNAUTHORIZED"
    with SandboxServer(portfolio, confluence_v1_gone=True) as gone:
        response = search(gone, "type = page")
        assert response.status_code == 410 and response.json()["statusCode"] == 410
        assert requests.get(f"{gone.url}{SEARCH}", params={"cql": "type = page"}).status_code == 401
        assert requests.get(f"{gone.url}/wiki/api/v2/pages", auth=AUTH).status_code == 200


def test_expanded_versions_are_the_registrys(portfolio):
    with SandboxServer(portfolio) as server:
        server.advance(5)
        server.confluence.edit_pages([current(server)[0].id])
        results = found(server, "type = page", expand="content.version", limit=4)
        registry = {p.id: p.current for p in current(server)}
        assert sorted(ids(results)) == sorted(registry)
        for result in results:
            version = result["content"]["version"]
            live = registry[result["content"]["id"]]
            assert version["number"] == live.number and version["minorEdit"] == live.minor_edit
            assert datetime.fromisoformat(version["when"]) == live.created_at
        plain = search(server, "type = page").json()["results"][0]["content"]
        assert "version" not in plain and "version" in plain["_expandable"]
    assert any(v.created_at > portfolio.now - timedelta(minutes=1) for v in registry.values())
