"""Confluence Cloud REST v2 (`/wiki/api/v2/...`): spaces, pages and page versions.

Lists use cursor paging: the response's `_links.next` and the `Link: <...>; rel="next"` header hold
the same relative URL (`/wiki/api/v2/...?limit=..&cursor=<opaque>&sort=..`, parameters on both
sides of the cursor); `_links.base` is the site URL + `/wiki`. The last page has no `next`.
`body-format=atlas_doc_format` returns a minimal ADF document (the page text as one paragraph);
use `storage` for the real structure. Other body formats are refused with 400.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

from sandbox.clock import SandboxClock
from sandbox.confluence_mutations import ConfluencePages, PageWriteError
from sandbox.http_kit import ApiRequest, ApiResponse, BadRequest, PageTokens, VendorApi, clamp, json_response, route
from sandbox.jira_api import basic_auth_ok
from sandbox.model import ConfluencePage, ConfluenceSpace, PageVersion
from sandbox.portfolio import Portfolio
from sandbox.timefmt import iso_z

PREFIX = "/wiki/api/v2"
LIMIT_DEFAULT, LIMIT_CAP = 25, 250
_ERRORS = {
    400: ("INVALID_REQUEST_PARAMETER", "Bad Request"),
    401: ("UNAUTHORIZED", "Unauthorized"),
    404: ("NOT_FOUND", "Not Found"),
    405: ("METHOD_NOT_ALLOWED", "Method Not Allowed"),
    410: ("GONE", "Gone"),
    429: ("TOO_MANY_REQUESTS", "Too Many Requests"),
    503: ("SERVICE_UNAVAILABLE", "Service Unavailable"),
}
_PAGE_SORTS: dict[str, Callable[[ConfluencePage], Any]] = {
    "id": lambda p: int(p.id),
    "created-date": lambda p: (p.created_at, int(p.id)),
    "modified-date": lambda p: (p.current.created_at, int(p.id)),
    "title": lambda p: (p.title, int(p.id)),
}
_SPACE_SORTS: dict[str, Callable[[ConfluenceSpace], Any]] = {
    "id": lambda s: int(s.id),
    "key": lambda s: s.key,
    "name": lambda s: s.name,
}


def _sorted(items: Sequence[Any], sort: str, keys: dict[str, Callable[[Any], Any]]) -> list[Any]:
    key = keys.get(sort.lstrip("-"))
    if key is None:
        raise BadRequest(f"Invalid value '{sort}' for parameter 'sort'.")
    return sorted(items, key=key, reverse=sort.startswith("-"))


def _adf(storage: str) -> str:
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", storage)).replace("&nbsp;", " ").strip()
    doc = {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}]}
    return json.dumps(doc)


def v2_error(status: int, message: str) -> ApiResponse:
    """Confluence v2's error body: `{"errors": [{status, code, title, detail}]}`."""
    code, title = _ERRORS.get(status, ("ERROR", "Error"))
    error = {"status": status, "code": code, "title": title, "detail": message or None}
    return json_response(status, {"errors": [error]})


class ConfluenceApi(VendorApi):
    def __init__(self, portfolio: Portfolio, tokens: PageTokens, pages: ConfluencePages | None = None) -> None:
        self._spaces = {s.id: s for s in portfolio.spaces}
        # The live pages: a running server's mutations change them (sandbox.confluence_mutations).
        self._pages = pages or ConfluencePages(portfolio.spaces, SandboxClock(portfolio.now))
        self._tokens = tokens
        self.routes = [
            route("GET", f"{PREFIX}/spaces", self.spaces),
            route("GET", f"{PREFIX}/spaces/{{space}}", self.space),
            route("GET", f"{PREFIX}/spaces/{{space}}/pages", self.space_pages),
            route("GET", f"{PREFIX}/pages", self.pages),
            route("GET", f"{PREFIX}/pages/{{page}}", self.page),
            route("POST", f"{PREFIX}/pages", self.create_page),
            route("PUT", f"{PREFIX}/pages/{{page}}", self.update_page),
            route("GET", f"{PREFIX}/pages/{{page}}/versions", self.versions),
            route("GET", f"{PREFIX}/pages/{{page}}/labels", self.labels),
        ]

    def authenticate(self, request: ApiRequest) -> ApiResponse | None:
        return None if basic_auth_ok(request) else self.error(401, "")

    def error(self, status: int, message: str) -> ApiResponse:
        return v2_error(status, message)

    # -- paging -----------------------------------------------------------------------------------
    def _paged(
        self, request: ApiRequest, items: Sequence[Any], render: Callable[[Any], dict[str, Any]], sort: str
    ) -> ApiResponse:
        """One cursor page of `items` (already filtered and sorted by `sort`)."""
        limit = clamp(request.integer("limit", LIMIT_DEFAULT), 1, LIMIT_CAP)
        others = [(k, v) for k, vs in request.query.items() if k not in ("cursor", "limit", "sort") for v in vs]
        scope = PageTokens.scope(request.path, sorted(others), sort)
        offset = self._tokens.offset(request.first("cursor"), scope)
        if offset is None:
            raise BadRequest("Invalid cursor.")
        page = items[offset : offset + limit]
        links: dict[str, str] = {}
        headers: list[tuple[str, str]] = []
        if offset + len(page) < len(items):
            token = self._tokens.issue(offset + len(page), scope)
            query = "&".join(
                filter(
                    None,
                    (
                        urlencode({"limit": limit}),
                        urlencode(others),
                        urlencode({"cursor": token}),
                        urlencode({"sort": sort}),
                    ),
                )
            )
            links["next"] = f"{request.path}?{query}"
            headers.append(("Link", f'<{links["next"]}>; rel="next", <{request.base_url}/wiki>; rel="base"'))
        links["base"] = f"{request.base_url}/wiki"
        return json_response(200, {"results": [render(item) for item in page], "_links": links}, *headers)

    # -- lookups ----------------------------------------------------------------------------------
    def _space_of(self, request: ApiRequest) -> ConfluenceSpace:
        space: ConfluenceSpace = self._by_id(request.path_params["space"], self._spaces)
        return space

    def _page_of(self, request: ApiRequest) -> ConfluencePage:
        raw = request.path_params["page"]
        if not raw.isdigit():
            raise BadRequest(f"Invalid value '{raw}' for parameter 'id'.")
        found = self._pages.get(raw)
        if found is None:
            raise LookupError
        return found[0]

    @staticmethod
    def _by_id(raw: str, table: dict[str, Any]) -> Any:
        if not raw.isdigit():
            raise BadRequest(f"Invalid value '{raw}' for parameter 'id'.")
        if raw not in table:
            raise LookupError
        return table[raw]

    def _body_format(self, request: ApiRequest) -> str | None:
        fmt = request.first("body-format")
        if fmt not in (None, "storage", "atlas_doc_format"):
            raise BadRequest(f"The sandbox serves body-format storage or atlas_doc_format, not '{fmt}'.")
        return fmt

    # -- rendering --------------------------------------------------------------------------------
    def _space(self, space: ConfluenceSpace) -> dict[str, Any]:
        return {
            "id": space.id,
            "key": space.key,
            "name": space.name,
            "type": "global",
            "status": "current",
            "authorId": space.author_id,
            "createdAt": iso_z(space.created_at),
            "homepageId": space.homepage_id,
            "spaceOwnerId": space.author_id,
            "currentActiveAlias": space.key,
            "_links": {"webui": f"/spaces/{space.key}"},
        }

    @staticmethod
    def _version(version: PageVersion) -> dict[str, Any]:
        return {
            "createdAt": iso_z(version.created_at),
            "message": version.message,
            "number": version.number,
            "minorEdit": version.minor_edit,
            "authorId": version.author_id,
        }

    def _page(self, page: ConfluencePage, fmt: str | None, version: PageVersion | None = None) -> dict[str, Any]:
        shown = version or page.current
        body: dict[str, Any] = {}
        if fmt == "storage":
            body["storage"] = {"representation": "storage", "value": shown.body}
        elif fmt == "atlas_doc_format":
            body["atlas_doc_format"] = {"representation": "atlas_doc_format", "value": _adf(shown.body)}
        space_key = self._spaces[page.space_id].key
        found = self._pages.get(page.id)
        status = found[1] if found is not None else "current"
        out: dict[str, Any] = {"id": page.id, "status": status, "title": page.title, "spaceId": page.space_id}
        if page.parent_id is not None:
            out.update(parentId=page.parent_id, parentType="page")
        out.update(
            position=page.position,
            authorId=page.author_id,
            ownerId=page.author_id,
            createdAt=iso_z(page.created_at),
            version=self._version(shown),
            body=body,
            _links={
                "webui": f"/spaces/{space_key}/pages/{page.id}/{page.title.replace(' ', '+')}",
                "editui": f"/pages/resumedraft.action?draftId={page.id}",
                "tinyui": f"/x/{int(page.id):x}",
            },
        )
        return out

    # -- endpoints --------------------------------------------------------------------------------
    def spaces(self, request: ApiRequest) -> ApiResponse:
        keys, ids = set(request.values("keys")), set(request.values("ids"))
        found = [
            s
            for s in self._spaces.values()
            if (not keys or s.key in keys)
            and (not ids or s.id in ids)
            and request.first("status") in (None, "current")
            and request.first("type") in (None, "global")
        ]
        sort = request.first("sort") or "id"
        return self._paged(request, _sorted(found, sort, _SPACE_SORTS), self._space, sort)

    def space(self, request: ApiRequest) -> ApiResponse:
        try:
            body = self._space(self._space_of(request))
        except LookupError:
            return self.error(404, "Space not found.")
        body["_links"]["base"] = f"{request.base_url}/wiki"
        return json_response(200, body)

    def _page_list(self, request: ApiRequest, pages: Sequence[ConfluencePage]) -> ApiResponse:
        fmt = self._body_format(request)
        statuses = set(request.values("status")) or {"current"}
        title = request.first("title")
        listed = {p.id for p in self._pages.listed(statuses)}
        found = [p for p in pages if p.id in listed and (title is None or p.title == title)]
        sort = request.first("sort") or "id"
        return self._paged(request, _sorted(found, sort, _PAGE_SORTS), lambda p: self._page(p, fmt), sort)

    def space_pages(self, request: ApiRequest) -> ApiResponse:
        try:
            space = self._space_of(request)
        except LookupError:
            return self.error(404, "Space not found.")
        pages = [p for p in self._pages.listed({"current", "trashed"}) if p.space_id == space.id]
        if request.first("depth") == "root":
            pages = [p for p in pages if p.parent_id is None]
        return self._page_list(request, pages)

    def pages(self, request: ApiRequest) -> ApiResponse:
        ids, space_ids = set(request.values("id")), set(request.values("space-id"))
        return self._page_list(
            request,
            [
                p
                for p in self._pages.listed({"current", "trashed"})
                if (not ids or p.id in ids) and (not space_ids or p.space_id in space_ids)
            ],
        )

    def page(self, request: ApiRequest) -> ApiResponse:
        try:
            page = self._page_of(request)
        except LookupError:
            return self.error(404, "Page not found.")
        number = request.integer("version", page.current.number)
        version = next((v for v in page.versions if v.number == number), None)
        if version is None:
            return self.error(404, f"Version {number} of page {page.id} not found.")
        body = self._page(page, self._body_format(request), version)
        body["_links"]["base"] = f"{request.base_url}/wiki"
        return json_response(200, body)

    def versions(self, request: ApiRequest) -> ApiResponse:
        try:
            page = self._page_of(request)
        except LookupError:
            return self.error(404, "Page not found.")
        sort = request.first("sort") or "-modified-date"
        if sort.lstrip("-") != "modified-date":
            raise BadRequest(f"Invalid value '{sort}' for parameter 'sort'.")
        ordered = sorted(page.versions, key=lambda v: v.number, reverse=sort.startswith("-"))

        def render(version: PageVersion) -> dict[str, Any]:
            return {**self._version(version), "page": {"id": page.id, "title": page.title}}

        return self._paged(request, ordered, render, sort)

    def labels(self, request: ApiRequest) -> ApiResponse:
        """A page's labels (all global in the sandbox), by name."""
        try:
            page = self._page_of(request)
        except LookupError:
            return self.error(404, "Page not found.")
        sort = request.first("sort") or "name"
        if sort.lstrip("-") != "name":
            raise BadRequest(f"Invalid value '{sort}' for parameter 'sort'.")
        names = sorted(page.labels, reverse=sort.startswith("-"))

        def render(name: str) -> dict[str, Any]:
            return {"id": str(int(hashlib.sha256(name.encode()).hexdigest()[:8], 16)), "name": name, "prefix": "global"}

        return self._paged(request, names, render, sort)

    # -- writes (a status page pmhub publishes) ---------------------------------------------------

    def _written(self, request: ApiRequest, write: Callable[[dict[str, Any]], ConfluencePage]) -> ApiResponse:
        try:
            payload = json.loads(request.body or b"{}")
            body = payload["body"]
            if body.get("representation") != "storage":
                return self.error(400, "Only the storage representation is supported by this sandbox.")
            page = write(payload)
        except PageWriteError as exc:
            return self.error(exc.status, str(exc))
        except (ValueError, KeyError, TypeError) as exc:
            return self.error(400, f"Invalid request body: {exc}")
        out = self._page(page, "storage")
        out["_links"]["base"] = f"{request.base_url}/wiki"
        return json_response(200, out)

    def create_page(self, request: ApiRequest) -> ApiResponse:
        def write(payload: dict[str, Any]) -> ConfluencePage:
            if str(payload["spaceId"]) not in self._spaces:
                raise PageWriteError(404, f"Space {payload['spaceId']} not found.")
            return self._pages.create_page(
                str(payload["spaceId"]),
                payload["title"],
                payload["body"]["value"],
                payload.get("parentId"),
                self._writer_of(request),
            )

        return self._written(request, write)

    def update_page(self, request: ApiRequest) -> ApiResponse:
        page_id = request.path_params["page"]

        def write(payload: dict[str, Any]) -> ConfluencePage:
            if str(payload["id"]) != page_id:
                raise PageWriteError(400, "The id in the body must be the page's id.")
            version = payload["version"]
            return self._pages.update_page(
                page_id,
                payload["title"],
                payload["body"]["value"],
                int(version["number"]),
                version.get("message", ""),
                self._writer_of(request),
            )

        return self._written(request, write)

    @staticmethod
    def _writer_of(_request: ApiRequest) -> str:
        # One sandbox account writes: the token's owner.
        return "pmhub-sandbox-writer"
