"""The `data` payloads of Trello actions, shaped like the real activity feed.

Each payload names the board, card and list as they were when the action happened (a later rename
does not rewrite old actions), which is how Trello stores them.
"""

from __future__ import annotations

from typing import Any


def board_ref(board_id: str, name: str, short_link: str) -> dict[str, Any]:
    return {"id": board_id, "name": name, "shortLink": short_link}


def card_ref(card_id: str, name: str, id_short: int, short_link: str, **extra: Any) -> dict[str, Any]:
    return {"id": card_id, "name": name, "idShort": id_short, "shortLink": short_link, **extra}


def list_ref(list_id: str, name: str) -> dict[str, Any]:
    return {"id": list_id, "name": name}


def create_card(board: dict[str, Any], card: dict[str, Any], lst: dict[str, Any]) -> dict[str, Any]:
    return {"card": card, "list": lst, "board": board}


def move_card(
    board: dict[str, Any], card: dict[str, Any], before: dict[str, Any], after: dict[str, Any]
) -> dict[str, Any]:
    """updateCard for a list move: the only action that carries listBefore/listAfter."""
    return {
        "card": {**card, "idList": after["id"]},
        "old": {"idList": before["id"]},
        "board": board,
        "listBefore": before,
        "listAfter": after,
    }


def archive_card(board: dict[str, Any], card: dict[str, Any], lst: dict[str, Any]) -> dict[str, Any]:
    return {"card": {**card, "closed": True}, "old": {"closed": False}, "board": board, "list": lst}


def edit_card(
    board: dict[str, Any], card: dict[str, Any], lst: dict[str, Any], field: str, new: str, old: str
) -> dict[str, Any]:
    """updateCard for a name or description edit; `card` already carries the new name."""
    return {"card": {**card, field: new}, "old": {field: old}, "board": board, "list": lst}


def comment_card(board: dict[str, Any], card: dict[str, Any], lst: dict[str, Any], text: str) -> dict[str, Any]:
    return {"text": text, "textData": {"emoji": {}}, "card": card, "board": board, "list": lst}


def add_member_to_card(board: dict[str, Any], card: dict[str, Any], member_id: str) -> dict[str, Any]:
    return {"card": card, "board": board, "idMember": member_id}


def create_list(board: dict[str, Any], lst: dict[str, Any]) -> dict[str, Any]:
    return {"list": lst, "board": board}


def archive_list(board: dict[str, Any], lst: dict[str, Any]) -> dict[str, Any]:
    return {"list": {**lst, "closed": True}, "old": {"closed": False}, "board": board}


def add_member_to_board(board: dict[str, Any], member_id: str) -> dict[str, Any]:
    return {"board": board, "idMemberAdded": member_id, "memberType": "normal"}
