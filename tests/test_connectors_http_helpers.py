"""Pure helpers of the HTTP layer: URL joining, redaction, error bodies, throttling, ordering."""

from __future__ import annotations

import threading
import time

import pytest

from connectors.errors import parse_error_detail
from connectors.http import HttpClient
from connectors.parallel import ordered_map
from connectors.ratelimit import RateLimiter, endpoint_of
from connectors.redact import redact_url, scrub_pairs
from connectors.urls import join_url

pytest_plugins = ["tests.stub_http"]

SECRET_TOKEN = "ATATT3xFfGF0-super-secret-token"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('{"errorMessages": ["Bad JQL"], "errors": {"jql": "unbounded"}}', "Bad JQL; jql: unbounded"),
        (
            '{"errors": [{"status": 404, "code": "NOT_FOUND", "title": "Not Found", "detail": "no page"}]}',
            "Not Found: no page",
        ),
        ("invalid token", "invalid token"),
        ('{"message": "API_TOKEN_LIMIT_EXCEEDED", "error": "x"}', "API_TOKEN_LIMIT_EXCEEDED"),
        ("x" * 500, "x" * 299 + "…"),
        ('{"errorMessages": [], "errors": {}}', ""),
    ],
)
def test_vendor_error_bodies_become_one_short_line(body, expected):
    assert parse_error_detail(body) == expected


# -- URLs and redaction ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "link", "expected"),
    [
        ("http://h/wiki", "/wiki/api/v2/pages?cursor=x", "http://h/wiki/api/v2/pages?cursor=x"),
        ("http://h/wiki", "/api/v2/spaces", "http://h/wiki/api/v2/spaces"),
        (
            "https://api.atlassian.com/ex/confluence/c1",
            "/wiki/api/v2/pages",
            "https://api.atlassian.com/ex/confluence/c1/wiki/api/v2/pages",
        ),
        (
            "https://api.atlassian.com/ex/confluence/c1/wiki",
            "/wiki/api/v2/pages?limit=5&cursor=a%3D",
            "https://api.atlassian.com/ex/confluence/c1/wiki/api/v2/pages?limit=5&cursor=a%3D",
        ),
        ("https://acme.atlassian.net", "/rest/api/3/myself", "https://acme.atlassian.net/rest/api/3/myself"),
        ("https://acme.atlassian.net/", "rest/api/3/field", "https://acme.atlassian.net/rest/api/3/field"),
        ("http://h:8/wiki", "http://h:8/wiki/x?since=1", "http://h:8/wiki/x?since=1"),  # same origin: verbatim
        (
            "https://api.atlassian.com/ex/jira/c1",
            "https://acme.atlassian.net/rest/api/3/worklog/updated?since=5",
            "https://api.atlassian.com/ex/jira/c1/rest/api/3/worklog/updated?since=5",
        ),  # never leave our host
    ],
)
def test_join_url(base, link, expected):
    assert join_url(base, link) == expected


def test_redaction_masks_secret_params_and_userinfo_only():
    url = "https://user:pw@h/1/boards?keys=A&key=K&Token=T&apiKey=a&api_key=b&access_token=c&signature=s&x=1"
    assert redact_url(url) == (
        "https://h/1/boards?keys=A&key=***&Token=***&apiKey=***&api_key=***&access_token=***&signature=***&x=1"
    )
    assert scrub_pairs("url: /1/members/me?key=abc&token=def) x") == "url: /1/members/me?key=***&token=***) x"
    assert scrub_pairs("projectKey=ABC monkey=1") == "projectKey=ABC monkey=1"


def test_base_url_with_credentials_is_rejected_without_echoing_them():
    with pytest.raises(ValueError) as info:
        HttpClient("jira:acme", f"https://me:{SECRET_TOKEN}@acme.atlassian.net")
    assert SECRET_TOKEN not in str(info.value)


# -- proactive throttling ----------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_jira_near_limit_spaces_out_requests(fake_sleep):
    clock = Clock()
    limiter = RateLimiter(sleep=fake_sleep, clock=clock, near_limit_spacing=0.5, near_limit_cooldown=60)
    assert limiter.before_request() == 0
    limiter.observe({"X-RateLimit-NearLimit": "true"}, clock())
    waits = [limiter.before_request() for _ in range(3)]
    assert waits == [0.0, 0.5, 1.0]  # slots are reserved across callers
    clock.now += 120  # cooldown over
    assert limiter.before_request() == 0


def test_trello_low_remaining_pauses_one_interval_once(fake_sleep):
    clock = Clock()
    limiter = RateLimiter(sleep=fake_sleep, clock=clock)
    headers = {
        "x-rate-limit-api-token-max": "100",
        "x-rate-limit-api-token-remaining": "50",
        "x-rate-limit-api-token-interval-ms": "10000",
    }
    limiter.observe(headers, clock())
    assert limiter.before_request() == 0
    sent_before_pause = clock()
    limiter.observe({**headers, "x-rate-limit-api-token-remaining": "3"}, clock())
    assert limiter.before_request() == 10.0
    # A late answer to a request sent in the old window must not extend the pause.
    limiter.observe({**headers, "x-rate-limit-api-token-remaining": "1"}, sent_before_pause)
    clock.now += 10
    assert limiter.before_request() == 0


def test_jira_burst_429_pauses_only_its_endpoint_and_a_quota_429_the_whole_site(fake_sleep):
    clock = Clock()
    limiter = RateLimiter(sleep=fake_sleep, clock=clock)
    bulk, issue = endpoint_of("POST", "/rest/api/3/issue/bulkfetch"), endpoint_of("GET", "/rest/api/3/issue/10001")
    assert issue == endpoint_of("GET", "/rest/api/3/issue/APL-7")  # one endpoint, whatever the object
    burst = {"Retry-After": "3", "RateLimit-Reason": "jira-burst-based"}
    limiter.observe(burst, clock(), 429, bulk)
    assert limiter.before_request(issue) == 0
    assert limiter.before_request(bulk) == 3.0
    limiter.observe({"Retry-After": "0", "RateLimit-Reason": "jira-burst-based"}, clock(), 429, issue)
    assert limiter.before_request(issue) == 1.0  # Retry-After 0 still means at least 1 s
    limiter.observe(burst, clock(), 200, issue)  # only a 429 pauses
    clock.now += 5
    assert limiter.before_request(bulk) == limiter.before_request(issue) == 0
    quota = {"Retry-After": "7", "X-Beta-Ratelimit-Reason": "jira-quota-tenant-based"}
    limiter.observe(quota, clock(), 429, bulk)
    assert limiter.before_request(issue) == 7.0 and limiter.before_request() == 7.0


# -- concurrency helper ------------------------------------------------------------------------


def test_ordered_map_keeps_input_order_and_runs_concurrently():
    active, peak, lock = [0], [0], threading.Lock()

    def work(n: int) -> int:
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.01 * (n % 3))
        with lock:
            active[0] -= 1
        return n * n

    assert list(ordered_map(work, range(20), 4)) == [n * n for n in range(20)]
    assert 1 < peak[0] <= 4


def test_ordered_map_raises_the_first_error_in_order():
    def work(n: int) -> int:
        if n == 3:
            raise RuntimeError("boom")
        return n

    results: list[int] = []
    with pytest.raises(RuntimeError, match="boom"):
        for value in ordered_map(work, range(10), 4):
            results.append(value)
    assert results == [0, 1, 2]
