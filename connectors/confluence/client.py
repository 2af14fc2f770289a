"""Confluence Cloud client (REST API v2) for one site.

Docs: https://developer.atlassian.com/cloud/confluence/rest/v2/. Auth is HTTP Basic with the
account email and an API token. The base URL is either the site's ``https://<site>.atlassian.net/wiki``
or the gateway ``https://api.atlassian.com/ex/confluence/<cloudId>`` (required for scoped tokens),
under which the API lives at ``.../wiki/api/v2``. v2 has no ``expand`` and no search; content
types have separate endpoints and use cursor paging (`connectors.confluence.paging`). The one v1
call is CQL search (`search_pages`, queries from `connectors.confluence.cql`), whose ``next`` links
are relative to ``/wiki`` and are followed the same way.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import quote, urlsplit

from connectors.answers import has, value_at
from connectors.confluence.paging import iter_cursor_pages
from connectors.errors import ApiError
from connectors.http import HttpClient, Multipart
from connectors.parallel import chunked
from connectors.ratelimit import shared_limiter
from connectors.stats import RequestStats
from connectors.urls import host_of

PAGE_LIMIT = 250  # the documented maximum `limit` for spaces, pages and versions
SEARCH_LIMIT = 250  # v1 search caps `limit` itself ("fixed system limits"); we follow `next` regardless
SPACE_KEYS_PER_CALL = 250  # `keys` accepts at most 250 items
# Trashed and draft pages are not content a PMO reads. `status`, `id` and `keys` are exploded array
# parameters (`status=current&status=archived`): one comma-joined value is a single, invalid item.
LISTED_STATUSES = ["current", "archived"]
CONFLUENCE_HINTS = {
    401: "check the email/API token for this Confluence site; a scoped token needs the "
    "https://api.atlassian.com/ex/confluence/<cloudId> base URL",
    404: "space or page not found, or not visible to this account",
    410: "this Confluence endpoint was removed on this site (v1 APIs are being retired)",
}


# What every listed page must carry: the census compares versions, and a body asked for must come.
_STUB = ("id", "status", "version.number")


# What a saved page's answer must hold: its id, the version saved, and where people open it.
_SAVED_PAGE = ("id", "version.number", "_links.webui")


def _with_body(body_format: str) -> tuple[str, ...]:
    return (*_STUB, f"body.{body_format}")


def api_root(base_url: str) -> str:
    """The URL under which ``/api/v2`` lives: the gateway needs ``/wiki`` added, a site has it."""
    base = base_url.rstrip("/")
    if urlsplit(base).path.startswith("/ex/confluence/") and not base.endswith("/wiki"):
        return f"{base}/wiki"
    return base


class ConfluenceClient:
    """Access to one Confluence Cloud site through a shared `HttpClient`: reads, and the writes of
    the status page pmhub publishes (v2 pages, versioned)."""

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    @classmethod
    def from_credentials(
        cls, source: str, base_url: str, email: str, token: str, **http_kwargs: Any
    ) -> ConfluenceClient:
        """Build a client for the site ``.../wiki`` or the gateway base URL."""
        hints = {**CONFLUENCE_HINTS, **http_kwargs.pop("hints", {})}
        if "sleep" not in http_kwargs:  # an injected sleep is a test clock: keep its limiter private
            http_kwargs.setdefault("rate_limiter", shared_limiter(host_of(base_url), f"{email}:{token}"))
        http = HttpClient(source, api_root(base_url), auth=(email, token), hints=hints, **http_kwargs)
        return cls(http)

    @property
    def stats(self) -> RequestStats:
        """Request counters for run metadata."""
        return self.http.stats

    def iter_spaces(self, keys: Sequence[str] | None = None) -> Iterator[dict[str, Any]]:
        """Spaces (``id`` numeric string, ``key``, ``name``, ``type``, ``status``), optionally only
        those in the allow-list `keys`; keys the account cannot see are simply absent."""
        if keys is None:
            yield from iter_cursor_pages(self.http, "/api/v2/spaces", {"limit": PAGE_LIMIT})
            return
        if isinstance(keys, str):
            raise TypeError(f"keys must be a list of space keys, not the string {keys!r}")
        for group in chunked(list(dict.fromkeys(keys)), SPACE_KEYS_PER_CALL):
            params = {"keys": list(group), "limit": PAGE_LIMIT}
            yield from iter_cursor_pages(self.http, "/api/v2/spaces", params)

    def iter_pages(self, space_id: str, body_format: str = "storage") -> Iterator[dict[str, Any]]:
        """Current and archived pages of a space (``id``, ``title``, ``parentId``, ``status``,
        ``version.number``/``createdAt``, and ``body.<format>.value`` — storage XHTML by default)."""
        path = f"/api/v2/spaces/{quote(str(space_id), safe='')}/pages"
        params = {"body-format": body_format, "status": LISTED_STATUSES, "limit": PAGE_LIMIT}
        return iter_cursor_pages(self.http, path, params, require=_with_body(body_format))

    def iter_page_stubs(self, space_id: str) -> Iterator[dict[str, Any]]:
        """Pages of a space without bodies (``id``, ``title``, ``status``, ``version``): the cheap census."""
        path = f"/api/v2/spaces/{quote(str(space_id), safe='')}/pages"
        return iter_cursor_pages(self.http, path, {"status": LISTED_STATUSES, "limit": PAGE_LIMIT}, _STUB)

    def iter_pages_by_id(self, page_ids: Sequence[str], body_format: str = "storage") -> Iterator[dict[str, Any]]:
        """The pages with these ids (250 per request, the `id` filter's maximum), with bodies."""
        for group in chunked(list(page_ids), PAGE_LIMIT):
            params = {"id": list(group), "body-format": body_format, "limit": PAGE_LIMIT}
            yield from iter_cursor_pages(self.http, "/api/v2/pages", params, require=_with_body(body_format))

    def lookup_page(self, page_id: str, body_format: str = "storage") -> tuple[int, dict[str, Any] | None]:
        """Point lookup: ``(200, page)`` (its ``status`` may be ``trashed``), or ``(404, None)``, which the API
        gives both for a purged page and for one the account may no longer view."""
        try:
            page: dict[str, Any] = self.http.get_json(
                f"/api/v2/pages/{quote(str(page_id), safe='')}", {"body-format": body_format}, expect="object"
            )
        except ApiError as exc:
            if exc.status == 404:
                return 404, None
            raise
        return 200, page

    def page_labels(self, page_id: str) -> Iterator[dict[str, Any]]:
        """Labels of a page (``id``, ``name``, ``prefix``)."""
        path = f"/api/v2/pages/{quote(str(page_id), safe='')}/labels"
        return iter_cursor_pages(self.http, path, {"limit": PAGE_LIMIT})

    def page_versions(self, page_id: str) -> Iterator[dict[str, Any]]:
        """Versions of a page (``number``, ``createdAt``, ``authorId``, ``message``, ``minorEdit``)."""
        path = f"/api/v2/pages/{quote(str(page_id), safe='')}/versions"
        return iter_cursor_pages(self.http, path, {"limit": PAGE_LIMIT})

    def search_pages(self, cql: str) -> Iterator[dict[str, Any]]:
        """The ``content`` of each page a CQL query finds (v1 ``/rest/api/search``): ``id``,
        ``title``, ``status`` and ``version.number``. A 410 (v1 removed) raises `ApiError`."""
        params = {"cql": cql, "limit": SEARCH_LIMIT, "expand": "content.version"}
        required = ("content.id", "content.version.number")
        for result in iter_cursor_pages(self.http, "/rest/api/search", params, require=required):
            yield result["content"]

    def create_page(self, space_id: str, title: str, storage: str) -> dict[str, Any]:
        """A new current page in the space, its body in storage format (v2 ``POST /pages``)."""
        body = {
            "spaceId": str(space_id),
            "status": "current",
            "title": title,
            "body": {"representation": "storage", "value": storage},
        }
        page: dict[str, Any] = self.http.post_json("/api/v2/pages", body, expect="object")
        self._check_saved(page, 1, "/api/v2/pages", "POST")
        return page

    def update_page(self, page_id: str, title: str, storage: str, number: int, message: str) -> dict[str, Any]:
        """Save version `number` of the page (v2 ``PUT /pages/{id}``); ApiError 409 when the page's
        current version is not `number` - 1 (someone saved in between)."""
        body = {
            "id": str(page_id),
            "status": "current",
            "title": title,
            "body": {"representation": "storage", "value": storage},
            "version": {"number": number, "message": message},
        }
        path = f"/api/v2/pages/{quote(str(page_id), safe='')}"
        page: dict[str, Any] = self.http.put_json(path, body, expect="object")
        self._check_saved(page, number, path, "PUT")
        return page

    def _check_saved(self, page: dict[str, Any], number: int, path: str, method: str) -> None:
        """IncompleteAnswerError unless the answer to a page save holds the page's id, where people
        open it, and the version `number` that was saved."""
        missing = [p for p in _SAVED_PAGE if not has(page, p)]
        if missing:
            detail = f"the saved page lacks {', '.join(f'`{p}`' for p in missing)}"
        elif value_at(page, "version.number") != number:
            detail = f"the answer holds version {value_at(page, 'version.number')}, not the {number} saved"
        else:
            return
        raise self.http.incomplete_error(self.http.resolve(path), detail, method=method)

    def put_attachment(self, page_id: str, file_name: str, data: bytes, media_type: str) -> dict[str, Any]:
        """Add a file to the page, or a new version of the one of that name (v1 ``PUT
        /content/{id}/child/attachment``, multipart; v2 has no upload). Confluence refuses uploads
        without ``X-Atlassian-Token: no-check`` (its XSRF guard)."""
        body = Multipart(
            (("file", (file_name, data, media_type)),), {"minorEdit": "true"}, {"X-Atlassian-Token": "no-check"}
        )
        path = f"/rest/api/content/{quote(str(page_id), safe='')}/child/attachment"
        answer: dict[str, Any] = self.http.put_multipart(path, body, expect="object")
        results = answer.get("results")
        if not isinstance(results, list) or file_name not in {r.get("title") for r in results if isinstance(r, dict)}:
            detail = f"the answer does not list the attachment {file_name!r} it was sent"
            raise self.http.incomplete_error(self.http.resolve(path), detail, method="PUT")
        return answer
