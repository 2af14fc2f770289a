"""Jira, Jira Software and Confluence endpoints page, filter and fail the way the real ones do."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest

from sandbox.http_kit import ApiRequest
from sandbox.jira_api import JiraApi
from sandbox.jira_state import JiraState
from sandbox.timefmt import epoch_ms

PORTFOLIO_KEYS = ("APL", "BOR", "DRC")


def search_all(jira, url, jql, **params):
    """Follow nextPageToken to the end; returns (issues, pages)."""
    issues, pages, token = [], [], None
    while True:
        query = {"jql": jql, **params, **({"nextPageToken": token} if token else {})}
        body = jira.get(f"{url}/rest/api/3/search/jql", params=query).json()
        pages.append(body)
        issues += body["issues"]
        token = body.get("nextPageToken")
        if body["isLast"]:
            assert token is None
            return issues, pages


def test_search_jql_pages_by_token_returns_only_ids_by_default_and_no_total(portfolio, sandbox, jira):
    issues, pages = search_all(jira, sandbox.url, "project = APL ORDER BY id", maxResults=40)
    expected = [str(i.id) for i in portfolio.site_issues if i.project_key == "APL"]
    assert [i["id"] for i in issues] == expected
    assert all(set(i) == {"id"} for i in issues)
    assert len(pages) == -(-len(expected) // 40)
    assert all("total" not in page for page in pages)
    assert all("nextPageToken" in page and not page["isLast"] for page in pages[:-1])


def test_search_jql_caps_pages_at_100_with_fields_and_5000_for_ids(portfolio, sandbox, jira):
    url = f"{sandbox.url}/rest/api/3/search/jql"
    jql = "project in (APL, BOR, DRC)"
    body = jira.post(url, json={"jql": jql, "fields": ["summary", "status"], "maxResults": 500}).json()
    assert len(body["issues"]) == 100 and not body["isLast"]
    assert set(body["issues"][0]["fields"]) == {"summary", "status"}
    body = jira.get(url, params={"jql": jql, "fields": "id", "maxResults": 10_000}).json()
    assert len(body["issues"]) == sum(1 for i in portfolio.site_issues if i.project_key in PORTFOLIO_KEYS)
    assert body["isLast"] and "nextPageToken" not in body


def test_search_jql_rejects_a_token_from_another_query(sandbox, jira):
    first = jira.get(f"{sandbox.url}/rest/api/3/search/jql", params={"jql": "project = APL", "maxResults": 5}).json()
    r = jira.get(
        f"{sandbox.url}/rest/api/3/search/jql", params={"jql": "project = BOR", "nextPageToken": first["nextPageToken"]}
    )
    assert r.status_code == 400


def test_embedded_changelog_keeps_the_20_most_recent_and_reports_the_full_total(portfolio, sandbox, jira):
    busy = next(i for i in portfolio.issues if i.project_key == "DRC" and len(i.histories) > 40)
    issues, _ = search_all(jira, sandbox.url, "project = DRC", fields="key", expand="changelog", maxResults=100)
    found = next(i for i in issues if i["key"] == busy.key)
    changelog = found["changelog"]
    assert changelog["total"] == len(busy.histories) and changelog["startAt"] == 0
    assert changelog["maxResults"] == len(changelog["histories"]) == 20
    assert [h["id"] for h in changelog["histories"]] == [str(h.id) for h in reversed(busy.histories)][:20]


def test_changelog_bulkfetch_pages_through_every_history_oldest_first(portfolio, sandbox, jira):
    chosen = [i for i in portfolio.issues if i.project_key in PORTFOLIO_KEYS and len(i.histories) > 20][:6]
    chosen += [i for i in portfolio.issues if i.project_key == "APL"][:4]
    collected: dict[str, list[dict]] = {}
    token, pages = None, 0
    while True:
        body = {"issueIdsOrKeys": [i.key for i in chosen], "maxResults": 25}
        if token:
            body["nextPageToken"] = token
        page = jira.post(f"{sandbox.url}/rest/api/3/changelog/bulkfetch", json=body).json()
        pages += 1
        for entry in page["issueChangeLogs"]:
            collected.setdefault(entry["issueId"], []).extend(entry["changeHistories"])
        token = page.get("nextPageToken")
        if token is None:
            break
    assert pages == -(-sum(len(i.histories) for i in chosen) // 25)
    for issue in chosen:
        assert [h["id"] for h in collected[str(issue.id)]] == [str(h.id) for h in issue.histories]
    only_status = jira.post(
        f"{sandbox.url}/rest/api/3/changelog/bulkfetch",
        json={"issueIdsOrKeys": [chosen[0].key], "fieldIds": ["status"]},
    ).json()
    items = [it for log in only_status["issueChangeLogs"] for h in log["changeHistories"] for it in h["items"]]
    assert items and {it["fieldId"] for it in items} == {"status"}
    assert jira.post(f"{sandbox.url}/rest/api/3/changelog/bulkfetch", json={"issueIdsOrKeys": []}).status_code == 400


def test_the_removed_search_api_answers_410(sandbox, jira):
    for response in (
        jira.get(f"{sandbox.url}/rest/api/3/search", params={"jql": "project = APL"}),
        jira.post(f"{sandbox.url}/rest/api/3/search", json={"jql": "project = APL"}),
    ):
        assert response.status_code == 410
        assert "/rest/api/3/search/jql" in response.json()["errorMessages"][0]


@pytest.mark.parametrize("jql", ["", "order by id", "updated >= -1d", "updated >= 1700000000000 ORDER BY updated"])
def test_unbounded_jql_is_refused(sandbox, jira, jql):
    r = jira.get(f"{sandbox.url}/rest/api/3/search/jql", params={"jql": jql})
    assert r.status_code == 400
    assert r.json() == {
        "errorMessages": ["Unbounded JQL queries are not allowed here. Please add a search restriction to your query."],
        "errors": {},
    }


@pytest.mark.parametrize(
    "jql",
    [
        "project = NOPE",
        "project = APL OR project = BOR",
        "assignee = currentUser()",
        "project = APL AND updated >= 'yesterday'",
        "project = APL ORDER BY rank",
    ],
)
def test_jql_outside_the_supported_subset_is_a_400(sandbox, jira, jql):
    r = jira.get(f"{sandbox.url}/rest/api/3/search/jql", params={"jql": jql})
    assert r.status_code == 400 and r.json()["errorMessages"]


def test_jql_updated_bounds_accept_epoch_millis_and_minute_datetimes(portfolio, sandbox, jira):
    apl = [i for i in portfolio.issues if i.project_key == "APL"]
    pivot = sorted(i.updated for i in apl)[len(apl) // 2]
    minute = pivot.replace(second=0, microsecond=0)
    expected_ms = [str(i.id) for i in sorted(apl, key=lambda i: (i.updated, i.id)) if i.updated >= pivot]
    jql = f"project = APL AND updated >= {epoch_ms(pivot)} ORDER BY updated ASC, id ASC"
    issues, _ = search_all(jira, sandbox.url, jql, maxResults=1000)
    assert [i["id"] for i in issues] == expected_ms
    text = minute.strftime("%Y/%m/%d %H:%M")
    issues, _ = search_all(jira, sandbox.url, f'project = APL AND updated >= "{text}"', maxResults=1000)
    assert {i["id"] for i in issues} == {str(i.id) for i in apl if i.updated >= minute}


def test_worklog_feed_skips_the_last_minute_and_lists_by_id(portfolio, sandbox, jira):
    api = JiraApi(portfolio, JiraState(portfolio), tokens=None)  # type: ignore[arg-type]  # the feed needs no tokens
    newest = max((w for i in portfolio.issues for w in i.worklogs), key=lambda w: (w.updated, w.id))

    def feed(now):
        request = ApiRequest(
            "GET",
            "/rest/api/3/worklog/updated",
            {"since": [str(epoch_ms(newest.updated))]},
            {},
            b"",
            "http://sandbox",
            now,
        )
        return json.loads(api.worklogs_updated(request).body)["values"]

    assert newest.id not in [v["worklogId"] for v in feed(newest.updated + timedelta(seconds=30))]
    assert newest.id in [v["worklogId"] for v in feed(newest.updated + timedelta(seconds=61))]
    body = jira.get(f"{sandbox.url}/rest/api/3/worklog/updated", params={"since": 0}).json()
    assert len(body["values"]) == 1000 and not body["lastPage"] and body["nextPage"].startswith(sandbox.url)
    ids = [v["worklogId"] for v in body["values"][:3]]
    listed = jira.post(f"{sandbox.url}/rest/api/3/worklog/list", json={"ids": ids}).json()
    assert [int(w["id"]) for w in listed] == sorted(ids)
    deleted = jira.get(f"{sandbox.url}/rest/api/3/worklog/deleted", params={"since": 0}).json()
    assert deleted["values"] == [] and deleted["lastPage"] is True


def test_agile_boards_and_sprints_page_by_offset(portfolio, sandbox, jira):
    url = f"{sandbox.url}/rest/agile/1.0"
    first = jira.get(f"{url}/board", params={"maxResults": 3}).json()
    second = jira.get(f"{url}/board", params={"maxResults": 3, "startAt": 3}).json()
    assert (first["total"], first["isLast"], second["isLast"]) == (4, False, True)
    assert len(first["values"]) + len(second["values"]) == 4
    bor = jira.get(f"{url}/board", params={"projectKeyOrId": "BOR"}).json()["values"]
    assert [b["location"]["projectKey"] for b in bor] == ["BOR"]
    sprints, start = [], 0
    while True:
        page = jira.get(f"{url}/board/1/sprint", params={"startAt": start, "maxResults": 2}).json()
        assert "total" not in page
        sprints += page["values"]
        start += len(page["values"])
        if page["isLast"]:
            break
    assert [s["id"] for s in sprints] == [s.id for s in portfolio.sprints if s.board_id == 1]
    states = [s["state"] for s in sprints]
    assert states == sorted(states, key=["closed", "active", "future"].index) and states[-2:] == ["active", "future"]
    assert all("completeDate" in s for s in sprints if s["state"] == "closed")
    assert not any(k in sprints[-1] for k in ("startDate", "endDate", "completeDate"))
    assert jira.get(f"{url}/board/1/sprint", params={"maxResults": 500}).json()["maxResults"] == 50
    kanban = next(p.board_id for p in portfolio.jira_projects if p.board_type == "kanban")
    assert jira.get(f"{url}/board/{kanban}/sprint").status_code == 400


def test_confluence_cursor_paging_follows_link_header_and_visits_each_page_once(portfolio, sandbox, jira):
    pmo = next(s for s in portfolio.spaces if s.key == "PMO")
    spaces = jira.get(f"{sandbox.url}/wiki/api/v2/spaces", params={"keys": "PMO"}).json()
    assert [s["id"] for s in spaces["results"]] == [pmo.id] and "next" not in spaces["_links"]
    url, titles, pages = f"{sandbox.url}/wiki/api/v2/spaces/{pmo.id}/pages?limit=3&body-format=storage", [], 0
    while url:
        r = jira.get(url)
        body, pages = r.json(), pages + 1
        titles += [p["title"] for p in body["results"]]
        assert body["_links"]["base"] == f"{sandbox.url}/wiki"
        nxt = body["_links"].get("next")
        if nxt is None:
            assert "Link" not in r.headers
            break
        assert r.headers["Link"].startswith(f'<{nxt}>; rel="next"')
        keys = [k for k, _v in parse_qsl(urlsplit(nxt).query)]
        assert 0 < keys.index("cursor") < len(keys) - 1
        url = f"{sandbox.url}{nxt}"
    assert sorted(titles) == sorted(p.title for p in pmo.pages) and pages == -(-len(pmo.pages) // 3)
    tampered = jira.get(f"{sandbox.url}/wiki/api/v2/spaces/{pmo.id}/pages", params={"cursor": "abc.def"})
    assert tampered.status_code == 400


def test_charter_pages_carry_the_page_properties_macro(portfolio, sandbox, jira):
    pmo = next(s for s in portfolio.spaces if s.key == "PMO")
    for project in portfolio.projects:
        found = jira.get(
            f"{sandbox.url}/wiki/api/v2/pages",
            params={"space-id": pmo.id, "title": project.charter_title, "body-format": "storage"},
        ).json()
        (page,) = found["results"]
        storage = page["body"]["storage"]["value"]
        assert '<ac:structured-macro ac:name="details"' in storage and "<p>Budget</p>" in storage.replace(
            "<strong>", ""
        ).replace("</strong>", "")
        versions = jira.get(f"{sandbox.url}/wiki/api/v2/pages/{page['id']}/versions").json()["results"]
        assert [v["number"] for v in versions] == [3, 2, 1] and page["version"]["number"] == 3
