"""Jira Cloud client: platform REST v3 plus Jira Software agile 1.0, for one site.

Docs: https://developer.atlassian.com/cloud/jira/platform/rest/v3/ and
https://developer.atlassian.com/cloud/jira/software/rest/. Auth is HTTP Basic with the account
email and an API token; a scoped token must use the ``https://api.atlassian.com/ex/jira/<cloudId>``
gateway as base URL. All methods return Jira's raw JSON objects; keys such as ``id`` are Jira's
immutable numeric ids as strings (issue keys change when issues move, ids do not).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from connectors.answers import describe, lacking
from connectors.errors import ApiError
from connectors.http import HttpClient
from connectors.jira import settings
from connectors.jira.changelogs import stream_changelogs
from connectors.jira.issues import iter_issue_batches, lookup_issue, project_visible
from connectors.jira.paging import iter_offset_pages, iter_token_pages
from connectors.jira.worklogs import WorklogFeed, changed_worklog_ids, fetch_worklogs
from connectors.parallel import chunked
from connectors.ratelimit import shared_limiter
from connectors.stats import RequestStats
from connectors.urls import host_of


class JiraClient:
    """Read access to one Jira Cloud site through a shared `HttpClient`."""

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    @classmethod
    def from_credentials(cls, source: str, base_url: str, email: str, token: str, **http_kwargs: Any) -> JiraClient:
        """Build a client for `base_url` (site or gateway) authenticated as email + API token."""
        hints = {**settings.JIRA_HINTS, **http_kwargs.pop("hints", {})}
        if "sleep" not in http_kwargs:  # an injected sleep is a test clock: keep its limiter private
            http_kwargs.setdefault("rate_limiter", shared_limiter(host_of(base_url), f"{email}:{token}"))
        return cls(HttpClient(source, base_url, auth=(email, token), hints=hints, **http_kwargs))

    @property
    def stats(self) -> RequestStats:
        """Request counters for run metadata."""
        return self.http.stats

    # -- site metadata ------------------------------------------------------------------------

    def myself(self) -> dict[str, Any]:
        """The authenticated account (``accountId``, ``displayName``...); a cheap credentials check."""
        result: dict[str, Any] = self.http.get_json(settings.MYSELF, expect="object")
        return result

    def fields(self) -> list[dict[str, Any]]:
        """All system and custom fields: ``id`` (e.g. ``customfield_10016``), ``name``, ``schema``.

        Story points and Sprint are custom fields whose ids differ per site; discover them here.
        """
        result: list[dict[str, Any]] = self.http.get_json(settings.FIELDS, expect="array")
        return result

    def statuses(self) -> list[dict[str, Any]]:
        """All workflow statuses with their ``statusCategory`` (to do / in progress / done)."""
        result: list[dict[str, Any]] = self.http.get_json(settings.STATUSES, expect="array")
        return result

    def iter_projects(self, keys: Sequence[str] | None = None) -> Iterator[dict[str, Any]]:
        """Projects visible to the account, optionally limited to `keys` (an allow-list).

        Keys the account cannot see are simply absent; callers compare against their allow-list.
        Jira answers 404 when none of the keys match, which raises like any other error.
        """
        if keys is None:
            yield from iter_offset_pages(self.http, settings.PROJECT_SEARCH, {}, settings.PROJECT_PAGE_SIZE)
            return
        # `keys` must hold unique items (uniqueItems in Jira's document): a repeated key is a 400.
        for group in chunked(list(dict.fromkeys(_names(keys, "keys"))), settings.PROJECT_KEYS_PER_CALL):
            yield from iter_offset_pages(
                self.http, settings.PROJECT_SEARCH, {"keys": group}, settings.PROJECT_PAGE_SIZE
            )

    # -- issues -------------------------------------------------------------------------------

    def search_issues(
        self,
        jql: str,
        fields: Sequence[str],
        expand: Sequence[str] = (),
        page_size: int = settings.SEARCH_PAGE_SIZE,
    ) -> Iterator[dict[str, Any]]:
        """Yield every issue matching `jql` via ``POST /rest/api/3/search/jql``.

        POST because long field lists overflow GET query strings (airbyte#16065). `jql` must be
        bounded (project and/or time predicate); Jira rejects unbounded queries with 400. Only
        the requested `fields` are returned (default would be ``id`` only). Embedded changelogs
        (``expand=["changelog"]``) are capped at 20 here: check each with
        `connectors.jira.changelogs.needs_history(issue, cap=settings.SEARCH_EMBEDDED_HISTORIES)`.
        """
        if not jql.strip():
            raise ValueError("JQL must be bounded (e.g. 'project = X AND updated >= -1d'), got ''")
        body: dict[str, Any] = {"jql": jql, "fields": _names(fields, "fields"), "maxResults": page_size}
        if expand:
            body["expand"] = ",".join(_names(expand, "expand"))  # a comma-separated string here
        for issues in iter_token_pages(self.http, settings.SEARCH_JQL, body, "issues"):
            yield from issues

    def search_issue_ids(self, jql: str) -> Iterator[str]:
        """Yield the ids of every issue matching `jql` (5000 per page): the cheap census."""
        for issue in self.search_issues(jql, ["id"], page_size=settings.SEARCH_IDS_PAGE_SIZE):
            yield str(issue["id"])

    def approximate_count(self, jql: str) -> int:
        """``POST /rest/api/3/search/approximate-count``: how many issues `jql` matches, by the index.

        The enhanced search has no `total`; this is Jira's replacement, used to check coverage.
        """
        url = self.http.resolve(settings.SEARCH_COUNT)
        body = self.http.post_json(settings.SEARCH_COUNT, {"jql": jql}, expect="object")
        count = body.get("count")
        if isinstance(count, bool) or not isinstance(count, int):
            raise self.http.shape_error(url, "expected an integer 'count'", method="POST")
        return count

    def changelogs(
        self, issue_ids: Sequence[str], field_ids: Sequence[str] = (), sizes: Mapping[str, int] | None = None
    ) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        """Yield ``(issue_id, histories)`` as bulkfetch pages arrive; together every history of each
        issue once, oldest first per issue (see `connectors.jira.changelogs.stream_changelogs`).

        Batches of ≤1000 issue ids run concurrently, optionally filtered to ≤10 `field_ids`;
        `sizes` (histories each issue has at least) balance the batches.
        """
        ids, fields = _names(issue_ids, "issue_ids"), _names(field_ids, "field_ids")
        return stream_changelogs(self.http, ids, fields, sizes)

    def issue_batches(
        self,
        issue_ids: Iterable[str],
        fields: Sequence[str],
        expand: Sequence[str] = (),
        require: Sequence[str] = (),
    ) -> Iterator[tuple[list[dict[str, Any]], list[str]]]:
        """``(issues, ids not returned)`` per 100 ids via parallel ``issue/bulkfetch`` calls, in order.

        `require`: dotted paths (``fields.updated``) every issue must carry (`IncompleteAnswerError`)."""
        return iter_issue_batches(
            self.http, (str(i) for i in issue_ids), _names(fields, "fields"), _names(expand, "expand"), require
        )

    def lookup_issue(
        self, issue_id: str, fields: Sequence[str], expand: Sequence[str] = (), require: Sequence[str] = ()
    ) -> tuple[int, dict[str, Any] | None]:
        """Point lookup: ``(200, issue)``, ``(404, None)`` or ``(403, None)``."""
        return lookup_issue(self.http, issue_id, fields, expand, require)

    def project_visible(self, project_key_or_id: str) -> bool:
        """Whether the account can still see the project."""
        return project_visible(self.http, project_key_or_id)

    # -- agile --------------------------------------------------------------------------------

    def iter_boards(self, project_key_or_id: str | None = None) -> Iterator[dict[str, Any]]:
        """Agile boards (``id``, ``name``, ``type`` scrum/kanban/simple, ``location``)."""
        params = {"projectKeyOrId": project_key_or_id} if project_key_or_id else {}
        return iter_offset_pages(self.http, settings.BOARDS, params, settings.AGILE_PAGE_SIZE)

    def iter_sprints(self, board_id: int) -> Iterator[dict[str, Any]]:
        """Sprints of a board (``id``, ``state``, ``startDate``, ``endDate``, ``completeDate``,
        ``originBoardId``). A sprint can appear on several boards; dedupe by id downstream.

        Kanban boards have no sprints and Jira answers ``400 "The board does not support
        sprints"``; that one case yields nothing. Any other error raises.
        """
        path = settings.BOARD_SPRINTS.format(board_id=int(board_id))
        yielded = False
        try:
            for sprint in iter_offset_pages(self.http, path, {}, settings.AGILE_PAGE_SIZE):
                yielded = True
                yield sprint
        except ApiError as exc:
            if yielded or exc.status != 400 or "support sprints" not in exc.detail.lower():
                raise

    def sprint(self, sprint_id: int) -> tuple[int, dict[str, Any] | None]:
        """One sprint by id (``GET /rest/agile/1.0/sprint/{id}``): ``(200, sprint)`` or ``(404, None)``.

        For sprints no listed board returned: boards are listed per project only when their filter
        names the project, so a cross-project board's sprints come only this way.
        """
        return self._point(settings.SPRINT.format(sprint_id=int(sprint_id)), ("id", "state"))

    def board(self, board_id: int) -> tuple[int, dict[str, Any] | None]:
        """One board by id: ``(200, board)`` or ``(404, None)`` (deleted, or not visible)."""
        return self._point(settings.BOARD.format(board_id=int(board_id)), ("id", "type"))

    def _point(self, path: str, require: Sequence[str]) -> tuple[int, dict[str, Any] | None]:
        try:
            found: dict[str, Any] = self.http.get_json(path, expect="object")
        except ApiError as exc:
            if exc.status == 404:
                return 404, None
            raise
        missing = lacking([found], require)
        if missing:
            raise self.http.incomplete_error(self.http.resolve(path), describe(missing, 1, "objects"))
        return 200, found

    # -- worklogs -----------------------------------------------------------------------------

    def updated_worklog_ids(self, since_ms: int) -> tuple[list[int], int]:
        """Ids of worklogs created/updated after `since_ms` (epoch ms), and the next watermark."""
        return changed_worklog_ids(self.http, settings.WORKLOG_UPDATED, since_ms)

    def deleted_worklog_ids(self, since_ms: int) -> tuple[list[int], int]:
        """Ids of worklogs deleted after `since_ms` (epoch ms), and the next watermark."""
        return changed_worklog_ids(self.http, settings.WORKLOG_DELETED, since_ms)

    def worklog_feed(self, since_ms: int) -> WorklogFeed:
        """The worklogs created or updated after `since_ms` (epoch ms), page by page, with the next
        watermark once read to the end."""
        return WorklogFeed(self.http, settings.WORKLOG_UPDATED, since_ms)

    def worklogs(self, ids: Iterable[int]) -> Iterator[dict[str, Any]]:
        """Full worklogs (``issueId``, ``started``, ``timeSpentSeconds``, ``author``...) by id."""
        return fetch_worklogs(self.http, ids)


def _names(values: Sequence[str], what: str) -> list[str]:
    # A bare string is a Sequence[str] too; "summary" would silently become ["s", "u", ...].
    if isinstance(values, str):
        raise TypeError(f"{what} must be a list of strings, not the string {values!r}")
    return [str(v) for v in values]
