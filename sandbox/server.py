"""The sandbox HTTP server: one local server speaking Jira, Jira Software, Trello and Confluence.

Products are told apart by path prefix, as on a real site: Jira at `/rest/api/...`, Jira Software
at `/rest/agile/...`, Confluence at `/wiki/...`, Trello at `/1/...`. Every request is logged,
optionally delayed (`latency_ms`) and optionally failed by an injected fault (see sandbox.faults).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

from sandbox.agile_api import AgileApi
from sandbox.confluence_api import ConfluenceApi
from sandbox.faults import FaultInjector
from sandbox.http_kit import ApiRequest, ApiResponse, PageTokens, VendorApi, text_response
from sandbox.jira_api import JiraApi
from sandbox.portfolio import Portfolio
from sandbox.trello_api import TrelloApi


class SandboxServer:
    """Serves one portfolio on `host:port` (port 0 picks a free port) from a daemon thread."""

    def __init__(
        self,
        portfolio: Portfolio,
        host: str = "127.0.0.1",
        port: int = 0,
        latency_ms: int = 0,
        faults: Sequence[str] = (),
    ) -> None:
        self.portfolio = portfolio
        self.latency_ms = latency_ms
        self._faults = FaultInjector(faults)
        # Page tokens are signed with a key derived from what determines the data, so they stay valid
        # across restarts of the same portfolio and are refused by a different one.
        identity = f"pmhub-sandbox:{portfolio.seed}:{portfolio.size}:{portfolio.anchor.isoformat()}"
        tokens = PageTokens(hashlib.sha256(identity.encode()).digest())
        self._apis: list[tuple[str, VendorApi]] = [
            ("/rest/agile/", AgileApi(portfolio)),
            ("/rest/", JiraApi(portfolio, tokens)),
            ("/wiki/", ConfluenceApi(portfolio, tokens)),
            ("/1/", TrelloApi(portfolio)),
        ]
        self._log: list[tuple[str, str]] = []
        self._log_lock = threading.Lock()
        self._httpd = ThreadingHTTPServer((host, port), _handler_class(self))
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
        """(method, path) of every request so far, oldest first; the path excludes the query string."""
        with self._log_lock:
            return list(self._log)

    def routes(self) -> list[tuple[str, str]]:
        """(method, path template) of every endpoint served, e.g. ("GET", "/rest/api/3/myself")."""
        return [(r.method, r.template) for _prefix, api in self._apis for r in api.routes]

    def start(self) -> None:
        if self._thread is not None:
            return
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

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> ApiResponse:
        """Answer one request; `target` is the raw request target (path and query)."""
        parts = urlsplit(target)
        with self._log_lock:
            self._log.append((method, parts.path))
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000)
        api = next((api for prefix, api in self._apis if parts.path.startswith(prefix)), None)
        if api is None:
            return text_response(404, f"Not found: {parts.path}")
        fault = self._faults.take(parts.path)
        if fault is not None:
            return api.fault(fault.status, fault.retry_after)
        now = max(datetime.now(UTC), self.portfolio.now)
        request = ApiRequest(
            method, parts.path, parse_qs(parts.query, keep_blank_values=True), headers, body, self.url, now
        )
        return api.dispatch(request)


def _handler_class(server: SandboxServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.1 keeps connections alive, so a client's session reuses one socket like on a real site.
        protocol_version = "HTTP/1.1"
        server_version = "pmhub-sandbox"
        # Headers and body leave in two writes; without TCP_NODELAY, Nagle + delayed ACK add ~40 ms each.
        disable_nagle_algorithm = True

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {name.lower(): value for name, value in self.headers.items()}
            try:
                response = server.handle(self.command, self.path, headers, body)
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
