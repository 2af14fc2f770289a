"""Jira Cloud platform REST v3 (`/rest/api/3/...`): the endpoints pmhub's Jira connector calls.

Errors use Jira's `{"errorMessages": [...], "errors": {}}` body. The removed search API answers 410,
as every Jira Cloud site has since 2025. `/worklog/updated` leaves out worklogs updated in the minute
before the request, and its `since` is inclusive, so the item at a page boundary repeats on the next
page (the documented example shows `since` equal to the first `updatedTime`).
"""

from __future__ import annotations

import base64
import binascii
import bisect
import hashlib
from typing import Any
from urllib.parse import urlencode

from sandbox import jira_render as render
from sandbox.credentials import ATLASSIAN_EMAIL, ATLASSIAN_TOKEN
from sandbox.http_kit import ApiRequest, ApiResponse, BadRequest, PageTokens, VendorApi, clamp, json_response, route
from sandbox.jira_catalog import STATUSES, field_catalogue
from sandbox.jira_search import JiraSearch
from sandbox.portfolio import Portfolio
from sandbox.timefmt import epoch_ms, jira_ts

REMOVED_SEARCH = (
    "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. "
    "A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"
)
WORKLOG_PAGE = 1000
_RECENT_MS = 60_000


def basic_auth_ok(request: ApiRequest) -> bool:
    """True when the request carries HTTP Basic `email:token` for the sandbox account."""
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return False
    return decoded == f"{ATLASSIAN_EMAIL}:{ATLASSIAN_TOKEN}"


def self_url(request: ApiRequest, **override: Any) -> str:
    params = {k: list(v) for k, v in request.query.items()} | {k: [str(v)] for k, v in override.items()}
    query = urlencode(params, doseq=True)
    return f"{request.base_url}{request.path}" + (f"?{query}" if query else "")


class JiraBase(VendorApi):
    """Authentication and error bodies shared by the platform and Jira Software APIs."""

    def authenticate(self, request: ApiRequest) -> ApiResponse | None:
        if basic_auth_ok(request):
            return None
        return self.error(401, "Client must be authenticated to access this resource.")

    def error(self, status: int, message: str) -> ApiResponse:
        return json_response(status, {"errorMessages": [message], "errors": {}})


class JiraApi(JiraBase):
    def __init__(self, portfolio: Portfolio, tokens: PageTokens) -> None:
        self._portfolio = portfolio
        self._people = {p.account_id: p for p in portfolio.people}
        self._search = JiraSearch(portfolio, tokens)
        worklogs = sorted((w for i in portfolio.issues for w in i.worklogs), key=lambda w: (w.updated, w.id))
        self._worklogs = {w.id: w for w in worklogs}
        self._updated = [(epoch_ms(w.updated), w.id) for w in worklogs]
        self.routes = [
            route("GET", "/rest/api/3/myself", self.myself),
            route("GET", "/rest/api/3/serverInfo", self.server_info),
            route("GET", "/rest/api/3/field", self.fields),
            route("GET", "/rest/api/3/status", self.statuses),
            route("GET", "/rest/api/3/project/search", self.projects),
            route("GET", "/rest/api/3/search/jql", self._search.search),
            route("POST", "/rest/api/3/search/jql", self._search.search),
            route("POST", "/rest/api/3/changelog/bulkfetch", self._search.bulk_changelog),
            route("GET", "/rest/api/3/worklog/updated", self.worklogs_updated),
            route("GET", "/rest/api/3/worklog/deleted", self.worklogs_deleted),
            route("POST", "/rest/api/3/worklog/list", self.worklog_list),
            route("GET", "/rest/api/3/search", self.removed),
            route("POST", "/rest/api/3/search", self.removed),
        ]

    def myself(self, request: ApiRequest) -> ApiResponse:
        return json_response(200, render.user(request.base_url, self._portfolio.me, full=True))

    def server_info(self, request: ApiRequest) -> ApiResponse:
        base = request.base_url
        return json_response(
            200,
            {
                "baseUrl": base,
                "displayUrl": base,
                "version": "1001.0.0-SNAPSHOT",
                "versionNumbers": [1001, 0, 0],
                "deploymentType": "Cloud",
                "buildNumber": 100290,
                "buildDate": jira_ts(self._portfolio.now),
                "serverTime": jira_ts(request.now),
                "scmInfo": hashlib.sha1(b"pmhub-sandbox").hexdigest(),
                "serverTitle": "Jira",
            },
        )

    def fields(self, request: ApiRequest) -> ApiResponse:
        return json_response(200, field_catalogue())

    def statuses(self, request: ApiRequest) -> ApiResponse:
        return json_response(200, [render.status(request.base_url, s) for s in STATUSES])

    def projects(self, request: ApiRequest) -> ApiResponse:
        """GET /project/search: PageBean of projects ordered by key, filtered by `keys`/`id`/`query`."""
        keys, ids, text = set(request.values("keys")), set(request.values("id")), (request.first("query") or "").lower()
        start = max(0, request.integer("startAt", 0))
        size = clamp(request.integer("maxResults", 50), 1, 100)
        found = [
            p
            for p in sorted(self._portfolio.jira_projects, key=lambda p: p.key)
            if (not keys or p.key in keys)
            and (not ids or p.id in ids)
            and (not text or text in p.key.lower() or text in p.name.lower())
        ]
        page = found[start : start + size]
        last = start + len(page) >= len(found)
        body: dict[str, Any] = {
            "self": self_url(request),
            "maxResults": size,
            "startAt": start,
            "total": len(found),
            "isLast": last,
            "values": [render.project(request.base_url, p) for p in page],
        }
        if not last:
            body["nextPage"] = self_url(request, startAt=start + size)
        return json_response(200, body)

    def removed(self, request: ApiRequest) -> ApiResponse:
        return self.error(410, REMOVED_SEARCH)

    def worklogs_updated(self, request: ApiRequest) -> ApiResponse:
        since = request.integer("since", 0)
        cutoff = epoch_ms(request.now) - _RECENT_MS
        first = bisect.bisect_left(self._updated, (since, -1))
        last = bisect.bisect_left(self._updated, (cutoff, -1))
        page = self._updated[first : min(last, first + WORKLOG_PAGE)]
        return json_response(200, self._changed(request, since, page, first + len(page) >= last))

    def worklogs_deleted(self, request: ApiRequest) -> ApiResponse:
        """No worklog has been deleted in the generated history."""
        return json_response(200, self._changed(request, request.integer("since", 0), [], True))

    @staticmethod
    def _changed(request: ApiRequest, since: int, page: list[tuple[int, int]], last_page: bool) -> dict[str, Any]:
        until = page[-1][0] if page else since
        body: dict[str, Any] = {
            "values": [{"worklogId": wid, "updatedTime": ms, "properties": []} for ms, wid in page],
            "since": since,
            "until": until,
            "self": f"{request.base_url}{request.path}?since={since}",
            "lastPage": last_page,
        }
        if not last_page:
            body["nextPage"] = f"{request.base_url}{request.path}?since={until}"
        return body

    def worklog_list(self, request: ApiRequest) -> ApiResponse:
        body = request.json()
        ids = body.get("ids") if isinstance(body, dict) else None
        if not isinstance(ids, list):
            raise BadRequest("The request must contain a list of worklog IDs in 'ids'.")
        if len(ids) > WORKLOG_PAGE:
            raise BadRequest(f"The number of worklog IDs must not exceed {WORKLOG_PAGE}.")
        try:
            wanted = sorted({int(i) for i in ids})
        except (TypeError, ValueError):
            raise BadRequest("Worklog IDs must be numbers.") from None
        found = [self._worklogs[i] for i in wanted if i in self._worklogs]
        return json_response(200, [render.worklog(request.base_url, w, self._people) for w in found])
