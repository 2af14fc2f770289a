"""The one HTTP path every connector uses: URL joining, auth, timeouts, retries, throttling, errors.

A `HttpClient` is bound to one source (one site + one credential). It never returns data for a
failed request: any non-2xx that is not retried, or that is still failing after `max_attempts`,
raises `ApiError`; a 2xx whose body is not the JSON we expected raises too.
"""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from connectors import json_codec
from connectors.answers import IncompleteAnswerError
from connectors.errors import (
    CONNECTION_HINT,
    DEFAULT_HINTS,
    SERVER_ERROR_HINT,
    ApiError,
    EndpointRemovedError,
    PaginationError,
    parse_error_detail,
)
from connectors.ratelimit import RateLimiter, endpoint_of
from connectors.redact import Scrubber, install_urllib3_log_filter, redact_url
from connectors.retry import RETRYABLE_STATUSES, retry_delay
from connectors.stats import RequestStats
from connectors.urls import join_url

log = logging.getLogger(__name__)

USER_AGENT = "pmhub/0.1"
_HEADERS = {"User-Agent": USER_AGENT, "Accept": "application/json"}
# Failures where no (complete) response arrived; the request may simply be tried again.
_TRANSIENT = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)
_ERRNO = re.compile(r"\[Errno -?\d+\][^'\")]*")
_NO_BODY = object()


@dataclass(frozen=True)
class Multipart:
    """A multipart/form-data body: `files` (part name, (file name, bytes, media type)), plain `fields`,
    and the extra `headers` the endpoint wants (Confluence's uploads: `X-Atlassian-Token: no-check`)."""

    files: tuple[tuple[str, tuple[str, bytes, str]], ...]
    fields: Mapping[str, str]
    headers: Mapping[str, str]


# 429s tolerated within the limiter's window (10 s) across all clients of one credential.
MAX_429_PER_WINDOW = 100
LOCKOUT_HINT = (
    f"over {MAX_429_PER_WINDOW} rate-limit answers within 10 s for this credential; stopped before the vendor "
    "locks it out (Trello does after 200). Run fewer syncs on this token at once, then retry"
)

Expect = Literal["object", "array"]

install_urllib3_log_filter()


class HttpClient:
    """HTTP access to one source, e.g. ``HttpClient("jira:acme", "https://acme.atlassian.net")``.

    Args:
        source: label used in errors and logs, e.g. ``"trello:main"``.
        base_url: scheme + host (+ optional path prefix such as ``/wiki``); no credentials in it.
        auth: HTTP Basic (user, secret) — Atlassian email + API token.
        auth_params: query parameters added to every request (Trello ``key`` and ``token``).
        timeout: seconds for connect and for each read; every request has it.
        max_attempts: total tries for retryable failures (429, 502/503/504, lost connection).
        backoff_base / backoff_cap: exponential backoff with full jitter, capped.
        max_workers: concurrency callers may use (`ordered_map`); sizes the connection pool.
        sleep: injectable for tests.
        session: an existing `requests.Session` to use instead of a new pooled one.
        hints: per-status operator hints overriding the defaults (e.g. 401 → which secret to fix).
        max_retry_wait: if the server asks us to wait longer than this, fail now instead.
        rate_limiter: defaults to a new `RateLimiter` for this client (one per site+credential).
        rng: random source for jitter (tests pin it).
    """

    def __init__(
        self,
        source: str,
        base_url: str,
        *,
        auth: tuple[str, str] | None = None,
        auth_params: Mapping[str, str] | None = None,
        timeout: float = 30.0,
        max_attempts: int = 6,
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
        max_workers: int = 8,
        sleep: Callable[[float], None] = time.sleep,
        session: requests.Session | None = None,
        hints: Mapping[int, str] | None = None,
        max_retry_wait: float = 600.0,
        rate_limiter: RateLimiter | None = None,
        rng: random.Random | None = None,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
            raise ValueError(
                f"{source}: base URL {redact_url(base_url)!r} must be http(s)://host[/prefix] without credentials"
            )
        if max_attempts < 1 or timeout <= 0 or max_workers < 1:
            raise ValueError(f"{source}: max_attempts, timeout and max_workers must be positive")
        self.source = source
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_workers = max_workers
        self.max_retry_wait = max_retry_wait
        self.stats = RequestStats()
        # The server's own time (Date header) of the first answer: every later read reflects at
        # least that instant, whatever the skew between our clock and the server's.
        self.first_server_time: datetime | None = None
        self.limiter = rate_limiter or RateLimiter(sleep=sleep)
        self._auth = auth
        self._auth_params = dict(auth_params or {})
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._hints = {**DEFAULT_HINTS, **(hints or {})}
        self._scrub = Scrubber([*([auth[1]] if auth else []), *self._auth_params.values()])
        self._session = session or _pooled_session(max_workers)

    def __repr__(self) -> str:
        return f"HttpClient(source={self.source!r}, base_url={redact_url(self.base_url)!r})"

    def close(self) -> None:
        """Release pooled connections."""
        self._session.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- URLs ---------------------------------------------------------------------------------

    def resolve(self, path_or_url: str) -> str:
        """The absolute URL for an endpoint path or a server-given link (see `urls.join_url`)."""
        return join_url(self.base_url, path_or_url)

    # -- requests -----------------------------------------------------------------------------

    def get(self, path_or_url: str, params: Mapping[str, Any] | None = None) -> requests.Response:
        """GET with retries; returns the 2xx response (for callers that need headers)."""
        return self._send("GET", path_or_url, params)

    def get_json(
        self, path_or_url: str, params: Mapping[str, Any] | None = None, *, expect: Expect | None = None
    ) -> Any:
        """GET and decode JSON; `expect` ("object"/"array") makes a wrong shape an `ApiError`."""
        return self.decode_json(self._send("GET", path_or_url, params), expect)

    def post_json(self, path: str, body: Any, *, expect: Expect | None = None) -> Any:
        """POST a JSON body and decode the JSON answer.

        Retried like GET: pmhub's POSTs are reads (search, bulk fetch), and the status page's
        create, which Confluence does not repeat (a title is unique within a space).
        """
        return self.decode_json(self._send("POST", path, None, body), expect)

    def put_json(self, path: str, body: Any, *, expect: Expect | None = None) -> Any:
        """PUT a JSON body and decode the JSON answer. Retried like GET: pmhub's PUTs carry the version
        they create, so a repeat the server already applied is refused (409), never applied twice."""
        return self.decode_json(self._send("PUT", path, None, body), expect)

    def put_multipart(self, path: str, body: Multipart, *, expect: Expect | None = None) -> Any:
        """PUT a multipart/form-data body (a file upload) and decode the JSON answer."""
        return self.decode_json(self._send("PUT", path, None, body), expect)

    def decode_json(self, response: requests.Response, expect: Expect | None = None) -> Any:
        """Decode a 2xx body, raising `ApiError` that names what was expected if it is unusable."""
        wanted = f"a JSON {expect or 'body'}"
        method = (response.request.method or "GET") if response.request else "GET"
        if not response.content:
            if expect is None:
                return None
            raise self.shape_error(
                response.url, f"expected {wanted} but the body was empty", status=response.status_code, method=method
            )
        try:
            data = json_codec.loads(response.content)
        except ValueError:
            kind = response.headers.get("Content-Type", "an unknown content type")
            raise self.shape_error(
                response.url,
                f"expected {wanted} but got unparseable {kind}: {response.text[:80]!r}",
                status=response.status_code,
                method=method,
            ) from None
        if (expect == "object" and not isinstance(data, dict)) or (expect == "array" and not isinstance(data, list)):
            raise self.shape_error(
                response.url,
                f"expected {wanted} but got {type(data).__name__}",
                status=response.status_code,
                method=method,
            )
        return data

    # -- errors for callers -------------------------------------------------------------------

    def shape_error(self, url: str, detail: str, *, status: int | None = 200, method: str = "GET") -> ApiError:
        """An `ApiError` for a 2xx answer whose content is unusable (for the caller to raise)."""
        return self._error(
            ApiError, status, method, url, detail, "the API answered in an unexpected shape; check the base URL"
        )

    def incomplete_error(self, url: str, detail: str, *, method: str = "GET") -> IncompleteAnswerError:
        """An `IncompleteAnswerError` (for the caller to raise): the answer lacks what was asked for."""
        error = self._error(
            IncompleteAnswerError,
            200,
            method,
            url,
            detail,
            "the server ignored part of the request; nothing was landed from this run. Re-run, and report it "
            "if it persists (a proxy or an app may be rewriting requests)",
        )
        assert isinstance(error, IncompleteAnswerError)
        return error

    def pagination_error(self, url: str, detail: str, *, method: str = "GET") -> PaginationError:
        """A `PaginationError` (for the caller to raise) when paging signals are inconsistent."""
        error = self._error(
            PaginationError,
            200,
            method,
            url,
            detail,
            "refusing to loop or stop short; re-run, and report it if it persists",
        )
        assert isinstance(error, PaginationError)
        return error

    def _error(
        self, cls: type[ApiError], status: int | None, method: str, url: str, detail: str, hint: str
    ) -> ApiError:
        self.stats.add(errors=1)
        return cls(self.source, status, self._scrub(redact_url(url)), self._scrub(detail), method=method, hint=hint)

    # -- the retry loop -----------------------------------------------------------------------

    def _send(
        self, method: str, path_or_url: str, params: Mapping[str, Any] | None, body: Any = _NO_BODY
    ) -> requests.Response:
        url = self.resolve(path_or_url)
        query = {**(params or {}), **self._auth_params} or None
        headers = _HEADERS
        if isinstance(body, Multipart):
            extra: dict[str, Any] = {"files": list(body.files), "data": dict(body.fields)}
            headers = {**_HEADERS, **body.headers}
        else:
            extra = {} if body is _NO_BODY else {"json": body}
        endpoint = endpoint_of(method, urlsplit(url).path)
        attempt = 0
        while True:
            attempt += 1
            waited = self.limiter.before_request(endpoint)
            sent_at = self.limiter.now()
            self.stats.add(requests=1, wait_seconds=waited)
            response: requests.Response | None = None
            reason, fatal = "", False
            try:
                response = self._session.request(
                    method,
                    url,
                    params=query,
                    auth=self._auth,
                    headers=headers,
                    timeout=self.timeout,
                    **extra,
                )
            except _TRANSIENT as exc:
                reason = self._describe(exc)
            except requests.RequestException as exc:  # not retryable: bad URL, too many redirects...
                reason, fatal = self._describe(exc), True
            else:
                self.limiter.observe(response.headers, sent_at, response.status_code, endpoint)
                if 200 <= response.status_code < 300:
                    if self.first_server_time is None:
                        self.first_server_time = _server_time(response.headers.get("Date"))
                    return response
                if response.status_code == 429:
                    self.stats.add(throttled=1)
                    if self.limiter.count_429() > MAX_429_PER_WINDOW:
                        # Trello locks a key out after 200 429s in 10 s; stop well before, cleanly.
                        raise self._http_error(method, response, LOCKOUT_HINT)
                if response.status_code not in RETRYABLE_STATUSES:
                    raise self._http_error(method, response)
            status = None if response is None else response.status_code
            delay, floor = retry_delay(
                attempt,
                status,
                {} if response is None else response.headers,
                base=self.backoff_base,
                cap=self.backoff_cap,
                rng=self._rng,
            )
            too_long = floor is not None and floor > self.max_retry_wait
            if fatal or attempt >= self.max_attempts or too_long:
                if response is None:
                    # Raised outside the `except`: the requests error, whose text quotes the URL
                    # with its secrets, must not even ride along as __context__.
                    raise self._error(
                        ApiError, None, method, _prepared_url(method, url, query), reason, CONNECTION_HINT
                    )
                hint = f"server asks to wait {floor:.0f}s, over max_retry_wait; run later" if too_long else ""
                raise self._http_error(method, response, hint)
            log.warning(
                "%s: %s %s failed (%s); retry %d/%d in %.1fs",
                self.source,
                method,
                self._scrub(redact_url(url)),
                status or reason,
                attempt,
                self.max_attempts - 1,
                delay,
            )
            self._sleep(delay)
            self.stats.add(retries=1, wait_seconds=delay)

    def _http_error(self, method: str, response: requests.Response, hint: str = "") -> ApiError:
        status = response.status_code
        cls = EndpointRemovedError if status == 410 else ApiError
        hint = hint or self._hints.get(status) or (SERVER_ERROR_HINT if status >= 500 else "")
        detail = parse_error_detail(response.text[:4000]) or (response.reason or "")
        return self._error(cls, status, method, response.url, detail, hint)

    def _describe(self, exc: Exception) -> str:
        if isinstance(exc, requests.Timeout) and not isinstance(exc, requests.ConnectionError):
            return f"no answer within {self.timeout:g}s ({type(exc).__name__})"
        reason = _ERRNO.search(str(exc))
        return f"{type(exc).__name__}: {reason.group(0) if reason else str(exc)}"


def _server_time(date_header: str | None) -> datetime | None:
    try:
        moment = parsedate_to_datetime(date_header) if date_header else None
    except (TypeError, ValueError):
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def _pooled_session(max_workers: int) -> requests.Session:
    session = requests.Session()
    # +1: the caller's own thread pages sequentially while `max_workers` threads fetch batches.
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=max_workers + 1, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _prepared_url(method: str, url: str, query: Mapping[str, Any] | None) -> str:
    # The URL as sent (with query), for error messages; it is redacted before use.
    return requests.Request(method, url, params=query).prepare().url or url
