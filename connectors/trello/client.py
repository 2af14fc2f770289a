"""Trello client for one API key + token (REST API v1, https://api.trello.com/1/).

Docs: https://developer.atlassian.com/cloud/trello/rest/. Auth is the ``key`` and ``token`` query
parameters on every request (masked in every message and log). Limits: 100 requests / 10 s per
token, 300 / 10 s per key; `HttpClient`'s limiter follows the ``x-rate-limit-*`` headers.

Quirks handled here: actions come at most 1000 per request and the default is 50, so both actions
and cards are paged with ``before=<oldest id seen>`` until an empty page (field notes #11);
archived lists and cards are hidden unless ``filter=all`` (field notes #5).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from connectors.answers import describe, lacking
from connectors.errors import ApiError
from connectors.http import HttpClient
from connectors.parallel import ordered_map
from connectors.ratelimit import shared_limiter
from connectors.stats import RequestStats
from connectors.trello.ids import id_order, is_trello_id
from connectors.urls import host_of

PAGE_LIMIT = 1000  # the maximum Trello serves per request for actions and cards
LABELS_LIMIT = 1000  # the maximum `limit` of a board's labels (default 50), which have no paging
TRELLO_HINTS = {
    401: "check the Trello API key/token for this source (the token may be expired or revoked)",
    404: "board not found, or not visible to this token's member",
}


class TrelloClient:
    """Read access to the boards one Trello member (token) can see."""

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    @classmethod
    def from_credentials(
        cls,
        source: str,
        base_url: str = "https://api.trello.com",
        *,
        key: str,
        token: str,
        **http_kwargs: Any,
    ) -> TrelloClient:
        """Build a client; `base_url` is the API host (``/1`` is added to every path)."""
        hints = {**TRELLO_HINTS, **http_kwargs.pop("hints", {})}
        # Trello counts per token and per key; the token names the member, so key+token is the pair.
        if "sleep" not in http_kwargs:  # an injected sleep is a test clock: keep its limiter private
            http_kwargs.setdefault("rate_limiter", shared_limiter(host_of(base_url), f"{key}:{token}"))
        return cls(HttpClient(source, base_url, auth_params={"key": key, "token": token}, hints=hints, **http_kwargs))

    @property
    def stats(self) -> RequestStats:
        """Request counters for run metadata."""
        return self.http.stats

    def me(self) -> dict[str, Any]:
        """The token's member (``id``, ``username``, ``fullName``); a cheap credentials check."""
        result: dict[str, Any] = self.http.get_json("/1/members/me", expect="object")
        return result

    def iter_boards(self, board_ids: Sequence[str] | None = None) -> Iterator[dict[str, Any]]:
        """Boards to sync: each id of the allow-list (open or closed), else the member's open boards."""
        if board_ids is None:
            yield from self.http.get_json("/1/members/me/boards", {"filter": "open"}, expect="array")
            return
        if isinstance(board_ids, str):
            raise TypeError(f"board_ids must be a list of ids, not the string {board_ids!r}")
        yield from ordered_map(self._board, list(board_ids), self.http.max_workers)

    def _board(self, board_id: str) -> dict[str, Any]:
        result: dict[str, Any] = self.http.get_json(_board_path(board_id), {"fields": "all"}, expect="object")
        return result

    def lists(self, board_id: str) -> list[dict[str, Any]]:
        """All lists of a board, archived ones included (``closed: true``), with ``pos``."""
        result: list[dict[str, Any]] = self.http.get_json(
            _board_path(board_id, "lists"), {"filter": "all"}, expect="array"
        )
        return result

    def iter_cards(self, board_id: str) -> Iterator[dict[str, Any]]:
        """Every card of a board, archived included, with ``customFieldItems``; newest first.

        A card that comes without ``customFieldItems`` (asked for; Trello sends an empty list for a
        card without values) raises `IncompleteAnswerError`: its estimate would read as missing.
        """
        return self._iter_before_paged(
            _board_path(board_id, "cards/all"), {"customFieldItems": "true"}, require=("customFieldItems",)
        )

    def iter_actions(self, board_id: str, since: str | None = None) -> Iterator[dict[str, Any]]:
        """Every action of a board (card moves ``updateCard`` with ``data.listBefore/listAfter``,
        creations, comments, deletions...), newest first, deduplicated by id.

        `since` (an ISO date or an action id) limits to newer actions, for incremental runs.
        """
        params = {"filter": "all"}
        if since:
            params["since"] = since
        return self._iter_before_paged(_board_path(board_id, "actions"), params)

    def lookup_card(self, card_id: str) -> tuple[int, dict[str, Any] | None]:
        """Point lookup of one card: ``(200, card)``, ``(404, None)`` when deleted, or ``(401, None)``
        when the card sits where this token's member cannot see it (Trello answers 401 for that)."""
        try:
            card: dict[str, Any] = self.http.get_json(
                f"/1/cards/{quote(card_id, safe='')}", {"customFieldItems": "true"}, expect="object"
            )
        except ApiError as exc:
            if exc.status in (401, 403, 404):
                return exc.status, None
            raise
        return 200, card

    def members(self, board_id: str) -> list[dict[str, Any]]:
        """Members of a board (``id``, ``username``, ``fullName``)."""
        result: list[dict[str, Any]] = self.http.get_json(_board_path(board_id, "members"), expect="array")
        return result

    def labels(self, board_id: str) -> list[dict[str, Any]]:
        """Labels of a board (``id``, ``name``, ``color``), used or not: at most `LABELS_LIMIT`.

        Trello serves at most 1000 labels per request and documents no paging for them, so fewer
        than `LABELS_LIMIT` proves the list whole; a full list may not be, and the caller completes
        it from the labels its cards carry (and says so).
        """
        result: list[dict[str, Any]] = self.http.get_json(
            _board_path(board_id, "labels"), {"limit": str(LABELS_LIMIT)}, expect="array"
        )
        return result

    def checklists(self, board_id: str) -> list[dict[str, Any]]:
        """Checklists of the board's cards (``idCard``, ``name``, ``checkItems`` with ``state``)."""
        result: list[dict[str, Any]] = self.http.get_json(_board_path(board_id, "checklists"), expect="array")
        return result

    def custom_fields(self, board_id: str) -> list[dict[str, Any]]:
        """Custom field definitions of a board (``id``, ``name``, ``type``, dropdown ``options``)."""
        result: list[dict[str, Any]] = self.http.get_json(_board_path(board_id, "customFields"), expect="array")
        return result

    def _iter_before_paged(
        self, path: str, params: Mapping[str, str], require: Sequence[str] = ()
    ) -> Iterator[dict[str, Any]]:
        """Page newest-first collections with ``limit=1000`` and ``before=<oldest id so far>``.

        An empty page is the normal end. A short page is *not* trusted as the end (it costs one
        more request to be sure). An id newer than `before` means the server ignored the cursor
        and we would loop: `PaginationError`. The `before` object itself coming back (an
        inclusive boundary) is dropped as a duplicate; a page holding nothing older also ends.
        """
        url = self.http.resolve(path)
        seen: set[str] = set()
        before: str | None = None
        while True:
            query = {**params, "limit": str(PAGE_LIMIT), **({"before": before} if before else {})}
            page = self.http.get_json(path, query, expect="array")
            if not all(isinstance(obj, dict) and is_trello_id(str(obj.get("id"))) for obj in page):
                raise self.http.shape_error(url, "expected a list of objects with Trello ids (24 hex)")
            missing = lacking(page, require)
            if missing:
                raise self.http.incomplete_error(url, describe(missing, len(page), "objects") + " although asked for")
            if before is not None:
                newest = max((obj["id"] for obj in page), key=id_order, default=before)
                if id_order(newest) > id_order(before):
                    raise self.http.pagination_error(
                        url, f"page before={before} did not move back in time (it holds {newest})"
                    )
                page = [obj for obj in page if obj["id"] != before]
            if not page:
                return
            for obj in page:
                if obj["id"] not in seen:
                    seen.add(obj["id"])
                    yield obj
            before = min((obj["id"] for obj in page), key=id_order)


def _board_path(board_id: str, child: str = "") -> str:
    # Ids come from config or the API; quoting keeps a malformed one from rewriting the path.
    path = f"/1/boards/{quote(board_id, safe='')}"
    return f"{path}/{child}" if child else path
