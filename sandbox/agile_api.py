"""Jira Software REST (`/rest/agile/1.0/...`): boards, their sprints, and sprints by id.

Offset paging with startAt/maxResults (default and cap 50). The board list has `total`; the sprint
list does not, as on Jira Cloud. Sprints come closed first, then active, then future. A kanban board
has no sprints and answers 400, as Jira does; scrum boards and team-managed (`simple`) boards run
them. A board whose filter names no project has no `location`, so the list filtered by
`projectKeyOrId` leaves it out: its sprints are found by id (GET /sprint/{sprintId}, a SprintBean
as in the board's sprint list), from the Sprint field of the issues they hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sandbox.http_kit import ApiRequest, ApiResponse, BadRequest, clamp, json_response, route
from sandbox.jira_api import JiraBase
from sandbox.model import JiraBoard, JiraProject, Sprint
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
        self._boards = {b.id: b for b in portfolio.boards()}
        self._projects = {p.key: p for p in portfolio.jira_projects}
        self._sprints = portfolio.sprints
        self._sprint_by_id = {s.id: s for s in portfolio.sprints}
        self.routes = [
            route("GET", "/rest/agile/1.0/board", self.boards),
            route("GET", "/rest/agile/1.0/board/{board_id}", self.board),
            route("GET", "/rest/agile/1.0/board/{board_id}/sprint", self.sprints),
            route("GET", "/rest/agile/1.0/sprint/{sprint_id}", self.sprint_by_id),
        ]

    def _board(self, base: str, board: JiraBoard) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": board.id,
            "self": f"{base}/rest/agile/1.0/board/{board.id}",
            "name": board.name,
            "type": board.type,
        }
        project = self._projects.get(board.project_key or "")
        if project is not None:
            body["location"] = _location(base, project)
        return body

    def boards(self, request: ApiRequest) -> ApiResponse:
        scope = request.first("projectKeyOrId")
        types = set(request.values("type"))
        name = (request.first("name") or "").lower()
        found = [
            self._board(request.base_url, b)
            for b in self._boards.values()
            if (scope is None or _located_in(b, self._projects.get(b.project_key or ""), scope.upper()))
            and (not types or b.type in types)
            and name in b.name.lower()
        ]
        return json_response(200, _page(request, found, True))

    def _find(self, request: ApiRequest) -> JiraBoard:
        raw = request.path_params["board_id"]
        board = self._boards.get(int(raw)) if raw.isdigit() else None
        if board is None:
            raise LookupError
        return board

    def board(self, request: ApiRequest) -> ApiResponse:
        try:
            board = self._find(request)
        except LookupError:
            return self.error(404, "Board does not exist or you do not have permission to see it.")
        return json_response(200, self._board(request.base_url, board))

    def sprints(self, request: ApiRequest) -> ApiResponse:
        try:
            board = self._find(request)
        except LookupError:
            return self.error(404, "Board does not exist or you do not have permission to see it.")
        if board.type not in ("scrum", "simple"):
            raise BadRequest("The board does not support sprints")
        states = set(request.values("state")) or set(_STATE_ORDER)
        unknown = states - set(_STATE_ORDER)
        if unknown:
            raise BadRequest(f"The sprint state '{sorted(unknown)[0]}' is not valid.")
        found = sorted(
            (s for s in self._sprints if s.board_id == board.id and s.state in states),
            key=lambda s: (_STATE_ORDER[s.state], s.id),
        )
        return json_response(200, _page(request, [self.sprint(request.base_url, s) for s in found], False))

    def sprint_by_id(self, request: ApiRequest) -> ApiResponse:
        """GET /sprint/{sprintId}: the SprintBean of any sprint, whatever board it runs on."""
        raw = request.path_params["sprint_id"]
        sprint = self._sprint_by_id.get(int(raw)) if raw.isdigit() else None
        if sprint is None:
            return self.error(404, f"Sprint with id {raw} does not exist or you do not have permission to see it.")
        return json_response(200, self.sprint(request.base_url, sprint))

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


def _located_in(board: JiraBoard, project: JiraProject | None, scope: str) -> bool:
    """Whether `projectKeyOrId` (upper-cased) names the project the board is located in."""
    return project is not None and scope in (project.key, project.id)


def _location(base: str, project: JiraProject) -> dict[str, Any]:
    return {
        "projectId": int(project.id),
        "displayName": f"{project.name} ({project.key})",
        "projectName": project.name,
        "projectKey": project.key,
        "projectTypeKey": "software",
        "avatarURI": f"{base}/rest/api/2/universal_avatar/view/type/project/avatar/{project.id}?size=small",
        "name": f"{project.name} ({project.key})",
    }
