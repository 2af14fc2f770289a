"""A tiny HTTP stub for connector tests: real sockets on 127.0.0.1, no network, no extra packages.

Routes map ``(method, path)`` to a handler ``(request) -> (status, headers, body)``; the body may be
a dict/list (sent as JSON), a str (text/plain), bytes, or None. Every request is recorded.

Test modules load this file with ``pytest_plugins = ["tests.stub_http"]`` and use the fixtures
(`stub_server`, `fake_sleep`, `refused_url`); they import names from here only under
``TYPE_CHECKING``, because importing it first would stop pytest from rewriting its asserts.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

Reply = tuple[int, dict[str, str], Any]


@dataclass
class Recorded:
    """One request as the stub saw it."""

    method: str
    path: str
    raw_query: str
    headers: dict[str, str]
    body: bytes
    query: dict[str, list[str]] = field(default_factory=dict)

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None


Handler = Callable[[Recorded], Reply]


class StubServer:
    """Threaded HTTP server bound to 127.0.0.1 on a free port."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Handler] = {}
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        stub = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, like the real APIs

            def _handle(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                recorded = Recorded(
                    method=self.command,
                    path=parts.path,
                    raw_query=parts.query,
                    headers={k: v for k, v in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                    query=parse_qs(parts.query, keep_blank_values=True),
                )
                with stub._lock:
                    stub.requests.append(recorded)
                handler = stub.routes.get((self.command, parts.path))
                if handler is None:
                    reply: Reply = (404, {}, {"errorMessages": [f"no stub route {self.command} {parts.path}"]})
                else:
                    reply = handler(recorded)
                self._send(*reply)

            def _send(self, status: int, headers: dict[str, str], body: Any) -> None:
                content_type = "application/json"
                if isinstance(body, bytes):
                    payload = body
                elif isinstance(body, str):
                    payload, content_type = body.encode(), "text/plain; charset=utf-8"
                elif body is None:
                    payload = b""
                else:
                    payload = json.dumps(body).encode()
                headers = dict(headers)
                self.send_response(status)
                self.send_header("Content-Type", headers.pop("Content-Type", content_type))
                self.send_header("Content-Length", str(len(payload)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

            def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def route(self, method: str, path: str, handler: Handler | Reply | list[Reply]) -> None:
        """Register a handler, a fixed reply, or a list of replies served in order (last repeats)."""
        if callable(handler):
            self.routes[(method, path)] = handler
        elif isinstance(handler, list):
            queue = list(handler)
            self.routes[(method, path)] = lambda _req: queue.pop(0) if len(queue) > 1 else queue[0]
        else:
            reply = handler
            self.routes[(method, path)] = lambda _req: reply

    def hits(self, method: str, path: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.method == method and r.path == path]

    def start(self) -> StubServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> StubServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class FakeSleep:
    """Records requested sleeps instead of sleeping."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def refused_url() -> str:
    """A 127.0.0.1 URL where nothing listens (the port was just free), so connects are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def stub_server() -> Iterator[StubServer]:
    """A started `StubServer`, stopped after the test."""
    with StubServer() as server:
        yield server


@pytest.fixture
def fake_sleep() -> FakeSleep:
    """A sleep replacement that records the requested delays."""
    return FakeSleep()
