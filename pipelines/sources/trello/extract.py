"""Extract Trello boards: lists (archived too), cards (archived too), actions, members, labels,
checklists and custom field definitions.

Trello has no server-side filter for changed cards, but a board's `dateLastActivity` moves on any
change: a board whose activity stamp equals the committed one is skipped whole. A changed board's
cards are listed whole, which doubles as a census: cards no synced board lists any more are looked
up. Actions are read with `since` = the last committed action's time minus an overlap and
deduplicated by id on load.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from connectors.parallel import ordered_map
from connectors.trello import TrelloClient, trello_id_time
from connectors.trello.client import LABELS_LIMIT
from pipelines.extract.common import ExtractResult, require_visible
from pipelines.landing import LandingWriter
from pipelines.progress import progress
from pipelines.sources.trello.config import TrelloSource
from pipelines.sources.trello.state import TrelloState

ACTION_OVERLAP = timedelta(hours=1)
# What is landed whole for a changed board (its cards apart: they are the census too).
BOARD_ENTITIES = (
    "trello_lists",
    "trello_members",
    "trello_custom_fields",
    "trello_labels",
    "trello_checklists",
    "trello_actions",
)


def extract_trello(
    source: TrelloSource, client: TrelloClient, state: TrelloState, writer: LandingWriter
) -> ExtractResult:
    result = ExtractResult(writer.source_id)
    cursors = state.cursors
    boards = list(client.iter_boards(source.boards))
    require_visible(writer.source_id, "board", source.boards, (b["id"] for b in boards))
    writer.write("trello_boards", boards)
    listed: set[str] = set()  # cards listed on any board this run
    censused: set[str] = set()  # cards held on the boards listed this run
    changed = []
    for board in boards:
        activity = str(board.get("dateLastActivity") or "")
        if activity and cursors.get(f"board_activity:{board['id']}") == activity:
            progress.info("%s board %s: unchanged since last sync", writer.source_id, board.get("name"))
        else:
            changed.append(board)
    # A board's pages can only be read one after another; boards are read side by side (a few in
    # memory at once) and landed in order, since the landing files have one writer.
    read = partial(_read_board, client, cursors)
    for board, content in zip(changed, ordered_map(read, changed, client.http.max_workers), strict=True):
        board_id = str(board["id"])
        result.warnings += _complete_labels(writer.source_id, board, content)
        for entity in BOARD_ENTITIES:
            writer.write(entity, content[entity], container=board_id)
        cards = writer.write("trello_cards", _noting_ids(iter(content["trello_cards"]), listed), container=board_id)
        censused.update(state.known_card_ids.get(board_id, ()))
        action_key = f"newest_action:{board_id}"
        # Object ids start with their creation time in fixed-width hex, so they sort by time.
        newest = max([cursors.get(action_key, ""), *(str(a["id"]).lower() for a in content["trello_actions"])])
        if newest:
            result.cursors[action_key] = newest
        if board.get("dateLastActivity"):
            result.cursors[f"board_activity:{board_id}"] = str(board["dateLastActivity"])
        progress.info(
            "%s board %s: %d cards, %d actions",
            writer.source_id,
            board.get("name"),
            cards,
            len(content["trello_actions"]),
        )
    # After every board: a card that moved between two synced boards is listed on its new one.
    _vanished_cards(client, writer, sorted(censused - listed))
    result.counts = dict(writer.counts)
    return result


def _read_board(client: TrelloClient, cursors: dict[str, str], board: dict[str, Any]) -> dict[str, list[Any]]:
    """Everything of one changed board, by raw entity: actions only since the last one held."""
    board_id = str(board["id"])
    since = None
    if f"newest_action:{board_id}" in cursors:
        newest = trello_id_time(cursors[f"newest_action:{board_id}"])
        since = (newest - ACTION_OVERLAP).isoformat().replace("+00:00", "Z")
    return {
        "trello_lists": client.lists(board_id),
        "trello_members": client.members(board_id),
        "trello_custom_fields": client.custom_fields(board_id),
        "trello_labels": client.labels(board_id),
        "trello_checklists": client.checklists(board_id),
        "trello_cards": list(client.iter_cards(board_id)),
        "trello_actions": list(client.iter_actions(board_id, since=since)),
    }


def _complete_labels(source_id: str, board: dict[str, Any], content: dict[str, list[Any]]) -> list[str]:
    """A full label list (Trello's maximum, and labels have no paging) gains the labels the cards carry.

    Cards embed their label objects, so every label in use is known; only labels no card uses may
    still be missing beyond the maximum, which the warning says.
    """
    labels = content["trello_labels"]
    if len(labels) < LABELS_LIMIT:
        return []
    known = {str(label["id"]) for label in labels}
    extra: dict[str, Any] = {}
    for card in content["trello_cards"]:
        for label in card.get("labels") or ():
            if isinstance(label, dict) and str(label.get("id")) not in known:
                extra.setdefault(str(label["id"]), label)
    labels += extra.values()
    return [
        f"{source_id}: board {board.get('name')} lists {LABELS_LIMIT} labels, Trello's maximum (labels have no "
        f"paging); {len(extra)} more in use on its cards were taken from the cards, labels no card uses beyond "
        "the maximum are not synced"
    ]


def _noting_ids(cards: Iterator[dict[str, Any]], ids: set[str]) -> Iterator[dict[str, Any]]:
    for card in cards:
        ids.add(str(card["id"]))
        yield card


def _vanished_cards(client: TrelloClient, writer: LandingWriter, card_ids: list[str]) -> None:
    """Cards the warehouse holds on a board that no longer lists them: never tombstoned on absence.

    A point lookup decides: found → moved to another board (landed again there, with its new
    board as container); 404 → deleted; 401/403 → out of this token's sight (`not_visible`).
    """
    if not card_ids:
        return
    found: list[dict[str, Any]] = []
    tombstones: list[dict[str, Any]] = []
    detected = datetime.now(UTC).isoformat()
    for card_id, (status, card) in zip(
        card_ids, ordered_map(client.lookup_card, card_ids, client.http.max_workers), strict=True
    ):
        if status == 200 and card is not None:
            found.append(card)
        else:
            reason = "deleted" if status == 404 else "not_visible"
            tombstones.append({"id": card_id, "reason": reason, "detected_at": detected})
    writer.write("trello_cards", found, container=lambda c: str(c.get("idBoard")))
    writer.write("trello_card_tombstones", tombstones)
    progress.info(
        "%s: %d cards left their board (%d moved, %d gone)",
        writer.source_id,
        len(card_ids),
        len(found),
        len(tombstones),
    )
