"""Confluence Cloud REST v1 CQL search, `GET /wiki/rest/api/search`, over the live pages.

The query language is the CQL subset of sandbox.cql (type, space, label, id, lastmodified; AND, OR,
parentheses); anything outside it, and `cqlcontext`, is refused with 400. Dates are read in the
account's time zone (`SearchBehaviour.time_zone`), as CQL does. Only `current` pages are found
(trashed and purged ones are not, as without `cqlcontext`). A page's `lastmodified` is the time of
the version the index holds: the index lags like Jira's (`SearchBehaviour.index_lag_minutes`), so a
page is indexed as its last version saved at least that long before now (whole seconds), and is not
found at all when every version is younger. A result's `content` is read from the page store (as
Confluence hydrates search hits), so `content.version` (`expand=content.version`) is the live
version while `lastModified` is the indexed one. Labels change without a version and are searched
as they are now.

Paging: `limit` defaults to 25 and is capped at 250 (the spec only says "fixed system limits").
Results are ordered by lastModified ascending, then id (real search orders by relevance; pmhub
does not rely on the order). `_links.next` is relative to `/wiki`, as real v1 search writes it:
`/rest/api/search?cql=..&limit=N&cursor=<opaque>&next=true&start=S[&expand=..]`; the cursor is
signed and tied to the CQL text (another query's cursor → 400 "Invalid cursor") and holds an offset
into the current result list, so a page edited between two requests shifts the rest, as with Jira.
`start` is ignored next to a cursor; alone it offsets the list (v1 deprecated `start` for cursors).
No `prev` links. `expand` may name `content.version` and `content.space`, nothing else.

With `gone=True` (server option `confluence_v1_gone`) the endpoint answers 410, as on sites where
v1 search has been removed. Errors use v1's body `{statusCode, data, message, reason}`, except 401:
the site refuses bad credentials before any API version is chosen, with the same body as ConfluenceApi.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sandbox.confluence_api import v2_error
from sandbox.confluence_mutations import ConfluencePages, PageWriteError
from sandbox.cql import Indexed, parse_cql
from sandbox.http_kit import (
    ApiRequest,
    ApiResponse,
    BadRequest,
    PageTokens,
    VendorApi,
    clamp,
    form_parts,
    json_response,
    route,
)
from sandbox.jira_api import basic_auth_ok
from sandbox.jira_search import SearchBehaviour
from sandbox.model import ConfluenceSpace
from sandbox.timefmt import iso_z

PATH = "/wiki/rest/api/search"
ATTACHMENTS = "/wiki/rest/api/content/{page}/child/attachment"
LIMIT_DEFAULT, LIMIT_CAP = 25, 250
EXPANDS = frozenset({"content.version", "content.space"})
_REASONS = {400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 410: "Gone", 429: "Too Many Requests"}


class ConfluenceSearchApi(VendorApi):
    """The v1 API pmhub uses: CQL search over the same live `ConfluencePages` the v2 API serves (with
    Jira search's behaviour), and attachment uploads (v2 has none)."""

    def __init__(
        self,
        spaces: Iterable[ConfluenceSpace],
        pages: ConfluencePages,
        tokens: PageTokens,
        behaviour: SearchBehaviour,
        gone: bool = False,
    ) -> None:
        self._spaces = {s.id: s for s in spaces}
        self._pages, self._tokens, self._gone = pages, tokens, gone
        self._zone = ZoneInfo(behaviour.time_zone)
        self._lag = timedelta(minutes=behaviour.index_lag_minutes)
        self.routes = [route("GET", PATH, self.search), route("PUT", ATTACHMENTS, self.put_attachments)]

    def authenticate(self, request: ApiRequest) -> ApiResponse | None:
        return None if basic_auth_ok(request) else v2_error(401, "")

    def error(self, status: int, message: str) -> ApiResponse:
        data = {"authorized": True, "valid": status != 400, "errors": [], "successful": False}
        body = {"statusCode": status, "data": data, "message": message, "reason": _REASONS.get(status, "Error")}
        return json_response(status, body)

    def indexed(self, now: datetime) -> list[Indexed]:
        """The current pages as the index holds them at `now`, ordered by lastModified then id."""
        cutoff = (now - self._lag).replace(microsecond=0) if self._lag else None
        found = []
        for page in self._pages.listed({"current"}):
            versions = [v for v in page.versions if cutoff is None or v.created_at <= cutoff]
            if versions:
                found.append(Indexed(page, self._spaces[page.space_id].key, versions[-1]))
        return sorted(found, key=lambda doc: (doc.version.created_at, int(doc.page.id)))

    def search(self, request: ApiRequest) -> ApiResponse:
        started = time.monotonic()
        if self._gone:
            return self.error(410, "The v1 search API has been removed from this site; use the v2 APIs.")
        if request.first("cqlcontext") is not None:
            raise BadRequest("The sandbox does not support cqlcontext.")
        cql = request.first("cql") or ""
        expands = set(request.values("expand"))
        if expands - EXPANDS:
            raise BadRequest(f"The sandbox expands only {sorted(EXPANDS)}, not {sorted(expands - EXPANDS)}.")
        match = parse_cql(cql, self._zone)
        limit = clamp(request.integer("limit", LIMIT_DEFAULT), 1, LIMIT_CAP)
        scope = PageTokens.scope(PATH, cql)
        if request.first("cursor"):
            offset = self._tokens.offset(request.first("cursor"), scope)
            if offset is None:
                raise BadRequest("Invalid cursor")
        else:
            offset = max(0, request.integer("start", 0))
        matches = [doc for doc in self.indexed(request.now) if match(doc)]
        chosen = matches[offset : offset + limit]
        base = f"{request.base_url}/wiki"
        asked = [(k, v) for k, vs in request.query.items() for v in vs]
        links = {"base": base, "context": "/wiki", "self": f"{base}/rest/api/search?{urlencode(asked)}"}
        if offset + len(chosen) < len(matches):
            token = self._tokens.issue(offset + len(chosen), scope)
            after = [("next", "true"), ("start", offset + len(chosen))]
            after += [("expand", ",".join(request.values("expand")))] if expands else []
            query = f"{urlencode({'cql': cql, 'limit': limit})}&{urlencode({'cursor': token})}&{urlencode(after)}"
            links["next"] = f"/rest/api/search?{query}"
        body = {
            "results": [self._result(doc, base, expands) for doc in chosen],
            "start": offset,
            "limit": limit,
            "size": len(chosen),
            "totalSize": len(matches),
            "cqlQuery": cql,
            "searchDuration": int((time.monotonic() - started) * 1000),
            "_links": links,
        }
        return json_response(200, body)

    def _friendly(self, when: datetime) -> str:
        return when.astimezone(self._zone).strftime("%b %d, %Y")

    def _result(self, doc: Indexed, base: str, expands: set[str]) -> dict[str, Any]:
        """One SearchResult: the page as `content` (as stored now) and the index's lastModified."""
        page = doc.page
        space = self._spaces[page.space_id]
        webui = f"/spaces/{space.key}/pages/{page.id}/{page.title.replace(' ', '+')}"
        expandable = {"container": "", "metadata": "", "operations": "", "children": "", "ancestors": "", "body": ""}
        expandable.update(history=f"/rest/api/content/{page.id}/history", descendants="", extensions="")
        content: dict[str, Any] = {"id": page.id, "type": "page", "status": "current", "title": page.title}
        if "content.version" in expands:
            live = page.current
            content["version"] = {
                "number": live.number,
                "when": iso_z(live.created_at),
                "friendlyWhen": self._friendly(live.created_at),
                "message": live.message,
                "minorEdit": live.minor_edit,
                "_links": {"self": f"{base}/rest/api/content/{page.id}/version/{live.number}"},
            }
        else:
            expandable["version"] = ""
        if "content.space" in expands:
            content["space"] = {
                "id": int(space.id),
                "key": space.key,
                "name": space.name,
                "type": "global",
                "status": "current",
                "_expandable": {"settings": f"/rest/api/space/{space.key}/settings", "homepage": ""},
                "_links": {"webui": f"/spaces/{space.key}", "self": f"{base}/rest/api/space/{space.key}"},
            }
        else:
            expandable["space"] = f"/rest/api/space/{space.key}"
        content["_expandable"] = expandable
        tinyui = f"/x/{int(page.id):x}"
        content["_links"] = {"webui": webui, "self": f"{base}/rest/api/content/{page.id}", "tinyui": tinyui}
        return {
            "content": content,
            "title": page.title,
            "excerpt": "",
            "url": webui,
            "resultGlobalContainer": {"title": space.name, "displayUrl": f"/spaces/{space.key}"},
            "breadcrumbs": [],
            "entityType": "content",
            "iconCssClass": "aui-icon content-type-page",
            "lastModified": iso_z(doc.version.created_at),
            "friendlyLastModified": self._friendly(doc.version.created_at),
            "score": 0.0,
        }

    def put_attachments(self, request: ApiRequest) -> ApiResponse:
        """Add or update files on a page (multipart `file` parts), as Confluence's v1 upload does;
        without `X-Atlassian-Token: no-check` its XSRF guard answers 403."""
        if request.headers.get("x-atlassian-token") != "no-check":
            return self.error(403, "XSRF check failed")
        page_id = request.path_params["page"]
        results = []
        for part in form_parts(request):
            if part.get_param("name", header="content-disposition") != "file":
                continue
            name = str(part.get_filename() or "")
            data = part.get_payload(decode=True)
            media = part.get_content_type()
            try:
                number = self._pages.put_attachment(page_id, name, data if isinstance(data, bytes) else b"", media)
            except PageWriteError as exc:
                return self.error(exc.status, str(exc))
            results.append(
                {
                    "id": f"att{page_id}{zlib.crc32(name.encode()) % 10**6}",
                    "type": "attachment",
                    "status": "current",
                    "title": name,
                    "version": {"number": number, "minorEdit": True, "when": iso_z(request.now)},
                    "metadata": {"mediaType": media},
                    "_links": {"download": f"/download/attachments/{page_id}/{name}?version={number}"},
                }
            )
        links = {"base": f"{request.base_url}/wiki", "context": "/wiki"}
        return json_response(
            200, {"results": results, "start": 0, "limit": len(results), "size": len(results), "_links": links}
        )
