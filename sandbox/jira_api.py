"""Jira Cloud platform REST v3 (`/rest/api/3/...`): the endpoints pmhub's Jira connector calls.

Errors use Jira's `{"errorMessages": [...], "errors": {}}` body. The removed search API answers 410,
as every Jira Cloud site has since 2025. Projects the account lost Browse on are absent from
/project/search and 404 on GET. `/worklog/updated` and `/worklog/deleted` leave out the minute
before the request (by the sandbox clock), and their `since` is inclusive, so the item at a page
boundary repeats on the next page (the documented example shows `since` equal to the first
`updatedTime`). Worklogs of issues the account cannot read are left out of the feed and the list.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import threading
from typing import Any
from urllib.parse import urlencode

from sandbox import jira_render as render
from sandbox.credentials import ATLASSIAN_EMAIL, ATLASSIAN_TOKEN
from sandbox.http_kit import (
    ApiRequest,
    ApiResponse,
    BadRequest,
    PageTokens,
    VendorApi,
    clamp,
    json_response,
    raw_json_response,
    route,
)
from sandbox.jira_catalog import STATUSES
from sandbox.jira_json import JiraJson
from sandbox.jira_reads import JiraReads
from sandbox.jira_search import JiraSearch, SearchBehaviour
from sandbox.jira_state import JiraState
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
    def __init__(
        self,
        portfolio: Portfolio,
        state: JiraState,
        tokens: PageTokens,
        behaviour: SearchBehaviour | None = None,
        issue_errors: bool = True,
    ) -> None:
        self._portfolio = portfolio
        self._state = state
        self._people = {p.account_id: p for p in portfolio.people}
        self._renderers: dict[str, JiraJson] = {}
        self._renderers_lock = threading.Lock()
        self._search = JiraSearch(state, tokens, self.renderer, behaviour or SearchBehaviour())
        reads = JiraReads(state, tokens, self.renderer, self.error, issue_errors)
        self.routes = [
            route("GET", "/rest/api/3/myself", self.myself),
            route("GET", "/rest/api/3/serverInfo", self.server_info),
            route("GET", "/rest/api/3/field", self.fields),
            route("GET", "/rest/api/3/status", self.statuses),
            route("GET", "/rest/api/3/project/search", self.projects),
            route("GET", "/rest/api/3/project/{projectIdOrKey}", self.project),
            route("GET", "/rest/api/3/search/jql", self._search.search),
            route("POST", "/rest/api/3/search/jql", self._search.search),
            route("POST", "/rest/api/3/search/approximate-count", self._search.approximate_count),
            route("GET", "/rest/api/3/issue/{issueIdOrKey}", reads.issue),
            route("POST", "/rest/api/3/issue/bulkfetch", reads.bulk_issues),
            route("POST", "/rest/api/3/changelog/bulkfetch", reads.bulk_changelog),
            route("GET", "/rest/api/3/worklog/updated", self.worklogs_updated),
            route("GET", "/rest/api/3/worklog/deleted", self.worklogs_deleted),
            route("POST", "/rest/api/3/worklog/list", self.worklog_list),
            route("GET", "/rest/api/3/search", self.removed),
            route("POST", "/rest/api/3/search", self.removed),
        ]

    def renderer(self, base: str) -> JiraJson:
        """The JSON assembler for links under `base` (fragments are built once per base URL)."""
        with self._renderers_lock:
            found = self._renderers.get(base)
            if found is None:
                found = self._renderers[base] = JiraJson(base, self._portfolio, lambda: self._state.added_fields)
            return found

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
        return json_response(200, self._state.field_catalogue())

    def statuses(self, request: ApiRequest) -> ApiResponse:
        return json_response(200, [render.status(request.base_url, s) for s in STATUSES])

    def projects(self, request: ApiRequest) -> ApiResponse:
        """GET /project/search: PageBean of browsable projects by key, filtered by `keys`/`id`/`query`."""
        keys, ids, text = set(request.values("keys")), set(request.values("id")), (request.first("query") or "").lower()
        start = max(0, request.integer("startAt", 0))
        size = clamp(request.integer("maxResults", 50), 1, 100)
        found = [
            p
            for p in sorted(self._state.visible_projects(), key=lambda p: p.key)
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

    def project(self, request: ApiRequest) -> ApiResponse:
        """GET /project/{projectIdOrKey}: the key is case-sensitive; unknown and revoked look the same."""
        ref = request.path_params["projectIdOrKey"]
        found = self._state.project(ref)
        if found is None:
            return self.error(404, f"No project could be found with key '{ref}'.")
        return json_response(200, render.project_details(request.base_url, found, self._people[found.lead]))

    def removed(self, request: ApiRequest) -> ApiResponse:
        return self.error(410, REMOVED_SEARCH)

    def worklogs_updated(self, request: ApiRequest) -> ApiResponse:
        return self._feed(request, deleted=False)

    def worklogs_deleted(self, request: ApiRequest) -> ApiResponse:
        return self._feed(request, deleted=True)

    def _feed(self, request: ApiRequest, deleted: bool) -> ApiResponse:
        since = request.integer("since", 0)
        cutoff = epoch_ms(request.now) - _RECENT_MS
        rows, until, last_page = self._state.worklog_page(since, cutoff, WORKLOG_PAGE, deleted)
        body: dict[str, Any] = {
            "values": [{"worklogId": wid, "updatedTime": ms, "properties": []} for ms, wid in rows],
            "since": since,
            "until": until,
            "self": f"{request.base_url}{request.path}?since={since}",
            "lastPage": last_page,
        }
        if not last_page:
            body["nextPage"] = f"{request.base_url}{request.path}?since={until}"
        return json_response(200, body)

    def worklog_list(self, request: ApiRequest) -> ApiResponse:
        body = request.json()
        ids = body.get("ids") if isinstance(body, dict) else None
        if not isinstance(ids, list):
            raise BadRequest("The request must contain a list of worklog IDs in 'ids'.")
        if len(ids) > WORKLOG_PAGE:
            raise BadRequest(f"The number of worklog IDs must not exceed {WORKLOG_PAGE}.")
        try:
            wanted = {int(i) for i in ids}
        except (TypeError, ValueError):
            raise BadRequest("Worklog IDs must be numbers.") from None
        found = self._state.readable_worklogs(wanted)
        self._state.mark_served(worklog_ids=[w.id for w in found])
        render_ = self.renderer(request.base_url)
        return raw_json_response(200, "[" + ",".join(render_.worklog(w) for w in found) + "]")
