"""The sandbox's HTTP behaviour across vendors: auth, errors, faults, latency, Trello paging, ground truth."""

from __future__ import annotations

import time

import pytest
import requests

from sandbox import SandboxServer
from sandbox.credentials import ATLASSIAN_EMAIL, ATLASSIAN_TOKEN, TRELLO_KEY, TRELLO_TOKEN
from sandbox.faults import parse_fault

AUTH = (ATLASSIAN_EMAIL, ATLASSIAN_TOKEN)
TRELLO = {"key": TRELLO_KEY, "token": TRELLO_TOKEN}


def test_wrong_or_missing_credentials_get_each_vendors_401(sandbox):
    url = sandbox.url
    for auth in (None, (ATLASSIAN_EMAIL, "wrong")):
        r = requests.get(f"{url}/rest/api/3/myself", auth=auth)
        assert r.status_code == 401 and r.headers["Content-Type"].startswith("application/json")
        assert r.json() == {"errorMessages": ["Client must be authenticated to access this resource."], "errors": {}}
        r = requests.get(f"{url}/wiki/api/v2/spaces", auth=auth)
        assert r.status_code == 401
        error = {"status": 401, "code": "UNAUTHORIZED", "title": "Unauthorized", "detail": None}
        assert r.json() == {"errors": [error]}
    r = requests.get(f"{url}/1/members/me", params={"key": "nope", "token": TRELLO_TOKEN})
    assert (r.status_code, r.text, r.headers["Content-Type"].split(";")[0]) == (401, "invalid key", "text/plain")
    r = requests.get(f"{url}/1/members/me", params={"key": TRELLO_KEY, "token": "nope"})
    assert (r.status_code, r.text) == (401, "invalid token")
    oauth = f'OAuth oauth_consumer_key="{TRELLO_KEY}", oauth_token="{TRELLO_TOKEN}"'
    assert requests.get(f"{url}/1/members/me", headers={"Authorization": oauth}).status_code == 200


def test_unknown_paths_and_methods_answer_in_vendor_shape(sandbox):
    r = requests.get(f"{sandbox.url}/rest/api/3/nothing-here", auth=AUTH)
    assert r.status_code == 404 and "errorMessages" in r.json()
    r = requests.delete(f"{sandbox.url}/rest/api/3/myself", auth=AUTH)
    assert r.status_code == 405 and "errorMessages" in r.json()
    r = requests.get(f"{sandbox.url}/wiki/api/v2/pages/999999999", auth=AUTH)
    assert r.status_code == 404 and r.json()["errors"][0]["code"] == "NOT_FOUND"
    r = requests.get(f"{sandbox.url}/1/boards/{'0' * 24}", params=TRELLO)
    assert (r.status_code, r.text) == (404, "The requested resource was not found.")
    assert requests.get(f"{sandbox.url}/1/boards/not-an-id", params=TRELLO).status_code == 400


def test_injected_429_and_503_then_success(portfolio):
    faults = ["429:/rest/api/3/myself:2:0", "503:^/1/members/:1"]
    with SandboxServer(portfolio, faults=faults) as srv:
        codes = [requests.get(f"{srv.url}/rest/api/3/myself", auth=AUTH) for _ in range(3)]
        assert [r.status_code for r in codes] == [429, 429, 200]
        assert codes[0].headers["Retry-After"] == "0" and "errorMessages" in codes[0].json()
        trello = [requests.get(f"{srv.url}/1/members/me", params=TRELLO).status_code for _ in range(2)]
        assert trello == [503, 200]
        assert srv.request_count == 5 and srv.request_log[0] == ("GET", "/rest/api/3/myself")
    assert parse_fault("429:a:b:3").pattern.pattern == "a:b" and parse_fault("429:x:1").retry_after == 1
    for bad in ("500:/x:1", "429:/x", "429:(:1"):
        with pytest.raises(ValueError):
            parse_fault(bad)


def test_latency_delays_every_response(portfolio):
    with SandboxServer(portfolio, latency_ms=120) as srv:
        started = time.monotonic()
        requests.get(f"{srv.url}/1/members/me", params=TRELLO)
        assert time.monotonic() - started >= 0.12


def test_trello_actions_page_backwards_with_before_and_see_each_action_once(portfolio, sandbox):
    board = max(portfolio.trello_boards, key=lambda b: len(b.actions))
    seen, before = [], None
    while True:
        params = {**TRELLO, "filter": "all", "limit": 100, **({"before": before} if before else {})}
        r = requests.get(f"{sandbox.url}/1/boards/{board.id}/actions", params=params)
        assert int(r.headers["x-rate-limit-api-token-max"]) == 100
        page = r.json()
        if not page:
            break
        assert [a["id"] for a in page] == sorted((a["id"] for a in page), reverse=True)
        seen += [a["id"] for a in page]
        before = page[-1]["id"]
    assert len(seen) == len(set(seen)) == len(board.actions)
    newest = requests.get(f"{sandbox.url}/1/boards/{board.id}/actions", params={**TRELLO, "since": seen[10]}).json()
    assert [a["id"] for a in newest] == seen[:10]
    day = board.actions[-1].date.date().isoformat()
    today = requests.get(f"{sandbox.url}/1/boards/{board.id}/actions", params={**TRELLO, "since": day}).json()
    assert [a["id"] for a in today] == [a.id for a in reversed(board.actions) if a.date.date().isoformat() >= day][:50]
    assert len(requests.get(f"{sandbox.url}/1/boards/{board.id}/actions", params=TRELLO).json()) == 50
    moves = requests.get(
        f"{sandbox.url}/1/boards/{board.id}/actions", params={**TRELLO, "filter": "createCard", "limit": 1000}
    ).json()
    assert {a["type"] for a in moves} == {"createCard"} and len(moves) == len(board.cards)


def test_trello_cards_all_includes_archived_and_pages_by_id(portfolio, sandbox):
    board = portfolio.trello_boards[0]
    url = f"{sandbox.url}/1/boards/{board.id}/cards"
    every = requests.get(f"{url}/all", params=TRELLO).json()
    assert len(every) == len(board.cards) and any(c["closed"] for c in every)
    closed_lists = {lst.id for lst in board.lists if lst.closed}
    visible = requests.get(url, params=TRELLO).json()
    assert len(visible) == sum(1 for c in board.cards if not c.closed and c.list_id not in closed_lists)
    seen, before = [], None
    while True:
        params = {**TRELLO, "limit": 20, **({"before": before} if before else {})}
        page = requests.get(f"{url}/all", params=params).json()
        if not page:
            break
        seen += [c["id"] for c in page]
        before = page[-1]["id"]
    assert seen == sorted((c.id for c in board.cards), reverse=True)
    lists = requests.get(f"{sandbox.url}/1/boards/{board.id}/lists", params={**TRELLO, "filter": "all"}).json()
    assert len(lists) == len(board.lists) and sum(lst["closed"] for lst in lists) == 1


def test_ground_truth_matches_what_the_api_serves(portfolio, sandbox):
    jira = requests.Session()
    jira.auth = AUTH
    truth, url = portfolio.ground_truth, sandbox.url
    start = sandbox.request_count
    keys = portfolio.pmhub_config(url)["sources"]["jira"][0]["projects"]
    found = jira.get(
        f"{url}/rest/api/3/search/jql", params={"jql": f"project in ({', '.join(keys)})", "maxResults": 5000}
    ).json()
    assert found["isLast"]
    issue_ids = {i["id"] for i in found["issues"]}
    boards = jira.get(f"{url}/rest/agile/1.0/board", params={"type": "scrum"}).json()["values"]
    sprints = {
        s["id"]
        for b in boards
        if b["location"]["projectKey"] in keys
        for s in jira.get(f"{url}/rest/agile/1.0/board/{b['id']}/sprint").json()["values"]
    }
    status_changes = 0
    token = None
    while True:
        body = {"issueIdsOrKeys": sorted(issue_ids), "fieldIds": ["status"]}
        if token:
            body["nextPageToken"] = token
        page = jira.post(f"{url}/rest/api/3/changelog/bulkfetch", json=body).json()
        status_changes += sum(len(h["items"]) for log in page["issueChangeLogs"] for h in log["changeHistories"])
        token = page.get("nextPageToken")
        if not token:
            break
    worklogs, since = set(), 0
    while True:
        feed = jira.get(f"{url}/rest/api/3/worklog/updated", params={"since": since}).json()
        ids_page = [v["worklogId"] for v in feed["values"]]
        listed = jira.post(f"{url}/rest/api/3/worklog/list", json={"ids": ids_page}).json()
        worklogs |= {w["id"] for w in listed if w["issueId"] in issue_ids}
        if feed["lastPage"]:
            break
        since = feed["until"]
    config = portfolio.pmhub_config(url)
    cards = 0
    for board_id in config["sources"]["trello"][0]["boards"]:
        cards += len(requests.get(f"{url}/1/boards/{board_id}/cards/all", params=TRELLO).json())
        actions = requests.get(f"{url}/1/boards/{board_id}/actions", params={**TRELLO, "limit": 1000}).json()
        assert len(actions) < 1000  # small boards fit one page
        status_changes += sum(1 for a in actions if a["type"] == "updateCard" and "listBefore" in a["data"])
    pmo = jira.get(f"{url}/wiki/api/v2/spaces", params={"keys": "PMO"}).json()["results"][0]
    documents = jira.get(f"{url}/wiki/api/v2/spaces/{pmo['id']}/pages", params={"limit": 250}).json()["results"]
    risk_issues = sum(1 for r in truth.risks if r.tool == "jira")  # served, yet the register's, not work items
    assert len(issue_ids) - risk_issues + cards == truth.work_items
    assert len(sprints) == truth.sprints and len(worklogs) == truth.worklogs
    assert status_changes == truth.status_changes and len(documents) == truth.documents
    assert truth.budgets == len(config["portfolio"]) == 5
    assert sandbox.request_count - start < 150
