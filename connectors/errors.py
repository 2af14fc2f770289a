"""The error types connectors raise, and how vendor error bodies become a message.

A `SourceError` (for HTTP APIs an `ApiError`) means "this source did not give us the data": callers
must fail the run (or the object) loudly, never treat it as "no rows". An ApiError's `str(err)` is
a single actionable line that names the source, the HTTP status, the method and the redacted URL,
the vendor's own message, and a hint.
"""

from __future__ import annotations

import json
from typing import Any

from connectors.redact import redact_url

DETAIL_LIMIT = 300

# What to tell the operator for a status, unless a client supplies a more specific hint.
DEFAULT_HINTS: dict[int, str] = {
    400: "the request was rejected; check the query/filter configured for this source",
    401: "check the credentials configured for this source",
    403: "the account lacks permission for this resource; grant access or remove it from the config",
    404: "not found, or not visible to this account",
    410: "the vendor removed this endpoint; upgrade pmhub",
    429: "rate limited after all retries; lower concurrency or run later",
}
SERVER_ERROR_HINT = "the service is failing; retry later"
CONNECTION_HINT = "check the URL configured for this source and the network/proxy"


def one_line(text: str, limit: int = DETAIL_LIMIT) -> str:
    """Collapse whitespace and truncate, so messages stay on one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class SourceError(Exception):
    """A source did not give us its data: its message is one actionable line naming the source.
    Each connector raises its own kind (`ApiError` for HTTP APIs); callers fail loudly on any."""


class ApiError(SourceError):
    """A request to a source failed (HTTP error, no response, or an unusable body).

    Attributes:
        source: the configured source, e.g. ``"jira:acme"``.
        status: the HTTP status, or ``None`` when no response arrived (connection error, timeout).
        url: the request URL with userinfo removed and secret query values masked.
        detail: the vendor's error message (or what was wrong with the body), ≤300 chars.
        method: the HTTP method.
        hint: what the operator should check.
    """

    def __init__(
        self,
        source: str,
        status: int | None,
        url: str,
        detail: str,
        *,
        method: str = "GET",
        hint: str = "",
    ) -> None:
        self.source = source
        self.status = status
        self.url = redact_url(url)  # defence in depth: callers pass redacted URLs already
        self.detail = one_line(detail)
        self.method = method
        self.hint = hint
        super().__init__(self._render())

    def _headline(self) -> str:
        if self.status is None:
            return f"no response from {self.method} {self.url}"
        return f"HTTP {self.status} from {self.method} {self.url}"

    def _render(self) -> str:
        text = f"{self.source}: {self._headline()} — {self.detail or 'no detail'}"
        return f"{text} ({self.hint})" if self.hint else text


class EndpointRemovedError(ApiError):
    """HTTP 410 Gone: the vendor retired the endpoint. Never retried, never read as "no data"."""

    def _headline(self) -> str:
        return f"endpoint removed (HTTP 410 Gone) at {self.method} {self.url}"


class PaginationError(ApiError):
    """The API's paging signals are inconsistent (repeated cursor, empty page that claims more...).

    Raised instead of looping forever or silently stopping short.
    """

    def _headline(self) -> str:
        return f"inconsistent pagination at {self.method} {self.url}"


def parse_error_detail(body: str) -> str:
    """Extract the vendor's message from an error body.

    Shapes handled: Jira ``{"errorMessages": [...], "errors": {field: msg}}``; Confluence v2
    ``{"errors": [{"title", "detail"}]}``; ``{"message"}`` / ``{"errorMessage"}`` / ``{"error"}``
    (Trello JSON and gateways); anything else (Trello's plain text, HTML) is used as text.
    """
    try:
        data: Any = json.loads(body)
    except ValueError:
        return one_line(body)
    parts: list[str] = []
    if isinstance(data, dict):
        parts += [str(m) for m in data.get("errorMessages") or [] if m]
        errors = data.get("errors")
        if isinstance(errors, dict):
            parts += [f"{field}: {msg}" for field, msg in errors.items()]
        elif isinstance(errors, list):
            for item in errors:
                if isinstance(item, dict):
                    parts.append(": ".join(str(item[k]) for k in ("title", "detail") if item.get(k)))
        for key in ("message", "errorMessage", "error", "detail"):
            if not parts and isinstance(data.get(key), str):
                parts.append(data[key])
    if not parts and isinstance(data, dict) and not any(data.values()):
        return ""  # e.g. {"errorMessages": [], "errors": {}}: the HTTP reason phrase says more
    return one_line("; ".join(p for p in parts if p) or body)
