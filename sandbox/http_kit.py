"""Request/response types, routing and opaque page tokens shared by the vendor API modules."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any, Protocol


class BadRequest(Exception):
    """A request the real API would refuse with 400; the message becomes the vendor's error text."""


@dataclass(frozen=True)
class ApiRequest:
    """One HTTP request as the vendor modules see it. Header names are lower-case.

    `base_url` is the server's own URL (for `self` links); `now` is the sandbox clock's reading
    when the request arrived (see sandbox.clock).
    """

    method: str
    path: str
    query: Mapping[str, Sequence[str]]
    headers: Mapping[str, str]
    body: bytes
    base_url: str
    now: datetime
    path_params: Mapping[str, str] = field(default_factory=dict)

    def first(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def values(self, name: str) -> list[str]:
        """All values of a parameter given repeated and/or comma-separated, blanks dropped."""
        return [part.strip() for raw in self.query.get(name, ()) for part in raw.split(",") if part.strip()]

    def integer(self, name: str, default: int) -> int:
        raw = self.first(name)
        if raw is None or raw == "":
            return default
        try:
            return int(raw)
        except ValueError:
            raise BadRequest(f"The value '{raw}' is not valid for the parameter '{name}'.") from None

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            raise BadRequest("The request body is not valid JSON.") from None


@dataclass(frozen=True)
class ApiResponse:
    status: int
    body: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...] = ()

    def with_headers(self, *extra: tuple[str, str]) -> ApiResponse:
        return ApiResponse(self.status, self.body, self.content_type, self.headers + extra)


def json_response(status: int, payload: Any, *headers: tuple[str, str]) -> ApiResponse:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return ApiResponse(status, body, "application/json;charset=UTF-8", headers)


def raw_json_response(status: int, text: str, *headers: tuple[str, str]) -> ApiResponse:
    """A response whose JSON the caller has already serialised (see sandbox.jira_json)."""
    return ApiResponse(status, text.encode(), "application/json;charset=UTF-8", headers)


def text_response(status: int, text: str, *headers: tuple[str, str]) -> ApiResponse:
    return ApiResponse(status, text.encode(), "text/plain; charset=utf-8", headers)


Handler = Callable[[ApiRequest], ApiResponse]


@dataclass(frozen=True)
class Violation:
    """Why a request breaks the vendor's documented contract, and the status the vendor answers."""

    status: int
    message: str


class Contract(Protocol):
    """Checks a request routed to (method, template) before its handler runs (sandbox.request_contract)."""

    def check(self, method: str, template: str, request: ApiRequest) -> Violation | None: ...


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    pattern: re.Pattern[str]
    handler: Handler


def route(method: str, template: str, handler: Handler) -> Route:
    """`template` is a path with `{name}` placeholders matching one path segment each."""
    regex = re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", re.escape(template))
    return Route(method, template, re.compile(f"^{regex}$"), handler)


class VendorApi(ABC):
    """One vendor's API: authentication, error body shape, and routes under a path prefix."""

    routes: Sequence[Route] = ()

    @abstractmethod
    def authenticate(self, request: ApiRequest) -> ApiResponse | None:
        """None when the credentials are right, else the vendor's 401 response."""

    @abstractmethod
    def error(self, status: int, message: str) -> ApiResponse:
        """The vendor's error response for `status`."""

    def fault(self, status: int, retry_after: int | None) -> ApiResponse:
        """An injected 429 or 503, with Retry-After when given."""
        text = "Rate limit exceeded." if status == 429 else "Service temporarily unavailable."
        response = self.error(status, text)
        return response.with_headers(("Retry-After", str(retry_after))) if retry_after is not None else response

    def template(self, method: str, path: str) -> str | None:
        """The route template `path` falls under (for this method if several), None when unknown."""
        found = None
        for candidate in self.routes:
            if candidate.pattern.match(path):
                if candidate.method == method:
                    return candidate.template
                found = found or candidate.template
        return found

    def dispatch(
        self, request: ApiRequest, contract: Contract, served: Callable[[ApiRequest], ApiRequest] = lambda r: r
    ) -> ApiResponse:
        """Route, authenticate, hold the request to `contract`, then run the handler on `served(request)`
        (a faulty server's reading of it, sandbox.payload_faults)."""
        path_known = False  # the path exists, perhaps only for other methods
        for candidate in self.routes:
            match = candidate.pattern.match(request.path)
            if match is None:
                continue
            path_known = True
            if candidate.method != request.method:
                continue
            denied = self.authenticate(request)
            if denied is not None:
                return denied
            violation = contract.check(candidate.method, candidate.template, request)
            if violation is not None:
                return self.error(violation.status, violation.message)
            try:
                return candidate.handler(replace(served(request), path_params=match.groupdict()))
            except BadRequest as problem:
                return self.error(400, str(problem))
        if path_known:
            return self.error(405, f"Method {request.method} is not allowed for {request.path}.")
        denied = self.authenticate(request)
        return denied or self.error(404, f"No resource matches {request.path}.")


class PageTokens:
    """Opaque, tamper-evident page tokens: base64url(JSON {offset, query scope}) + "." + an HMAC of it.

    A token only works for the query that issued it: clients must pass it back verbatim, and a
    token from another query or a hand-edited one is refused, as Jira and Confluence refuse them.
    """

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    @staticmethod
    def scope(*query: Any) -> str:
        """A short fingerprint of everything that defines a query's result list."""
        return hashlib.sha256(repr(query).encode()).hexdigest()[:12]

    def _sign(self, data: bytes) -> str:
        return hmac.new(self._secret, data, hashlib.sha256).hexdigest()[:16]

    def issue(self, offset: int, scope: str) -> str:
        data = json.dumps({"o": offset, "q": scope}, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(data).decode().rstrip("=") + "." + self._sign(data)

    def offset(self, token: object, scope: str) -> int | None:
        """The offset a token points at: 0 without a token, None when it is invalid for `scope`."""
        if token is None or token == "":
            return 0
        encoded, _, signature = str(token).partition(".")
        try:
            data = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except ValueError:
            return None
        if not hmac.compare_digest(signature, self._sign(data)):
            return None
        state = json.loads(data)
        return int(state["o"]) if state.get("q") == scope else None


def clamp(value: int, low: int, high: int) -> int:
    """Page sizes over the cap are silently capped, as the real APIs do."""
    return max(low, min(high, value))


def form_parts(request: ApiRequest) -> list[Message]:
    """The parts of a multipart/form-data body, each with its `name` (and `filename`) parameters."""
    head = b"Content-Type: " + request.headers.get("content-type", "").encode() + b"\r\n\r\n"
    return list(BytesParser(policy=HTTP).parsebytes(head + request.body).iter_parts())
