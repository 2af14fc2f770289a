"""The sandbox HTTP server: one local server speaking Jira, Jira Software, Trello and Confluence.

Products are told apart by path prefix, as on a real site: Jira at `/rest/api/...`, Jira Software
at `/rest/agile/...`, Confluence at `/wiki/...` (v1 search at `/wiki/rest/...`, sandbox.confluence_search,
the v2 API at `/wiki/api/v2/...`), Trello at `/1/...`; the sandbox's own controls
live under `/_sandbox/` (sandbox.admin_api). Every vendor request is logged and counted per route,
optionally delayed (`latency_ms`, a sleep that holds no lock, so concurrent clients overlap) and
optionally failed by an injected fault (see sandbox.faults). The Jira site is live: it can be
mutated between two syncs, and its ground truth follows (sandbox.live_truth).
"""

from __future__ import annotations

import hashlib
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from sandbox.admin_api import PREFIX, AdminApi
from sandbox.agile_api import AgileApi
from sandbox.clock import SandboxClock
from sandbox.confluence_api import ConfluenceApi
from sandbox.confluence_mutations import ConfluencePages
from sandbox.confluence_search import ConfluenceSearchApi
from sandbox.faults import FaultInjector
from sandbox.http_kit import ApiRequest, ApiResponse, PageTokens, VendorApi, text_response
from sandbox.jira_api import JiraApi
from sandbox.jira_mutations import Changed, JiraMutations
from sandbox.jira_search import SearchBehaviour
from sandbox.jira_state import JiraState
from sandbox.live_truth import live_truth, truth_json
from sandbox.model import JiraIssue
from sandbox.payload_faults import PayloadFaults, is_payload_fault, served_request, served_response
from sandbox.portfolio import Portfolio
from sandbox.request_contract import RequestContract
from sandbox.stats import RequestStats, dataset_stats
from sandbox.timefmt import jira_ts
from sandbox.trello_api import TrelloApi
from sandbox.trello_import import TrelloExport, portfolio_with_trello_exports
from sandbox.trello_mutations import TrelloBoards
from sandbox.truth import GroundTruth
from sandbox.vendor_specs import vendor_of


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that went away mid-answer (a killed sync) is not the server's error.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class SandboxServer:
    """Serves one portfolio on `host:port` (port 0 picks a free port) from a daemon thread.

    jql_time_zone: the account's time zone, in which JQL and CQL read bare date-times (IANA name).
    index_lag_minutes: changes that recent are not indexed yet: Jira search (and Confluence's v1 CQL
    search) matches such an issue (page) as its previous version, or not at all if it is new (reads
    see the change).
    confluence_v1_gone: Confluence's v1 CQL search (`/wiki/rest/api/search`) answers 410, as on sites
    where v1 has been removed.
    bulkfetch_issue_errors: list deleted or unreadable issues of a bulk fetch in `issueErrors`
    (False: leave them out silently, as the OpenAPI text describes).
    trello_exports: real Trello export files (or loaded `TrelloExport`s) served next to the generated
    boards, outside the portfolio (sandbox.trello_import); `portfolio` is then the extended one.
    `clock` is the site's "now", `state` the live Jira data; the mutation methods (touch,
    create_issues, delete_issues, move_issues, revoke_project, restrict_issues, delete_worklogs,
    misreport_worklog_deletions, and the schema changes add_custom_field and retype_field) change
    it between two syncs and return what they changed.
    """

    def __init__(
        self,
        portfolio: Portfolio,
        host: str = "127.0.0.1",
        port: int = 0,
        latency_ms: int = 0,
        faults: Sequence[str] = (),
        *,
        jql_time_zone: str = "UTC",
        index_lag_minutes: int = 0,
        bulkfetch_issue_errors: bool = True,
        trello_exports: Iterable[Path | str | TrelloExport] = (),
        confluence_v1_gone: bool = False,
    ) -> None:
        try:
            ZoneInfo(jql_time_zone)  # an unknown zone fails here, not on the first search
        except (ValueError, KeyError):
            raise ValueError(f"jql_time_zone {jql_time_zone!r} is not an IANA time zone name") from None
        if index_lag_minutes < 0:
            raise ValueError(f"index_lag_minutes must be >= 0, not {index_lag_minutes}")
        portfolio = portfolio_with_trello_exports(portfolio, trello_exports)
        self.portfolio = portfolio
        self.latency_ms = latency_ms
        self.clock = SandboxClock(portfolio.now)
        self.state = JiraState(portfolio)
        self.mutations = JiraMutations(portfolio, self.state, self.clock)
        self.trello = TrelloBoards(portfolio.trello_boards, self.clock, portfolio.seed)
        self.confluence = ConfluencePages(portfolio.spaces, self.clock)
        self._faults = FaultInjector([])
        self._payload_faults = PayloadFaults()
        self.add_faults(faults)
        self._stats = RequestStats()
        # Page tokens are signed with a key derived from what determines the data, so they stay valid
        # across restarts of the same portfolio and are refused by a different one.
        identity = (
            f"pmhub-sandbox:{portfolio.seed}:{portfolio.size}:{portfolio.anchor.isoformat()}:{portfolio.jira_issues}"
            f":{portfolio.story_point_fields}:{portfolio.sprint_field_format}"
            + ("" if portfolio.profile == "demo" else f":{portfolio.profile}")  # demo tokens stay as they were
        )
        tokens = PageTokens(hashlib.sha256(identity.encode()).digest())
        behaviour = SearchBehaviour(jql_time_zone, index_lag_minutes)
        self._apis: list[tuple[str, VendorApi]] = [
            ("/rest/agile/", AgileApi(portfolio)),
            (
                "/wiki/rest/",
                ConfluenceSearchApi(portfolio.spaces, self.confluence, tokens, behaviour, confluence_v1_gone),
            ),
            ("/rest/", JiraApi(portfolio, self.state, tokens, behaviour, bulkfetch_issue_errors)),
            ("/wiki/", ConfluenceApi(portfolio, tokens, self.confluence)),
            ("/1/", TrelloApi(portfolio, self.trello)),
        ]
        # Every request is held to the vendor's official document before it is served; there is
        # deliberately no option to skip this (sandbox.request_contract).
        self._contracts = {
            prefix: RequestContract(vendor_of(prefix), [(r.method, r.template) for r in api.routes])
            for prefix, api in self._apis
        }
        self._admin = AdminApi(self)
        self._log: list[tuple[str, str]] = []
        self._log_lock = threading.Lock()
        self._httpd = _Server((host, port), _handler_class(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        host_text = host.decode() if isinstance(host, bytes) else host
        return f"http://{host_text}:{port}"

    @property
    def request_count(self) -> int:
        with self._log_lock:
            return len(self._log)

    @property
    def request_log(self) -> list[tuple[str, str]]:
        """(method, path) of every vendor API request so far, oldest first; the path excludes the query."""
        with self._log_lock:
            return list(self._log)

    def routes(self) -> list[tuple[str, str]]:
        """(method, path template) of every vendor endpoint served, e.g. ("GET", "/rest/api/3/myself")."""
        return [(r.method, r.template) for _prefix, api in self._apis for r in api.routes]

    # -- the live site ------------------------------------------------------------------------------
    def advance(self, minutes: float) -> datetime:
        """Move the sandbox clock forward; returns the new now."""
        return self.clock.advance(minutes)

    # The mutations (sandbox.jira_mutations), each thread-safe and deterministic per seed.
    def touch(self, fraction: float, seed: int = 0, ids: Sequence[int] | None = None) -> Changed:
        return self.mutations.touch(fraction, seed, ids)

    def create_issues(self, n: int, project_key: str, seed: int = 0) -> Changed:
        return self.mutations.create_issues(n, project_key, seed)

    def delete_issues(self, n: int | None = None, ids: Sequence[int] | None = None, seed: int = 0) -> Changed:
        return self.mutations.delete_issues(n, ids, seed)

    def move_issues(self, n: int, to_project_key: str, seed: int = 0, ids: Sequence[int] | None = None) -> Changed:
        return self.mutations.move_issues(n, to_project_key, seed, ids)

    def revoke_project(self, key: str) -> Changed:
        return self.mutations.revoke_project(key)

    def restrict_issues(self, n: int, seed: int = 0, ids: Sequence[int] | None = None) -> Changed:
        return self.mutations.restrict_issues(n, seed, ids)

    def delete_worklogs(self, n: int, seed: int = 0) -> Changed:
        return self.mutations.delete_worklogs(n, seed)

    def misreport_worklog_deletions(self, n: int, seed: int = 0) -> Changed:
        return self.mutations.misreport_worklog_deletions(n, seed)

    # Schema changes (sandbox.jira_fields): GET /field changes at once, issues as they are rewritten.
    def add_custom_field(
        self,
        name: str,
        field_type: str = "number",
        fraction: float = 0.2,
        seed: int = 0,
        ids: Sequence[int] | None = None,
    ) -> Changed:
        return self.mutations.add_custom_field(name, field_type, fraction, seed, ids)

    def retype_field(
        self,
        field_id: str,
        new_type: str = "string",
        fraction: float = 1.0,
        seed: int = 0,
        ids: Sequence[int] | None = None,
    ) -> Changed:
        return self.mutations.retype_field(field_id, new_type, fraction, seed, ids)

    # Lookups for tests: the site's own view, whatever the account may see.
    def fields(self) -> list[dict[str, Any]]:
        """GET /rest/api/3/field as the site serves it now."""
        return self.state.field_catalogue()

    def issue(self, issue_id: int) -> JiraIssue:
        """The issue as it is now, or as it was when deleted."""
        with self.state.lock:
            gone = self.state.deleted.get(issue_id)
            return gone.issue if gone is not None else self.state.issues[issue_id]

    def issue_key(self, issue_id: int) -> str:
        return self.issue(issue_id).key

    def issue_updated(self, issue_id: int) -> datetime:
        return self.issue(issue_id).updated

    def worklog_seconds(self, ids: Iterable[int]) -> dict[int, int]:
        """Current timeSpentSeconds of the given worklogs (deleted ones keep their last value)."""
        with self.state.lock:
            return {i: self.state.worklogs[i].seconds for i in ids}

    def ground_truth(self) -> GroundTruth:
        """The truth for the site as it is now and for what was served (see sandbox.live_truth)."""
        return live_truth(self.portfolio, self.state)

    def truth_json(self) -> dict[str, Any]:
        return truth_json(self.ground_truth())

    def stats(self) -> dict[str, Any]:
        """Requests per route template since the last reset, and the dataset (sandbox.stats)."""
        return {
            "requests_by_endpoint": self._stats.snapshot(),
            "dataset": dataset_stats(self.portfolio, self.state),
            "now": jira_ts(self.clock.now()),
        }

    def reset_stats(self) -> None:
        self._stats.reset()

    def add_faults(self, specs: Sequence[str]) -> None:
        """Arm more faults (sandbox.faults grammar) on the running server."""
        self._faults.add([f for f in specs if not is_payload_fault(f)])
        self._payload_faults.add([f for f in specs if is_payload_fault(f)])

    # -- lifecycle ----------------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self.clock.start()
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="pmhub-sandbox", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> SandboxServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def handle(
        self, method: str, target: str, headers: dict[str, str], body: bytes, client: str = "127.0.0.1"
    ) -> ApiResponse:
        """Answer one request; `target` is the raw request target (path and query), `client` its address."""
        parts = urlsplit(target)
        if parts.path.startswith(PREFIX):
            return self._admin.handle(method, parts.path, body, client)
        with self._log_lock:
            self._log.append((method, parts.path))
        prefix, api = next(((p, a) for p, a in self._apis if parts.path.startswith(p)), ("", None))
        template = api.template(method, parts.path) if api is not None else None
        self._stats.count(f"{method} {template or 'unmatched'}")
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000)
        if api is None:
            return text_response(404, f"Not found: {parts.path}")
        fault, near_limit = self._faults.take(parts.path)
        now = self.clock.now()
        if fault is not None:
            response = api.fault(fault.status, fault.retry_after)
            if fault.reason is not None:
                reset = now + timedelta(seconds=fault.retry_after or 0)
                response = response.with_headers(
                    ("X-RateLimit-Limit", "350"),
                    ("X-RateLimit-Remaining", "0"),
                    ("X-RateLimit-Reset", reset.strftime("%Y-%m-%dT%H:%MZ")),
                    ("RateLimit-Reason", fault.reason),
                    ("X-RateLimit-NearLimit", "true"),
                )
            return response
        request = ApiRequest(
            method, parts.path, parse_qs(parts.query, keep_blank_values=True), headers, body, self.url, now
        )
        shaping = self._payload_faults.take(parts.path)
        response = api.dispatch(request, self._contracts[prefix], lambda r: served_request(r, shaping))
        response = served_response(response, shaping)
        return response.with_headers(("X-RateLimit-NearLimit", "true")) if near_limit else response


def _handler_class(server: SandboxServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.1 keeps connections alive, so a client's session reuses one socket like on a real site.
        protocol_version = "HTTP/1.1"
        server_version = "pmhub-sandbox"
        # Headers and body leave in two writes; without TCP_NODELAY, Nagle + delayed ACK add ~40 ms each.
        disable_nagle_algorithm = True

        def date_time_string(self, timestamp: float | None = None) -> str:
            """The Date header tells the site's own time (its clock can run ahead of the wall clock)."""
            return format_datetime(server.clock.now(), usegmt=True)

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {name.lower(): value for name, value in self.headers.items()}
            try:
                response = server.handle(self.command, self.path, headers, body, str(self.client_address[0]))
            except Exception as problem:  # a sandbox bug must not look like a hung server
                response = text_response(500, f"sandbox error: {problem!r}")
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers:
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the request log is kept in memory instead."""

    return Handler
