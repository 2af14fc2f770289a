"""What makes incremental Jira syncs silently skip data: account time zones, index lag, the sandbox
clock and the worklog feed's last minute, and 429 bursts."""

from __future__ import annotations

from datetime import timedelta
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

import pytest
import requests

from sandbox import SandboxServer
from sandbox.credentials import TRELLO_KEY, TRELLO_TOKEN
from sandbox.faults import parse_fault
from sandbox.timefmt import epoch_ms

PORTFOLIO_KEYS = ("APL", "BOR", "DRC")


def search_ids(jira, url, jql):
    issues, token = [], None
    while True:
        body = {"jql": jql, "fields": ["id"], "maxResults": 5000, **({"nextPageToken": token} if token else {})}
        page = jira.post(f"{url}/rest/api/3/search/jql", json=body)
        assert page.status_code == 200, page.text
        issues += [i["id"] for i in page.json()["issues"]]
        token = page.json().get("nextPageToken")
        if page.json()["isLast"]:
            return issues


@pytest.mark.parametrize(("zone", "misses"), [("America/New_York", True), ("Asia/Tokyo", False)])
def test_bare_jql_datetimes_are_read_in_the_account_zone_and_epoch_millis_are_not(portfolio, jira, zone, misses):
    """A UTC watermark written without a zone skips issues west of UTC and re-reads them east of it."""
    mine = [i for i in portfolio.issues if i.project_key in PORTFOLIO_KEYS]
    # The watermark: 6 h before the newest change, at minute precision as bare JQL datetimes have.
    watermark = (max(i.updated for i in mine) - timedelta(hours=6)).replace(second=0, microsecond=0)
    bare = watermark.strftime("%Y/%m/%d %H:%M")
    local_bound = watermark.replace(tzinfo=ZoneInfo(zone))  # the same wall time, read in the account's zone
    with SandboxServer(portfolio, jql_time_zone=zone) as server:
        keys = ", ".join(PORTFOLIO_KEYS)
        by_epoch = set(search_ids(jira, server.url, f"project in ({keys}) AND updated >= {epoch_ms(watermark)}"))
        by_text = set(search_ids(jira, server.url, f'project in ({keys}) AND updated >= "{bare}"'))
        dashed = set(search_ids(jira, server.url, f"project in ({keys}) AND updated >= '{bare.replace('/', '-')}'"))
    assert by_epoch == {str(i.id) for i in mine if i.updated >= watermark}
    assert by_text == dashed == {str(i.id) for i in mine if i.updated >= local_bound}
    if misses:
        assert by_text < by_epoch  # the incremental run loses these issues, and still reports success
    else:
        assert by_text > by_epoch  # re-read, harmless after dedupe


def test_index_lag_hides_fresh_changes_from_search_but_not_from_reads(portfolio, jira):
    with SandboxServer(portfolio, index_lag_minutes=5) as server:
        url = server.url
        server.advance(10)  # the index has caught up with everything generated
        before = server.clock.now()
        touched = server.touch(0.05, seed=11).issue_ids
        (created,) = server.create_issues(1, "APL", seed=1).issue_ids
        fresh = {str(i) for i in (*touched, created)}
        jql = f"project in (APL, BOR, DRC) AND updated >= {epoch_ms(before)}"
        assert search_ids(jira, url, jql) == []
        census = set(search_ids(jira, url, "project in (APL, BOR, DRC)"))
        portfolio_issues = {str(i.id) for i in portfolio.site_issues if i.project_key in PORTFOLIO_KEYS}
        # a changed issue is still found as its indexed old version; a new one is not found yet
        assert census == portfolio_issues and str(created) not in census
        old_versions = f"project in (APL, BOR, DRC) AND updated < {epoch_ms(before)}"
        assert {str(i) for i in touched} <= set(search_ids(jira, url, old_versions))
        count = jira.post(f"{url}/rest/api/3/search/approximate-count", json={"jql": jql}).json()
        assert count == {"count": 0}
        for issue_id in fresh:  # reads are consistent: the new version is there at once
            body = jira.get(f"{url}/rest/api/3/issue/{issue_id}", params={"fields": "updated"}).json()
            assert body["fields"]["updated"].startswith(server.issue_updated(int(issue_id)).strftime("%Y-%m-%dT%H:%M"))
        bulk = jira.post(f"{url}/rest/api/3/issue/bulkfetch", json={"issueIdsOrKeys": sorted(fresh)}).json()
        assert {i["id"] for i in bulk["issues"]} == fresh and bulk["issueErrors"] == []
        server.advance(5 + 1 / 60)  # the lag, plus the index's one-second refresh granularity
        assert set(search_ids(jira, url, jql)) == fresh


def test_an_issue_updated_between_two_pages_shifts_the_rest(portfolio, jira):
    """Tokens point at an offset, as Jira's do: a change during paging repeats one issue and skips another."""
    with SandboxServer(portfolio) as server:
        url, jql = f"{server.url}/rest/api/3/search/jql", "project = APL ORDER BY updated ASC, id ASC"
        first = jira.get(url, params={"jql": jql, "maxResults": 50}).json()
        moved = int(first["issues"][0]["id"])
        server.touch(0, ids=[moved])  # now the most recently updated: it jumps to the end of the order
        rest, token = [], first["nextPageToken"]
        while token:
            page = jira.get(url, params={"jql": jql, "maxResults": 50, "nextPageToken": token}).json()
            rest += [i["id"] for i in page["issues"]]
            token = page.get("nextPageToken")
    seen = [i["id"] for i in first["issues"]] + rest
    apl = sorted((i for i in portfolio.site_issues if i.project_key == "APL"), key=lambda i: (i.updated, i.id))
    assert seen.count(str(moved)) == 2 and len(seen) == len(apl)
    assert set(seen) == {str(i.id) for i in apl} - {str(apl[50].id)}  # the first issue of page 2 was skipped


def test_clock_runs_from_the_portfolio_now_and_advances_on_demand(portfolio, jira):
    with SandboxServer(portfolio) as server:
        first = server.clock.now()
        assert portfolio.now <= first < portfolio.now + timedelta(seconds=30)
        later = server.advance(90)
        assert later - first >= timedelta(minutes=90) and server.clock.now() >= later
        response = jira.get(f"{server.url}/rest/api/3/serverInfo")
        assert response.json()["serverTime"] >= later.strftime("%Y-%m-%dT%H:%M")
        # the Date header tells the site's time too: clients use it to know what a read holds
        said = parsedate_to_datetime(response.headers["Date"])
        assert later - timedelta(seconds=1) <= said <= server.clock.now()
        clock = requests.get(f"{server.url}/_sandbox/clock").json()
        assert clock["epochMs"] >= epoch_ms(later)
        with pytest.raises(ValueError):
            server.advance(-1)


def test_worklog_feeds_leave_out_the_last_minute_of_the_sandbox_clock(portfolio, jira):
    with SandboxServer(portfolio) as server:
        server.advance(10)
        since = epoch_ms(server.clock.now())
        logged = set(server.touch(0.3, seed=2).worklog_ids)
        (gone,) = server.delete_worklogs(1, seed=3).worklog_ids
        assert logged

        def feed(kind):
            body = jira.get(f"{server.url}/rest/api/3/worklog/{kind}", params={"since": since}).json()
            return {v["worklogId"] for v in body["values"]}

        assert feed("updated") == set() and feed("deleted") == set()
        server.advance(0.5)
        assert feed("updated") == set()
        server.advance(0.6)
        assert feed("updated") == logged - {gone} and feed("deleted") == {gone}


def test_429_with_retry_after_zero_and_larger_then_success(portfolio, jira):
    faults = ["429:/rest/api/3/myself:1:0", "429:/rest/api/3/field:1:7", "503:/rest/api/3/status:1"]
    with SandboxServer(portfolio, faults=faults) as server:
        url = server.url
        zero, seven, unavailable = (jira.get(f"{url}/rest/api/3/{p}") for p in ("myself", "field", "status"))
        assert (zero.status_code, zero.headers["Retry-After"]) == (429, "0")
        assert (seven.status_code, seven.headers["Retry-After"]) == (429, "7")
        assert unavailable.status_code == 503 and "Retry-After" not in unavailable.headers
        assert all(jira.get(f"{url}/rest/api/3/{p}").status_code == 200 for p in ("myself", "field", "status"))


def test_burst_fault_throttles_every_jira_path_after_a_near_limit_warning(portfolio, jira):
    with SandboxServer(portfolio, faults=["burst:3:2:10"]) as server:
        url = server.url
        paths = ["/rest/api/3/myself", "/rest/agile/1.0/board", "/rest/api/3/field"]
        passed = [jira.get(f"{url}{paths[n % 3]}") for n in range(10)]
        assert all(r.status_code == 200 for r in passed)
        assert [r.headers.get("X-RateLimit-NearLimit") for r in passed] == [None] * 8 + ["true"] * 2
        trello = requests.get(f"{url}/1/members/me", params={"key": TRELLO_KEY, "token": TRELLO_TOKEN})
        assert trello.status_code == 200  # Trello has its own limits
        throttled = [jira.get(f"{url}{path}") for path in paths]
        for response in throttled:
            assert response.status_code == 429 and response.headers["Retry-After"] == "2"
            assert response.headers["RateLimit-Reason"] == "jira-burst-based"
            assert response.headers["X-RateLimit-Remaining"] == "0" and response.json()["errorMessages"]
        assert jira.get(f"{url}/rest/api/3/myself").status_code == 200
        server.add_faults(["burst:1"])
        assert jira.get(f"{url}/rest/api/3/myself").headers["Retry-After"] == "1"
    assert parse_fault("burst:4").delay == 0 and parse_fault("burst:4:0:50").warn_within == 10
    for bad in ("burst:", "burst:x", "burst:1:2:3:4"):
        with pytest.raises(ValueError):
            parse_fault(bad)
