"""Issue search (`/rest/api/3/search/jql`) and bulk changelogs (`/rest/api/3/changelog/bulkfetch`).

Search pages with an opaque `nextPageToken` only: no `startAt`, no `total`. By default an issue is
just its `id`; up to 5000 issues per page when only id/key are asked for, at most 100 otherwise.
`expand=changelog` embeds only the 20 most recent histories, newest first (the order Jira Cloud uses,
see the OpenAPI text "sorted by date, starting from the most recent"), with `total` = all histories.
Bulk changelogs are oldest first across the requested issues and page by history count.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from sandbox import jira_render as render
from sandbox.http_kit import ApiRequest, ApiResponse, BadRequest, PageTokens, clamp, json_response
from sandbox.jql import JqlError, Query, parse_jql
from sandbox.model import ChangeHistory, JiraIssue
from sandbox.portfolio import Portfolio

EMBEDDED_HISTORIES = 20
ID_ONLY_CAP = 5000
FIELDS_CAP = 100
UNBOUNDED = "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."
_NOT_NAVIGABLE = {"worklog"}


class JiraSearch:
    """Search and bulk changelog over one portfolio's issues."""

    def __init__(self, portfolio: Portfolio, tokens: PageTokens) -> None:
        self._issues = portfolio.issues
        self._projects = {**{p.key: p for p in portfolio.jira_projects}, **{p.id: p for p in portfolio.jira_projects}}
        self._people = {p.account_id: p for p in portfolio.people}
        self._sprints = {s.id: s for s in portfolio.sprints}
        self._by_ref = {**{str(i.id): i for i in self._issues}, **{i.key: i for i in self._issues}}
        self._tokens = tokens

    # -- search ---------------------------------------------------------------------------------
    def search(self, request: ApiRequest) -> ApiResponse:
        if request.method == "POST":
            body = request.json()
            if not isinstance(body, dict):
                raise BadRequest("The request body must be a JSON object.")
            jql, token = str(body.get("jql") or ""), body.get("nextPageToken")
            raw_fields = body.get("fields") or []
            fields = raw_fields.split(",") if isinstance(raw_fields, str) else [str(f) for f in raw_fields]
            expand = body.get("expand") or ""
            expand = ",".join(expand) if isinstance(expand, list) else str(expand)
            limit = _number(body.get("maxResults", 50), "maxResults")
        else:
            jql, token = request.first("jql") or "", request.first("nextPageToken")
            fields, expand = request.values("fields"), request.first("expand") or ""
            limit = request.integer("maxResults", 50)
        try:
            query = parse_jql(jql, request.now)
        except JqlError as problem:
            raise BadRequest(str(problem)) from None
        if query.projects is None:
            raise BadRequest(UNBOUNDED)
        selection = self._selection(fields)
        expands = {e.strip() for e in expand.split(",") if e.strip()}
        id_only = selection <= {"id", "key"} and not expands
        limit = clamp(limit, 1, ID_ONLY_CAP if id_only else FIELDS_CAP)
        matches = self._run(query)
        scope = PageTokens.scope(jql)
        offset = self._offset(token, scope)
        page = matches[offset : offset + limit]
        body_out: dict[str, Any] = {
            "issues": [self._issue(request.base_url, i, selection, "changelog" in expands) for i in page],
        }
        if offset + len(page) < len(matches):
            body_out["nextPageToken"] = self._tokens.issue(offset + len(page), scope)
        body_out["isLast"] = "nextPageToken" not in body_out
        return json_response(200, body_out)

    def _offset(self, token: object, scope: str) -> int:
        offset = self._tokens.offset(token, scope)
        if offset is None:
            raise BadRequest("The provided next page token is invalid or expired.")
        return offset

    def _run(self, query: Query) -> list[JiraIssue]:
        wanted = set()
        for ref in query.projects or ():
            project = self._projects.get(ref)
            if project is None:
                raise BadRequest(f"The value '{ref}' does not exist for the field 'project'.")
            wanted.add(project.key)
        found = [
            i
            for i in self._issues
            if i.project_key in wanted
            and all(b.accepts(i.updated if b.field == "updated" else i.created) for b in query.bounds)
        ]
        # Stable sorts from the last key to the first give a multi-key sort; id breaks ties.
        found.sort(key=lambda i: i.id)
        for name, ascending in reversed(query.order or (("id", True),)):
            found.sort(key=partial(_sort_value, name=name), reverse=not ascending)
        return found

    @staticmethod
    def _selection(fields: Sequence[str]) -> set[str]:
        """The field ids to return; `id` alone is the default of this endpoint."""
        if not fields:
            return {"id"}
        everything = set(render.ISSUE_FIELD_NAMES)
        chosen: set[str] = set()
        removed: set[str] = set()
        for name in fields:
            if name == "*all":
                chosen |= everything
            elif name == "*navigable":
                chosen |= everything - _NOT_NAVIGABLE
            elif name.startswith("-"):
                removed.add(name[1:])
            else:
                chosen.add(name)
        if removed and not chosen:
            chosen = everything - _NOT_NAVIGABLE
        return chosen - removed

    def _issue(self, base: str, issue: JiraIssue, selection: set[str], changelog: bool) -> dict[str, Any]:
        if selection == {"id"} and not changelog:
            return {"id": str(issue.id)}
        body: dict[str, Any] = {
            "expand": render.ISSUE_EXPAND,
            "id": str(issue.id),
            "self": f"{base}/rest/api/3/issue/{issue.id}",
            "key": issue.key,
        }
        wanted = selection - {"id", "key"}
        if wanted:
            project = self._projects[issue.project_key]
            every = render.issue_fields(base, issue, project, self._sprints, self._people)
            body["fields"] = {name: value for name, value in every.items() if name in wanted}
        if changelog:
            recent = list(reversed(issue.histories))[:EMBEDDED_HISTORIES]
            body["changelog"] = {
                "startAt": 0,
                "maxResults": len(recent),
                "total": len(issue.histories),
                "histories": [render.history(base, h, self._people) for h in recent],
            }
        return body

    # -- bulk changelog -------------------------------------------------------------------------
    def bulk_changelog(self, request: ApiRequest) -> ApiResponse:
        body = request.json()
        if not isinstance(body, dict):
            raise BadRequest("The request body must be a JSON object.")
        refs = body.get("issueIdsOrKeys")
        if not isinstance(refs, list) or not 1 <= len(refs) <= 1000:
            raise BadRequest("issueIdsOrKeys must contain between 1 and 1000 issue IDs or keys.")
        field_ids = body.get("fieldIds") or []
        if not isinstance(field_ids, list) or len(field_ids) > 10:
            raise BadRequest("fieldIds can contain at most 10 field IDs.")
        limit = clamp(_number(body.get("maxResults", 1000), "maxResults"), 1, 10000)
        issues = {
            i.id: i
            for i in (self._by_ref.get(str(r).upper() if not str(r).isdigit() else str(r)) for r in refs)
            if i is not None
        }
        entries = sorted(
            (
                (h.created, issue.id, h.id, self._filtered(h, set(field_ids)))
                for issue in issues.values()
                for h in issue.histories
            ),
            key=lambda e: (e[0], e[1], e[2]),
        )
        entries = [e for e in entries if e[3] is not None]
        scope = PageTokens.scope(sorted(issues), sorted(field_ids))
        offset = self._offset(body.get("nextPageToken"), scope)
        page = entries[offset : offset + limit]
        grouped: dict[int, list[dict[str, Any]]] = {}
        for _at, issue_id, _hid, history in page:
            assert history is not None
            grouped.setdefault(issue_id, []).append(render.history(request.base_url, history, self._people))
        out: dict[str, Any] = {
            "issueChangeLogs": [{"issueId": str(i), "changeHistories": hs} for i, hs in grouped.items()],
        }
        if offset + len(page) < len(entries):
            out["nextPageToken"] = self._tokens.issue(offset + len(page), scope)
        return json_response(200, out)

    @staticmethod
    def _filtered(history: ChangeHistory, field_ids: set[str]) -> ChangeHistory | None:
        if not field_ids:
            return history
        items = tuple(i for i in history.items if i.field_id in field_ids)
        return ChangeHistory(history.id, history.author, history.created, items) if items else None


def _number(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).lstrip("-").isdigit():
        raise BadRequest(f"The value '{value}' is not valid for the parameter '{name}'.")
    return int(value)


def _sort_value(issue: JiraIssue, name: str) -> Any:
    if name == "updated":
        return issue.updated
    if name == "created":
        return issue.created
    if name == "key":
        project, _, number = issue.key.partition("-")
        return (project, int(number))
    return issue.id
