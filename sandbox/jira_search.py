"""Issue search (`/rest/api/3/search/jql`) and its count (`/rest/api/3/search/approximate-count`).

Search pages with an opaque `nextPageToken` only: no `startAt`, no `total`. By default an issue is
just its `id`; up to 5000 issues per page when only id/key are asked for, at most 100 otherwise.
`expand=changelog` embeds only the 20 most recent histories, newest first (the order Jira Cloud uses,
see the OpenAPI text "sorted by date, starting from the most recent"), with `total` = all histories.

The index is eventually consistent, like Jira's: with `index_lag_minutes` a change less than that
old (by the sandbox clock) is not indexed yet, while GET issue and bulkfetch already show it. Search
and count then match a changed issue as its last indexed version (its old `updated` and project)
and miss a new one. The index refreshes once a second, so pages within a second agree.
Tokens hold an offset into the current result list: an issue that changes between two pages
shifts the rest, so a client can see an issue twice or miss one, as on Jira.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sandbox.http_kit import ApiRequest, ApiResponse, BadRequest, PageTokens, clamp, json_response, raw_json_response
from sandbox.jira_json import JiraJson, embedded_worklogs
from sandbox.jira_state import JiraState, UnknownProject
from sandbox.jql import JqlError, Query, parse_jql
from sandbox.timefmt import epoch_ms

EMBEDDED_HISTORIES = 20
ID_ONLY_CAP = 5000
FIELDS_CAP = 100
UNBOUNDED = "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."


@dataclass(frozen=True)
class SearchBehaviour:
    """How the site's search differs from an ideal one.

    time_zone: the account's profile zone, in which bare JQL date-times are read (IANA name).
    index_lag_minutes: issues updated within this many minutes of "now" are not yet searchable.
    """

    time_zone: str = "UTC"
    index_lag_minutes: int = 0


def selection(fields: Sequence[str], names: Sequence[str], default: str) -> frozenset[str]:
    """The field ids to return for a `fields` parameter: names, `*all`, `*navigable`, `-name` exclusions.

    Every field of the sandbox is navigable, and `*navigable` includes `worklog`, as search results
    on Jira Cloud do; unknown names are ignored, as Jira ignores them.
    """
    chosen: set[str] = set()
    removed: set[str] = set()
    for name in fields or [default]:
        if name in ("*all", "*navigable"):
            chosen |= set(names)
        elif name.startswith("-"):
            removed.add(name[1:])
        else:
            chosen.add(name)
    if removed and not chosen:
        chosen = set(names)
    return frozenset(chosen - removed)


def names_of(raw: object) -> list[str]:
    """A `fields`/`expand` value given as a list of strings and/or a comma-separated string."""
    items = raw if isinstance(raw, list) else [raw] if raw else []
    return [part.strip() for item in items for part in str(item).split(",") if part.strip()]


class JiraSearch:
    def __init__(
        self, state: JiraState, tokens: PageTokens, render: Callable[[str], JiraJson], behaviour: SearchBehaviour
    ) -> None:
        self._state = state
        self._tokens = tokens
        self._render = render
        self._zone = ZoneInfo(behaviour.time_zone)
        self._lag_ms = behaviour.index_lag_minutes * 60_000

    def query(self, jql: str, now: datetime) -> list[int]:
        """Ids of the issues the search index returns for `jql` at `now`, in order."""
        try:
            parsed = parse_jql(jql, now, self._zone)
        except JqlError as problem:
            raise BadRequest(str(problem)) from None
        if parsed.projects is None:
            raise BadRequest(UNBOUNDED)
        return self._run(parsed, now)

    def _run(self, query: Query, now: datetime) -> list[int]:
        cutoff = None
        if self._lag_ms:
            cutoff = (epoch_ms(now) - self._lag_ms) // 1000 * 1000
        try:
            return self._state.search(query, cutoff)
        except UnknownProject as missing:
            raise BadRequest(f"The value '{missing.args[0]}' does not exist for the field 'project'.") from None

    def search(self, request: ApiRequest) -> ApiResponse:
        if request.method == "POST":
            body = request.json()
            if not isinstance(body, dict):
                raise BadRequest("The request body must be a JSON object.")
            jql, token = str(body.get("jql") or ""), body.get("nextPageToken")
            fields, expands = names_of(body.get("fields")), set(names_of(body.get("expand")))
            limit = number(body.get("maxResults", 50), "maxResults")
        else:
            jql, token = request.first("jql") or "", request.first("nextPageToken")
            fields, expands = request.values("fields"), set(request.values("expand"))
            limit = request.integer("maxResults", 50)
        render = self._render(request.base_url)
        chosen = selection(fields, render.field_names, "id")
        id_only = chosen <= {"id", "key"} and not expands
        limit = clamp(limit, 1, ID_ONLY_CAP if id_only else FIELDS_CAP)
        matches = self.query(jql, request.now)
        scope = PageTokens.scope(jql)
        offset = self._tokens.offset(token, scope)
        if offset is None:
            raise BadRequest("The provided next page token is invalid or expired.")
        page = self._state.existing(matches[offset : offset + limit])
        histories = EMBEDDED_HISTORIES if "changelog" in expands else None
        parts = ['{"issues":[', ",".join(render.issue(i, chosen, histories) for i in page), "]"]
        if offset + limit < len(matches):
            parts.append(f',"nextPageToken":"{self._tokens.issue(offset + limit, scope)}","isLast":false}}')
        else:
            parts.append(',"isLast":true}')
        self._state.mark_served([i.id for i in page], embedded_worklogs(page, chosen))
        return raw_json_response(200, "".join(parts))

    def approximate_count(self, request: ApiRequest) -> ApiResponse:
        body = request.json()
        if not isinstance(body, dict):
            raise BadRequest("The request body must be a JSON object.")
        return json_response(200, {"count": len(self.query(str(body.get("jql") or ""), request.now))})


def number(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).lstrip("-").isdigit():
        raise BadRequest(f"The value '{value}' is not valid for the parameter '{name}'.")
    return int(value)
