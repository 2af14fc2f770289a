"""Jira Software REST (`/rest/agile/1.0/...`): boards and their sprints.

Offset paging with startAt/maxResults (default and cap 50). The board list has `total`; the sprint
list does not, as on Jira Cloud. Sprints come closed first, then active, then future. A kanban board
has no sprints and answers 400, as Jira does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sandbox.http_kit import ApiRequest, ApiResponse, BadRequest, clamp, json_response, route
from sandbox.jira_api import JiraBase
from sandbox.model import JiraProject, Sprint
from sandbox.portfolio import Portfolio
from sandbox.timefmt import iso_z

PAGE_CAP = 50
_STATE_ORDER = {"closed": 0, "active": 1, "future": 2}


def _page(request: ApiRequest, items: Sequence[dict[str, Any]], with_total: bool) -> dict[str, Any]:
    start = max(0, request.integer("startAt", 0))
    size = clamp(request.integer("maxResults", PAGE_CAP), 1, PAGE_CAP)
    page = list(items[start : start + size])
    body: dict[str, Any] = {"maxResults": size, "startAt": start}
    if with_total:
        body["total"] = len(items)
    body["isLast"] = start + len(page) >= len(items)
    body["values"] = page
    return body


class AgileApi(JiraBase):
    def __init__(self, portfolio: Portfolio) -> None:
        self._projects = {p.board_id: p for p in portfolio.jira_projects}
        self._sprints = portfolio.sprints
        self.routes = [
            route("GET", "/rest/agile/1.0/board", self.boards),
            route("GET", "/rest/agile/1.0/board/{board_id}", self.board),
            route("GET", "/rest/agile/1.0/board/{board_id}/sprint", self.sprints),
        ]

    @staticmethod
    def _board(base: str, project: JiraProject) -> dict[str, Any]:
        return {
            "id": project.board_id,
            "self": f"{base}/rest/agile/1.0/board/{project.board_id}",
            "name": f"{project.key} board",
            "type": project.board_type,
            "location": {
                "projectId": int(project.id),
                "displayName": f"{project.name} ({project.key})",
                "projectName": project.name,
                "projectKey": project.key,
                "projectTypeKey": "software",
                "avatarURI": f"{base}/rest/api/2/universal_avatar/view/type/project/avatar/{project.id}?size=small",
                "name": f"{project.name} ({project.key})",
            },
        }

    def boards(self, request: ApiRequest) -> ApiResponse:
        scope = request.first("projectKeyOrId")
        types = set(request.values("type"))
        name = (request.first("name") or "").lower()
        found = [
            self._board(request.base_url, p)
            for p in self._projects.values()
            if (scope is None or scope.upper() in (p.key, p.id))
            and (not types or p.board_type in types)
            and name in f"{p.key} board".lower()
        ]
        return json_response(200, _page(request, found, True))

    def _project(self, request: ApiRequest) -> JiraProject:
        raw = request.path_params["board_id"]
        project = self._projects.get(int(raw)) if raw.isdigit() else None
        if project is None:
            raise LookupError
        return project

    def board(self, request: ApiRequest) -> ApiResponse:
        try:
            project = self._project(request)
        except LookupError:
            return self.error(404, "Board does not exist or you do not have permission to see it.")
        return json_response(200, self._board(request.base_url, project))

    def sprints(self, request: ApiRequest) -> ApiResponse:
        try:
            project = self._project(request)
        except LookupError:
            return self.error(404, "Board does not exist or you do not have permission to see it.")
        if project.board_type != "scrum":
            raise BadRequest("The board does not support sprints")
        states = set(request.values("state")) or set(_STATE_ORDER)
        unknown = states - set(_STATE_ORDER)
        if unknown:
            raise BadRequest(f"The sprint state '{sorted(unknown)[0]}' is not valid.")
        found = sorted(
            (s for s in self._sprints if s.board_id == project.board_id and s.state in states),
            key=lambda s: (_STATE_ORDER[s.state], s.id),
        )
        return json_response(200, _page(request, [self.sprint(request.base_url, s) for s in found], False))

    @staticmethod
    def sprint(base: str, sprint: Sprint) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": sprint.id,
            "self": f"{base}/rest/agile/1.0/sprint/{sprint.id}",
            "state": sprint.state,
            "name": sprint.name,
        }
        for key, value in (("startDate", sprint.start), ("endDate", sprint.end), ("completeDate", sprint.complete)):
            if value is not None:
                body[key] = iso_z(value)
        body.update(createdDate=iso_z(sprint.created), originBoardId=sprint.board_id)
        if sprint.goal is not None:
            body["goal"] = sprint.goal
        return body
