"""The shared HTTP layer end to end: retries, waits, errors and secrets, request hygiene."""

from __future__ import annotations

import logging
import random
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
import requests

from connectors.errors import ApiError, EndpointRemovedError
from connectors.http import HttpClient
from connectors.retry import backoff_delay, server_wait

if TYPE_CHECKING:
    from tests.stub_http import FakeSleep, StubServer

pytest_plugins = ["tests.stub_http"]

SECRET_TOKEN = "ATATT3xFfGF0-super-secret-token"
SECRET_KEY = "0123456789abcdef-trello-key"
SECRET_PASSWORD = "hunter2-password-value"


class MaxRandom(random.Random):
    """Jitter pinned to its upper bound, so backoff values are deterministic."""

    def uniform(self, a: float, b: float) -> float:
        return b


def client(server: StubServer, sleep: FakeSleep, **kwargs) -> HttpClient:
    kwargs.setdefault("rng", MaxRandom())
    kwargs.setdefault("backoff_base", 0.01)
    kwargs.setdefault("timeout", 5)
    return HttpClient("test:site", server.url, sleep=sleep, **kwargs)


# -- retries and waits -------------------------------------------------------------------------


def test_429_with_retry_after_zero_waits_at_least_one_second_then_succeeds(stub_server, fake_sleep):
    stub_server.route("GET", "/x", [(429, {"Retry-After": "0"}, {}), (200, {}, {"ok": True})])
    http = client(stub_server, fake_sleep)

    assert http.get_json("/x") == {"ok": True}
    assert len(fake_sleep.calls) == 1 and fake_sleep.calls[0] >= 1.0
    assert http.stats.as_dict() | {"wait_seconds": 0} == {
        "requests": 2,
        "retries": 1,
        "throttled": 1,
        "errors": 0,
        "wait_seconds": 0,
    }


def test_negative_retry_after_also_means_one_second(stub_server, fake_sleep):
    stub_server.route("GET", "/x", [(429, {"Retry-After": "-5"}, {}), (200, {}, [])])
    client(stub_server, fake_sleep).get_json("/x")
    assert fake_sleep.calls == [1.0]


def test_retry_after_is_a_minimum_not_a_maximum(stub_server, fake_sleep):
    # Small backoff: the server's 7 s wins. Large backoff: the backoff wins over the server's 2 s.
    stub_server.route("GET", "/small", [(429, {"Retry-After": "7"}, {}), (200, {}, {})])
    stub_server.route("GET", "/large", [(503, {"Retry-After": "2"}, {}), (200, {}, {})])
    client(stub_server, fake_sleep, backoff_base=0.01).get_json("/small")
    client(stub_server, fake_sleep, backoff_base=10.0).get_json("/large")
    assert fake_sleep.calls == [7.0, 10.0]


def test_backoff_is_exponential_and_capped_then_raises(stub_server, fake_sleep):
    stub_server.route("GET", "/down", (503, {}, "upstream unavailable"))
    http = client(stub_server, fake_sleep, backoff_base=1.0, backoff_cap=5.0, max_attempts=7)

    with pytest.raises(ApiError) as info:
        http.get_json("/down")
    assert fake_sleep.calls == [1.0, 2.0, 4.0, 5.0, 5.0, 5.0]
    assert info.value.status == 503 and "upstream unavailable" in str(info.value)
    assert http.stats.requests == 7 and http.stats.retries == 6 and http.stats.errors == 1


def test_full_jitter_stays_within_the_cap():
    rng = random.Random(7)
    delays = [backoff_delay(attempt, 0.5, 30.0, rng) for attempt in range(1, 40)]
    assert all(0.0 <= d <= 30.0 for d in delays)
    assert backoff_delay(3, 0.5, 30.0, MaxRandom()) == 2.0


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_are_retried(stub_server, fake_sleep, status):
    stub_server.route("GET", "/flaky", [(status, {}, "busy"), (200, {}, {"ok": 1})])
    assert client(stub_server, fake_sleep).get_json("/flaky") == {"ok": 1}
    assert len(stub_server.hits("GET", "/flaky")) == 2


def test_x_ratelimit_reset_is_used_when_there_is_no_retry_after():
    now = datetime(2026, 3, 2, 10, 0, 0, tzinfo=UTC)
    assert server_wait({"X-RateLimit-Reset": "2026-03-02T10:01Z"}, now) == 60.0
    assert server_wait({"X-RateLimit-Reset": "2026-03-02T09:00Z"}, now) == 1.0  # past → 1 s
    assert server_wait({"Retry-After": "3", "X-RateLimit-Reset": "2026-03-02T10:01Z"}, now) == 3.0
    http_date = (now + timedelta(seconds=30)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert server_wait({"Retry-After": http_date}, now) == 30.0
    assert server_wait({}, now) is None


def test_a_wait_longer_than_max_retry_wait_fails_now(stub_server, fake_sleep):
    stub_server.route("GET", "/quota", (429, {"Retry-After": "3600"}, {"message": "quota"}))
    with pytest.raises(ApiError, match="asks to wait 3600s") as info:
        client(stub_server, fake_sleep, max_retry_wait=60).get_json("/quota")
    assert info.value.status == 429 and fake_sleep.calls == []


def test_connection_refused_is_retried_then_raises_with_status_none(fake_sleep, refused_url):
    http = HttpClient(
        "jira:acme",
        refused_url,
        sleep=fake_sleep,
        max_attempts=3,
        rng=MaxRandom(),
        auth=("me@example.com", SECRET_TOKEN),
    )
    with pytest.raises(ApiError) as info:
        http.get_json("/rest/api/3/myself")
    err = info.value
    assert err.status is None and len(fake_sleep.calls) == 2
    assert err.__context__ is None and err.__cause__ is None  # no chained requests error to leak URLs
    assert str(err).startswith("jira:acme: no response from GET http://127.0.0.1:")
    assert "refused" in str(err).lower() and "\n" not in str(err)


def test_read_timeout_is_retried(stub_server, fake_sleep):
    stub_server.route("GET", "/slow", lambda req: (time.sleep(0.6), (200, {}, {}))[1])
    http = client(stub_server, fake_sleep, max_attempts=2, timeout=0.2)
    with pytest.raises(ApiError, match=r"no answer within 0\.2s"):
        http.get_json("/slow")
    assert len(fake_sleep.calls) == 1


# -- errors ------------------------------------------------------------------------------------


def test_401_raises_at_once_with_source_status_and_redacted_url_and_no_secrets(stub_server, fake_sleep):
    body = {"errorMessages": [f"Client must be authenticated to access this resource. {SECRET_TOKEN}"]}
    stub_server.route("GET", "/1/members/me", (401, {}, body))
    http = HttpClient(
        "trello:main",
        stub_server.url,
        sleep=fake_sleep,
        auth=("me@example.com", SECRET_TOKEN),
        auth_params={"key": SECRET_KEY, "token": SECRET_PASSWORD},
    )
    with pytest.raises(ApiError) as info:
        http.get_json("/1/members/me", {"fields": "id", "password": "pw-in-query"})
    err = info.value
    assert (err.source, err.status, fake_sleep.calls) == ("trello:main", 401, [])
    assert err.url == f"{stub_server.url}/1/members/me?fields=id&password=***&key=***&token=***"
    assert str(err).startswith(f"trello:main: HTTP 401 from GET {stub_server.url}/1/members/me?")
    assert "Client must be authenticated" in err.detail and "credentials" in str(err)
    for text in (str(err), repr(err), err.url, err.detail, repr(http)):
        for secret in (SECRET_TOKEN, SECRET_KEY, SECRET_PASSWORD, "pw-in-query"):
            assert secret not in text
    assert len(stub_server.requests) == 1


def test_retry_logs_and_urllib3_debug_logs_carry_no_secrets(stub_server, fake_sleep, caplog):
    stub_server.route("GET", "/x", [(503, {}, {}), (200, {}, {})])
    http = client(stub_server, fake_sleep, auth_params={"key": SECRET_KEY, "token": SECRET_TOKEN})
    with caplog.at_level(logging.DEBUG):
        http.get_json("/x")
    assert any("retry 1/" in r.getMessage() for r in caplog.records)
    assert any("urllib3" in r.name for r in caplog.records)  # the request lines were logged ...
    assert not any(s in r.getMessage() for r in caplog.records for s in (SECRET_KEY, SECRET_TOKEN))


def test_410_is_fatal_endpoint_removed(stub_server, fake_sleep):
    stub_server.route("GET", "/rest/api/3/search", (410, {}, {"errorMessages": ["Gone"]}))
    with pytest.raises(EndpointRemovedError, match="endpoint removed") as info:
        client(stub_server, fake_sleep).get_json("/rest/api/3/search")
    assert info.value.status == 410 and fake_sleep.calls == []


@pytest.mark.parametrize("status", [400, 403, 404, 500])
def test_other_errors_are_not_retried(stub_server, fake_sleep, status):
    stub_server.route("GET", "/e", (status, {}, "nope"))
    with pytest.raises(ApiError) as info:
        client(stub_server, fake_sleep).get_json("/e")
    assert info.value.status == status and len(stub_server.requests) == 1


def test_malformed_json_on_200_names_what_was_expected(stub_server, fake_sleep):
    stub_server.route("GET", "/html", (200, {"Content-Type": "text/html"}, b"<html>login</html>"))
    stub_server.route("GET", "/list", (200, {}, [1, 2]))
    http = client(stub_server, fake_sleep)
    with pytest.raises(ApiError, match="expected a JSON object but got unparseable text/html"):
        http.get_json("/html", expect="object")
    with pytest.raises(ApiError, match="expected a JSON object but got list"):
        http.get_json("/list", expect="object")


# -- request hygiene ---------------------------------------------------------------------------


def test_every_request_has_a_timeout_user_agent_and_auth_params(fake_sleep):
    seen: list[dict] = []

    class RecordingSession(requests.Session):
        def request(self, method, url, **kwargs):  # type: ignore[override]
            seen.append({"method": method, "url": url, **kwargs})
            response = requests.Response()
            response.status_code, response._content = 200, b"{}"
            response.request = requests.Request(method, url).prepare()
            return response

    http = HttpClient(
        "trello:main",
        "https://api.trello.com",
        session=RecordingSession(),
        timeout=12.5,
        auth_params={"key": "k", "token": "t"},
    )
    http.get_json("/1/members/me", {"fields": "id"})
    http.post_json("/1/x", {"a": 1})
    assert [c["timeout"] for c in seen] == [12.5, 12.5]
    assert all(c["headers"]["User-Agent"] == "pmhub/0.1" for c in seen)
    assert seen[0]["params"] == {"fields": "id", "key": "k", "token": "t"}
    assert seen[1]["json"] == {"a": 1}


def test_user_agent_reaches_the_server(stub_server, fake_sleep):
    stub_server.route("GET", "/ua", (200, {}, {}))
    client(stub_server, fake_sleep).get_json("/ua")
    assert stub_server.requests[0].headers["User-Agent"] == "pmhub/0.1"


def test_non_retryable_request_errors_are_scrubbed_api_errors(fake_sleep):
    class ExplodingSession(requests.Session):
        def request(self, method, url, **kwargs):  # type: ignore[override]
            raise requests.exceptions.InvalidURL(f"Invalid URL {url}?key={kwargs['params']['key']}")

    http = HttpClient(
        "trello:main",
        "https://api.trello.com",
        session=ExplodingSession(),
        sleep=fake_sleep,
        auth_params={"key": SECRET_KEY, "token": SECRET_TOKEN},
    )
    with pytest.raises(ApiError) as info:
        http.get_json("/1/members/me")
    assert info.value.status is None and fake_sleep.calls == [] and info.value.__context__ is None
    assert SECRET_KEY not in str(info.value) and SECRET_TOKEN not in str(info.value)


def test_empty_jira_error_body_falls_back_to_the_reason_phrase(stub_server, fake_sleep):
    stub_server.route("GET", "/e", (403, {}, {"errorMessages": [], "errors": {}}))
    with pytest.raises(ApiError, match=r"HTTP 403 from GET .* — Forbidden"):
        client(stub_server, fake_sleep).get_json("/e")


# -- proactive throttling ----------------------------------------------------------------------


def test_http_client_feeds_the_limiter(stub_server, fake_sleep):
    low = {
        "x-rate-limit-api-key-max": "300",
        "x-rate-limit-api-key-remaining": "2",
        "x-rate-limit-api-key-interval-ms": "10000",
    }
    stub_server.route("GET", "/t", (200, low, []))
    http = client(stub_server, fake_sleep)
    http.get_json("/t")
    http.get_json("/t")
    assert fake_sleep.calls and 9.0 < fake_sleep.calls[0] <= 10.0


def test_first_server_time_is_the_date_header_of_the_first_answer(stub_server, fake_sleep):
    stub_server.route("GET", "/x", [(200, {}, {"ok": True}), (200, {}, {"ok": True})])
    http = client(stub_server, fake_sleep)
    assert http.first_server_time is None
    before = datetime.now(UTC).replace(microsecond=0)
    http.get_json("/x")
    first = http.first_server_time
    assert first is not None and before <= first <= datetime.now(UTC)
    http.get_json("/x")
    assert http.first_server_time == first


@pytest.mark.parametrize("header", [None, "", "yesterday", "Mon, 23 Nov 2026 10:00:00"])
def test_an_unreadable_or_zoneless_date_header_gives_no_server_time(header):
    from connectors.http import _server_time

    assert _server_time(header) is None
    assert _server_time("Mon, 23 Nov 2026 10:00:00 GMT") == datetime(2026, 11, 23, 10, tzinfo=UTC)


def test_a_storm_of_429s_stops_the_run_before_a_vendor_lockout(stub_server, fake_sleep):
    stub_server.route("GET", "/x", (429, {"Retry-After": "0"}, {}))
    http = client(stub_server, fake_sleep, max_attempts=1000)
    with pytest.raises(ApiError) as err:
        http.get_json("/x")
    assert http.stats.throttled == 101  # the 101st 429 within 10 s stops it (Trello locks out at 200)
    assert err.value.status == 429 and "locks it out" in str(err.value)
