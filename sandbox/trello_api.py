"""Trello REST (`/1/...`): the member, board, list, card, action and member endpoints pmhub reads.

Auth is `key` and `token` query parameters (or an `Authorization: OAuth oauth_consumer_key=...,
oauth_token=...` header); errors are short text/plain bodies. Every response carries the
`x-rate-limit-api-{token,key}-*` headers, counted over a 10-second window (100 per token, 300 per key).
Paging: `limit` (capped at 1000) returns the newest items first; `before`/`since` take an id (or, for
actions, an ISO date) and are exclusive. Without `limit`, cards come in board order.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sandbox import trello_render as render
from sandbox.clock import SandboxClock
from sandbox.credentials import TRELLO_KEY, TRELLO_TOKEN
from sandbox.http_kit import (
    ApiRequest,
    ApiResponse,
    BadRequest,
    Contract,
    VendorApi,
    clamp,
    json_response,
    route,
    text_response,
)
from sandbox.model import TrelloBoard
from sandbox.portfolio import Portfolio
from sandbox.trello_mutations import TrelloBoards

ID = re.compile(r"^[0-9a-f]{24}$")
LIMIT_CAP = 1000
_WINDOW_S = 10.0
_BUDGETS = {"token": 100, "key": 300}
_CARD_FILTERS = ("all", "closed", "open", "visible", "none", "complete", "incomplete")


def _credentials(request: ApiRequest) -> tuple[str | None, str | None]:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("oauth "):
        pairs = dict(re.findall(r'(\w+)="([^"]*)"', header))
        return pairs.get("oauth_consumer_key"), pairs.get("oauth_token")
    return request.first("key"), request.first("token")


def _since_before(request: ApiRequest, items: Sequence[Any], date_of: Callable[[Any], datetime] | None) -> list[Any]:
    """Filter by exclusive `since`/`before`, each an id or (when `date_of` is given) an ISO date."""
    found = list(items)
    for name, keep_newer in (("since", True), ("before", False)):
        raw = request.first(name)
        if not raw:
            continue
        if ID.match(raw):
            found = [i for i in found if (i.id > raw) == keep_newer and i.id != raw]
        elif date_of is not None:
            try:
                bound = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            except ValueError:
                raise BadRequest(f"invalid value for {name}") from None
            if bound.tzinfo is None:
                bound = bound.replace(tzinfo=UTC)
            found = [i for i in found if (date_of(i) > bound) == keep_newer and date_of(i) != bound]
        else:
            raise BadRequest(f"invalid value for {name}")
    return found


LABELS_DEFAULT = 50


def _custom_field_items(request: ApiRequest) -> bool:
    """Whether cards carry `customFieldItems`: whenever asked for, as on Trello (an empty list on a card
    without values, or on a board without custom fields)."""
    return request.first("customFieldItems") == "true"


class TrelloApi(VendorApi):
    def __init__(self, portfolio: Portfolio, boards: TrelloBoards | None = None) -> None:
        self._portfolio = portfolio
        # The live boards: a running server's mutations replace them (sandbox.trello_mutations).
        self._boards = boards or TrelloBoards(portfolio.trello_boards, SandboxClock(portfolio.now))
        self._people = {p.trello_id: p for p in portfolio.people}
        self._labels = {label.id: label for b in portfolio.trello_boards for label in b.labels}
        self._calls: dict[str, deque[float]] = {"token": deque(), "key": deque()}
        self._lock = threading.Lock()
        self.routes = [
            route("GET", "/1/members/{member}", self.member),
            route("GET", "/1/members/{member}/boards", self.member_boards),
            route("GET", "/1/cards/{card}", self.card),
            route("GET", "/1/boards/{board}", self.board),
            route("GET", "/1/boards/{board}/lists", self.lists),
            route("GET", "/1/boards/{board}/lists/{filter}", self.lists),
            route("GET", "/1/boards/{board}/cards", self.cards),
            route("GET", "/1/boards/{board}/cards/{filter}", self.cards),
            route("GET", "/1/boards/{board}/actions", self.actions),
            route("GET", "/1/boards/{board}/members", self.members),
            route("GET", "/1/boards/{board}/labels", self.labels),
            route("GET", "/1/boards/{board}/checklists", self.checklists),
            route("GET", "/1/boards/{board}/customFields", self.custom_fields),
        ]

    # -- protocol ---------------------------------------------------------------------------------
    def authenticate(self, request: ApiRequest) -> ApiResponse | None:
        key, token = _credentials(request)
        if key != TRELLO_KEY:
            return self.error(401, "invalid key")
        if token != TRELLO_TOKEN:
            return self.error(401, "invalid token")
        return None

    def error(self, status: int, message: str) -> ApiResponse:
        if status == 429:
            return json_response(429, {"error": "API_TOKEN_LIMIT_EXCEEDED", "message": message})
        return text_response(status, message)

    def dispatch(
        self, request: ApiRequest, contract: Contract, served: Callable[[ApiRequest], ApiRequest] = lambda r: r
    ) -> ApiResponse:
        response = super().dispatch(request, contract, served)
        return response.with_headers(*self._rate_headers())

    def _rate_headers(self) -> list[tuple[str, str]]:
        now = time.monotonic()
        headers = []
        with self._lock:
            for scope, budget in _BUDGETS.items():
                calls = self._calls[scope]
                while calls and now - calls[0] > _WINDOW_S:
                    calls.popleft()
                calls.append(now)
                headers += [
                    (f"x-rate-limit-api-{scope}-interval-ms", str(int(_WINDOW_S * 1000))),
                    (f"x-rate-limit-api-{scope}-max", str(budget)),
                    (f"x-rate-limit-api-{scope}-remaining", str(max(0, budget - len(calls)))),
                ]
        return headers

    # -- helpers ----------------------------------------------------------------------------------
    def _member_id(self, request: ApiRequest) -> str:
        ref = request.path_params["member"]
        if ref == "me":
            return self._portfolio.me.trello_id
        for person in self._portfolio.people:
            if ref in (person.trello_id, person.username):
                return person.trello_id
        raise LookupError

    def _board(self, request: ApiRequest) -> TrelloBoard:
        board_id = request.path_params["board"]
        if not ID.match(board_id):
            raise BadRequest("invalid id")
        board = self._boards.get(board_id)
        if board is None:
            raise LookupError
        return board

    def _not_found(self) -> ApiResponse:
        return self.error(404, "The requested resource was not found.")

    # -- endpoints --------------------------------------------------------------------------------
    def member(self, request: ApiRequest) -> ApiResponse:
        try:
            member_id = self._member_id(request)
        except LookupError:
            return self._not_found()
        boards = tuple(b.id for b in self._boards.values() if member_id in b.member_ids)
        body = render.member(self._people[member_id], full=True, board_ids=boards)
        return json_response(200, render.project(body, request.values("fields")))

    def member_boards(self, request: ApiRequest) -> ApiResponse:
        try:
            member_id = self._member_id(request)
        except LookupError:
            return self._not_found()
        flt = request.first("filter") or "all"
        boards = [b for b in self._boards.values() if member_id in b.member_ids and flt != "closed"]
        fields = request.values("fields")
        return json_response(200, [render.project(render.board(b), fields) for b in boards])

    def board(self, request: ApiRequest) -> ApiResponse:
        try:
            board = self._board(request)
        except LookupError:
            return self._not_found()
        return json_response(200, render.project(render.board(board), request.values("fields")))

    def card(self, request: ApiRequest) -> ApiResponse:
        """One card wherever it is now; 404 once deleted, 401 on a board the member is not on (as Trello)."""
        card_id = request.path_params["card"]
        if not ID.match(card_id):
            raise BadRequest("invalid id")
        found = self._boards.find_card(card_id)
        if found is None:
            return self._not_found()
        board, value = found
        if self._portfolio.me.trello_id not in board.member_ids:
            return self.error(401, "unauthorized card permission requested")
        body = render.card(value, self._labels, custom_fields=_custom_field_items(request))
        return json_response(200, render.project(body, request.values("fields")))

    def lists(self, request: ApiRequest) -> ApiResponse:
        try:
            board = self._board(request)
        except LookupError:
            return self._not_found()
        flt = request.path_params.get("filter") or request.first("filter") or "open"
        rules: dict[str, Callable[[bool], bool]] = {
            "all": lambda closed: True,
            "open": lambda closed: not closed,
            "closed": lambda closed: closed,
            "none": lambda closed: False,
        }
        keep = rules.get(flt)
        if keep is None:
            raise BadRequest("invalid value for filter")
        fields = request.values("fields")
        return json_response(
            200, [render.project(render.trello_list(lst), fields) for lst in board.lists if keep(lst.closed)]
        )

    def cards(self, request: ApiRequest) -> ApiResponse:
        try:
            board = self._board(request)
        except LookupError:
            return self._not_found()
        flt = request.path_params.get("filter") or request.first("filter") or "visible"
        if flt not in _CARD_FILTERS:
            raise BadRequest("invalid value for filter")
        closed_lists = {lst.id for lst in board.lists if lst.closed}
        rules: dict[str, Callable[[Any], bool]] = {
            "all": lambda c: True,
            "closed": lambda c: c.closed,
            "open": lambda c: not c.closed,
            "visible": lambda c: not c.closed and c.list_id not in closed_lists,
            "none": lambda c: False,
            "complete": lambda c: c.due_complete,
            "incomplete": lambda c: not c.due_complete,
        }
        found = _since_before(request, [c for c in board.cards if rules[flt](c)], None)
        if request.first("limit"):
            found = sorted(found, key=lambda c: c.id, reverse=True)[
                : clamp(request.integer("limit", LIMIT_CAP), 1, LIMIT_CAP)
            ]
        else:
            order = {lst.id: lst.pos for lst in board.lists}
            found.sort(key=lambda c: (order[c.list_id], c.pos))
        fields = request.values("fields")
        items = _custom_field_items(request)
        return json_response(
            200, [render.project(render.card(c, self._labels, custom_fields=items), fields) for c in found]
        )

    def actions(self, request: ApiRequest) -> ApiResponse:
        try:
            board = self._board(request)
        except LookupError:
            return self._not_found()
        types = set(request.values("filter")) or {"all"}
        chosen = [a for a in board.actions if "all" in types or a.type in types]
        found = sorted(_since_before(request, chosen, lambda a: a.date), key=lambda a: a.id, reverse=True)
        limit = clamp(request.integer("limit", 50), 0, LIMIT_CAP)
        skip = max(0, request.integer("page", 0)) * limit
        page = found[skip : skip + limit]
        creator = request.first("memberCreator") != "false"
        with_member = request.first("member") != "false"
        fields = request.values("fields")
        return json_response(
            200,
            [
                render.project(render.action(a, self._people, with_creator=creator, with_member=with_member), fields)
                for a in page
            ],
        )

    def members(self, request: ApiRequest) -> ApiResponse:
        try:
            board = self._board(request)
        except LookupError:
            return self._not_found()
        return json_response(
            200,
            [
                {"id": m, "fullName": self._people[m].display_name, "username": self._people[m].username}
                for m in board.member_ids
            ],
        )

    def labels(self, request: ApiRequest) -> ApiResponse:
        try:
            board = self._board(request)
        except LookupError:
            return self._not_found()
        # `limit`: default 50, at most 1000 (the contract refuses more); labels have no paging.
        limit = request.integer("limit", LABELS_DEFAULT)
        return json_response(200, [render.label(label) for label in board.labels[:limit]])

    def checklists(self, request: ApiRequest) -> ApiResponse:
        """The checklists of the board's cards: none on generated boards, verbatim on imported ones."""
        try:
            board = self._board(request)
        except LookupError:
            return self._not_found()
        return json_response(200, list(board.checklists))

    def custom_fields(self, request: ApiRequest) -> ApiResponse:
        """The board's custom field definitions: none on generated boards, verbatim on imported ones."""
        try:
            board = self._board(request)
        except LookupError:
            return self._not_found()
        return json_response(200, list(board.custom_fields))
