"""Point and bulk reads: GET issue, `POST /issue/bulkfetch`, `POST /changelog/bulkfetch`.

Reads are consistent (no index lag) but permission-checked: a deleted issue, an unknown one, one in
a project the account cannot browse and one hidden by issue-level security all answer 404 ("does
not exist or you do not have permission"), the only answer Jira's document gives getIssue for them.
Issues are found by id, by key, by a key in any case, and by a key they had before a move.
`expand=changelog` embeds the 40 most recent histories here, newest first, `total` = all of them.
Bulk fetch allows 100 issues, or 1000 when the request names at most 100 single-valued fields and
asks for no expensive expand (Jira's rule); beyond that it answers 400.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime

from sandbox.http_kit import ApiRequest, ApiResponse, BadRequest, PageTokens, clamp, raw_json_response
from sandbox.jira_json import JiraJson, embedded_worklogs
from sandbox.jira_search import names_of, number, selection
from sandbox.jira_state import JiraState
from sandbox.model import ChangeHistory, JiraIssue

EMBEDDED_HISTORIES = 40
BULK_CAP = 100
BULK_CAP_EXPLICIT = 1000
EXPLICIT_FIELDS_CAP = 100
CHANGELOG_ISSUES_CAP = 1000
ORDERS_KEPT = 8
NOT_FOUND = "Issue does not exist or you do not have permission to see it."
# Fields holding a paged collection of values, and expands that load more per issue: either rules out 1000.
MULTI_VALUED = frozenset({"comment", "worklog", "attachment", "issuelinks", "subtasks", "watches", "votes"})
HEAVY_EXPANDS = frozenset(
    {"changelog", "editmeta", "operations", "renderedFields", "transitions", "versionedRepresentations"}
)
TOO_MANY = (
    "You can request up to {cap} issues. Up to 1000 issues are allowed only when 'fields' explicitly lists at "
    "most 100 fields, none of them multi-valued (such as comment, worklog or attachment), and 'expand' asks "
    "for none of changelog, editmeta, operations, renderedFields, transitions or versionedRepresentations."
)
Error = Callable[[int, str], ApiResponse]


class JiraReads:
    def __init__(
        self, state: JiraState, tokens: PageTokens, render: Callable[[str], JiraJson], error: Error, issue_errors: bool
    ) -> None:
        self._state = state
        self._tokens = tokens
        self._render = render
        self._error = error
        self._issue_errors = issue_errors
        # The ordered histories of the last few changelog queries, per (query, site version): a
        # client pages through one query after another, and sorting them again per page made the
        # sandbox, not the client, the slow side of a long history.
        self._orders: OrderedDict[tuple[str, int], list[Entry]] = OrderedDict()
        self._orders_lock = threading.Lock()

    def issue(self, request: ApiRequest) -> ApiResponse:
        """GET /rest/api/3/issue/{issueIdOrKey}: all fields by default."""
        status, issue = self._state.lookup(request.path_params["issueIdOrKey"])
        if issue is None:
            return self._error(status, NOT_FOUND)
        render = self._render(request.base_url)
        chosen = selection(request.values("fields"), render.field_names, "*all")
        expands = set(request.values("expand"))
        histories = EMBEDDED_HISTORIES if "changelog" in expands else None
        body = render.issue(issue, chosen, histories, properties=bool(request.values("properties")))
        self._state.mark_served([issue.id], embedded_worklogs([issue], chosen))
        return raw_json_response(200, body)

    def bulk_issues(self, request: ApiRequest) -> ApiResponse:
        """POST /rest/api/3/issue/bulkfetch: readable issues by ascending id; the rest in issueErrors."""
        body = request.json()
        if not isinstance(body, dict):
            raise BadRequest("The request body must be a JSON object.")
        refs = body.get("issueIdsOrKeys")
        if not isinstance(refs, list) or not refs or not all(isinstance(r, str | int) for r in refs):
            raise BadRequest("No issue IDs or keys were provided. Provide issueIdsOrKeys.")
        fields, expands = names_of(body.get("fields")), set(names_of(body.get("expand")))
        explicit = [f for f in fields if not f.startswith("-")]
        eligible = (
            bool(explicit)
            and not {"*all", "*navigable"} & set(explicit)
            and len(explicit) <= EXPLICIT_FIELDS_CAP
            and not MULTI_VALUED & set(explicit)
            and not HEAVY_EXPANDS & expands
        )
        cap = BULK_CAP_EXPLICIT if eligible else BULK_CAP
        if len(refs) > cap:
            raise BadRequest(TOO_MANY.format(cap=cap))
        found: dict[int, JiraIssue] = {}
        errors = []
        for ref in refs:
            _status, issue = self._state.lookup(str(ref))
            if issue is not None:
                found[issue.id] = issue
            elif self._issue_errors:
                errors.append({"id": str(ref), "errorMessage": NOT_FOUND})
        render = self._render(request.base_url)
        chosen = selection(fields, render.field_names, "*navigable")
        histories = EMBEDDED_HISTORIES if "changelog" in expands else None
        properties = bool(body.get("properties"))
        issues = ",".join(render.issue(found[i], chosen, histories, properties) for i in sorted(found))
        self._state.mark_served(found, embedded_worklogs(found.values(), chosen))
        return raw_json_response(200, f'{{"issues":[{issues}],"issueErrors":{_errors(errors)}}}')

    def _ordered_histories(self, scope: str, issues: dict[int, JiraIssue], wanted: set[str]) -> list[Entry]:
        key = (scope, self._state.version)
        with self._orders_lock:
            found = self._orders.get(key)
            if found is not None:
                self._orders.move_to_end(key)
                return found
        entries = _sorted_histories(issues, wanted)
        with self._orders_lock:
            self._orders[key] = entries
            while len(self._orders) > ORDERS_KEPT:
                self._orders.popitem(last=False)
        return entries

    def bulk_changelog(self, request: ApiRequest) -> ApiResponse:
        """POST /rest/api/3/changelog/bulkfetch: every history of readable issues, oldest first, paged."""
        body = request.json()
        if not isinstance(body, dict):
            raise BadRequest("The request body must be a JSON object.")
        refs = body.get("issueIdsOrKeys")
        if not isinstance(refs, list) or not 1 <= len(refs) <= CHANGELOG_ISSUES_CAP:
            raise BadRequest("issueIdsOrKeys must contain between 1 and 1000 issue IDs or keys.")
        field_ids = body.get("fieldIds") or []
        if not isinstance(field_ids, list) or len(field_ids) > 10:
            raise BadRequest("fieldIds can contain at most 10 field IDs.")
        limit = clamp(number(body.get("maxResults", 1000), "maxResults"), 1, 10000)
        issues: dict[int, JiraIssue] = {}
        for ref in refs:
            _status, issue = self._state.lookup(str(ref))
            if issue is not None:
                issues[issue.id] = issue
        wanted = set(field_ids)
        scope = PageTokens.scope(sorted(issues), sorted(wanted))
        entries = self._ordered_histories(scope, issues, wanted)
        offset = self._tokens.offset(body.get("nextPageToken"), scope)
        if offset is None:
            raise BadRequest("The provided next page token is invalid or expired.")
        page = entries[offset : offset + limit]
        render = self._render(request.base_url)
        grouped: dict[int, list[str]] = {}
        for _at, issue_id, _hid, history in page:
            grouped.setdefault(issue_id, []).append(render.history(history))
        logs = ",".join(f'{{"issueId":"{i}","changeHistories":[{",".join(hs)}]}}' for i, hs in grouped.items())
        text = f'{{"issueChangeLogs":[{logs}]'
        if offset + len(page) < len(entries):
            text += f',"nextPageToken":"{self._tokens.issue(offset + len(page), scope)}"'
        self._state.mark_served(grouped)
        return raw_json_response(200, text + "}")


Entry = tuple[datetime, int, int, ChangeHistory]


def _sorted_histories(issues: dict[int, JiraIssue], wanted: set[str]) -> list[Entry]:
    return sorted(
        (h.created, issue.id, h.id, kept)
        for issue in issues.values()
        for h in issue.histories
        if (kept := _filtered(h, wanted)) is not None
    )


def _filtered(history: ChangeHistory, field_ids: set[str]) -> ChangeHistory | None:
    if not field_ids:
        return history
    items = tuple(i for i in history.items if i.field_id in field_ids)
    return ChangeHistory(history.id, history.author, history.created, items) if items else None


def _errors(errors: list[dict[str, str]]) -> str:
    return json.dumps(errors, separators=(",", ":"))
