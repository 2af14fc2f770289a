"""Changes to a running sandbox's Trello boards between two syncs: cards deleted or moved to another board.

Each change is recorded the way Trello records it: the card leaves its board's card list and the
activity feed gains `deleteCard`, or `moveCardFromBoard` on the old board and `moveCardToBoard` on
the new one (the moved card lands in the new board's first open list). The new actions are stamped
with the sandbox clock, so each board's `dateLastActivity` moves on and a sync notices the change.
A deleted card answers 404 on `GET /1/cards/{id}` from then on.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sandbox import trello_payloads as pay
from sandbox.clock import SandboxClock
from sandbox.model import TrelloAction, TrelloBoard, TrelloCard
from sandbox.timefmt import ObjectIds


@dataclass(frozen=True)
class CardsChanged:
    """What one operation did: the ids of the cards it deleted or moved."""

    op: str
    card_ids: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {"op": self.op, "card_ids": list(self.card_ids)}


class TrelloBoards:
    """The live boards the Trello API serves, by id; every read and change holds `lock`."""

    def __init__(self, boards: Iterable[TrelloBoard], clock: SandboxClock, seed: int = 0) -> None:
        self.lock = threading.RLock()
        self.boards: dict[str, TrelloBoard] = {b.id: b for b in boards}
        self.deleted_cards: set[str] = set()
        self._clock = clock
        self._ids = ObjectIds(random.Random(seed))

    def get(self, board_id: str) -> TrelloBoard | None:
        with self.lock:
            return self.boards.get(board_id)

    def values(self) -> list[TrelloBoard]:
        with self.lock:
            return list(self.boards.values())

    def find_card(self, card_id: str) -> tuple[TrelloBoard, TrelloCard] | None:
        """The board holding the card now and the card, or None (deleted or unknown)."""
        with self.lock:
            for board in self.boards.values():
                card = next((c for c in board.cards if c.id == card_id), None)
                if card is not None:
                    return board, card
            return None

    def delete_cards(self, board_id: str, n: int = 0, seed: int = 0, ids: Sequence[str] | None = None) -> CardsChanged:
        """Delete `n` random cards of a board (or the given ones)."""
        with self.lock:
            board = self.boards[board_id]
            doomed = self._pick(board, n, seed, ids)
            now = self._clock.now()
            actions = [
                TrelloAction(
                    self._ids.make(now),
                    board.id,
                    "deleteCard",
                    board.member_ids[0],
                    now,
                    {"card": {"id": c.id, "idShort": c.id_short}, "list": {"id": c.list_id}, "board": _ref(board)},
                )
                for c in doomed
            ]
            gone = {c.id for c in doomed}
            self.boards[board.id] = replace(
                board, cards=tuple(c for c in board.cards if c.id not in gone), actions=(*board.actions, *actions)
            )
            self.deleted_cards |= gone
            return CardsChanged("delete_cards", tuple(sorted(gone)))

    def move_cards(
        self, board_id: str, to_board_id: str, n: int = 0, seed: int = 0, ids: Sequence[str] | None = None
    ) -> CardsChanged:
        """Move `n` random cards of a board (or the given ones) into the first open list of another."""
        with self.lock:
            source, target = self.boards[board_id], self.boards[to_board_id]
            moving = self._pick(source, n, seed, ids)
            landing = next(lst for lst in sorted(target.lists, key=lambda x: x.pos) if not lst.closed)
            now = self._clock.now()
            left, arrived = [], []
            for card in moving:
                ref = pay.card_ref(card.id, card.name, card.id_short, card.short_link)
                who = source.member_ids[0]
                left.append(
                    TrelloAction(
                        self._ids.make(now),
                        source.id,
                        "moveCardFromBoard",
                        who,
                        now,
                        {"card": ref, "board": _ref(source), "boardTarget": {"id": target.id}},
                    )
                )
                arrived.append(
                    TrelloAction(
                        self._ids.make(now),
                        target.id,
                        "moveCardToBoard",
                        who,
                        now,
                        {
                            "card": ref,
                            "board": _ref(target),
                            "boardSource": {"id": source.id},
                            "list": {"id": landing.id},
                        },
                    )
                )
            moved = {c.id for c in moving}
            self.boards[source.id] = replace(
                source, cards=tuple(c for c in source.cards if c.id not in moved), actions=(*source.actions, *left)
            )
            self.boards[target.id] = replace(
                target,
                cards=(*target.cards, *(replace(c, board_id=target.id, list_id=landing.id) for c in moving)),
                actions=(*target.actions, *arrived),
            )
            return CardsChanged("move_cards", tuple(sorted(moved)))

    def _pick(self, board: TrelloBoard, n: int, seed: int, ids: Sequence[str] | None) -> list[TrelloCard]:
        if ids is not None:
            wanted = set(ids)
            found = [c for c in board.cards if c.id in wanted]
            if len(found) != len(wanted):
                raise ValueError(f"cards not on board {board.id}: {sorted(wanted - {c.id for c in found})}")
            return found
        if n > len(board.cards):
            raise ValueError(f"board {board.id} has {len(board.cards)} cards, not {n}")
        return random.Random(seed).sample(list(board.cards), n)


def _ref(board: TrelloBoard) -> dict[str, Any]:
    return pay.board_ref(board.id, board.name, board.short_link)
