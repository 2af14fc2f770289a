"""Generates Trello boards whose activity feed (actions) explains every card's current state.

A card is created in the first list, moves right through the lists over time (sometimes back one
step for rework), collects members and comments, and finished cards are often archived later.
A few early ideas are parked in a list that is then archived. Replaying the board's updateCard
actions from each createCard gives each card's current list and archived flag.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sandbox import trello_payloads as pay
from sandbox.gen_text import card_name, comment
from sandbox.model import Person, TrelloAction, TrelloBoard, TrelloCard, TrelloLabel, TrelloList
from sandbox.timefmt import ObjectIds, between, midnight, short_link

_LABEL_COLORS = ("green", "yellow", "orange", "red", "purple", "blue")
_LABEL_NAMES = ("Design", "Content", "Blocked", "Customer", "Quick win", "Legal")
_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class TrelloSpec:
    """What to generate for one board. The last of `lists` is where finished cards go."""

    name: str
    theme: str
    kickoff: date
    cards: int
    lists: tuple[str, ...]
    parking_list: str
    in_portfolio: bool
    members: tuple[Person, ...]


class _Feed:
    """Collects a board's actions; ids are made at the end, in time order."""

    def __init__(self, board_id: str) -> None:
        self.board_id = board_id
        self.items: list[tuple[datetime, int, str, str, dict[str, Any], str | None]] = []

    def add(self, at: datetime, kind: str, who: str, data: dict[str, Any], member: str | None = None) -> None:
        self.items.append((at, len(self.items), kind, who, data, member))

    def actions(self, ids: ObjectIds) -> tuple[TrelloAction, ...]:
        ordered = sorted(self.items, key=lambda item: (item[0], item[1]))
        return tuple(
            TrelloAction(ids.make(at), self.board_id, kind, who, at, data, member)
            for at, _n, kind, who, data, member in ordered
        )


def generate_board(rng: random.Random, spec: TrelloSpec, me: Person, now: datetime) -> TrelloBoard:
    ids = ObjectIds(rng)
    created = midnight(spec.kickoff) + timedelta(hours=9, minutes=rng.randrange(60), milliseconds=rng.randrange(1000))
    board_id, link = ids.make(created), short_link(rng)
    board = pay.board_ref(board_id, spec.name, link)
    feed = _Feed(board_id)
    feed.add(created, "createBoard", me.trello_id, {"board": board})
    names = (*spec.lists, spec.parking_list)
    lists = [TrelloList(ids.make(created), board_id, name, 16384.0 * (i + 1), False) for i, name in enumerate(names)]
    for i, lst in enumerate(lists):
        data = pay.create_list(board, pay.list_ref(lst.id, lst.name))
        feed.add(created + (i + 1) * _SECOND, "createList", me.trello_id, data)
    for person in spec.members:
        at = between(rng, created + timedelta(minutes=5), created + timedelta(days=2))
        data = pay.add_member_to_board(board, person.trello_id)
        feed.add(at, "addMemberToBoard", me.trello_id, data, person.trello_id)
    labels = tuple(
        TrelloLabel(ids.make(created), board_id, name, color)
        for name, color in zip(_LABEL_NAMES, _LABEL_COLORS, strict=True)
    )
    parking = lists[-1]
    parked_until = between(rng, created + timedelta(days=10), created + timedelta(days=25))
    times = sorted(
        between(rng, created + timedelta(hours=1), created + timedelta(days=4))
        if rng.random() < 0.35
        else between(rng, created + timedelta(hours=1), now - timedelta(hours=2))
        for _ in range(spec.cards)
    )
    cards = []
    for number, born in enumerate(times, start=1):
        park = born < parked_until - timedelta(days=2) and rng.random() < 0.12
        parked = parked_until if park else None
        cards.append(_card(rng, ids, feed, spec, board, lists, labels, number, born, now, parked))
    feed.add(parked_until, "updateList", me.trello_id, pay.archive_list(board, pay.list_ref(parking.id, parking.name)))
    lists[-1] = TrelloList(parking.id, board_id, parking.name, parking.pos, True)
    return TrelloBoard(
        id=board_id,
        name=spec.name,
        desc=f"Work board for {spec.name}.",
        short_link=link,
        created=created,
        member_ids=(me.trello_id, *(p.trello_id for p in spec.members)),
        in_portfolio=spec.in_portfolio,
        lists=tuple(lists),
        cards=_positions(cards),
        labels=labels,
        actions=feed.actions(ids),
        done_list_id=lists[len(spec.lists) - 1].id,
        checklists=_checklists(board_id, cards, ids),
    )


def _checklists(board_id: str, cards: Sequence[TrelloCard], ids: ObjectIds) -> tuple[dict[str, Any], ...]:
    """A "Definition of done" checklist on every fifth card, ticked on cards that are done.

    Drawn from its own random source, so adding it changed no other generated value.
    """
    rng = random.Random(board_id)
    out = []
    for card in cards[::5]:
        made = datetime.fromtimestamp(int(card.id[:8], 16), UTC)
        checklist_id = ids.make(made)
        items = [
            {"id": ids.make(made), "idChecklist": checklist_id, "name": name, "pos": 16384.0 * (n + 1),
             "state": "complete" if rng.random() < 0.5 else "incomplete", "due": None, "idMember": None}
            for n, name in enumerate(("Reviewed", "Tested", "Documented"))
        ]  # fmt: skip
        out.append(
            {"id": checklist_id, "name": "Definition of done", "idBoard": board_id, "idCard": card.id,
             "pos": 16384.0, "checkItems": items}
        )  # fmt: skip
    return tuple(out)


def _card(
    rng: random.Random,
    ids: ObjectIds,
    feed: _Feed,
    spec: TrelloSpec,
    board: dict[str, Any],
    lists: Sequence[TrelloList],
    labels: Sequence[TrelloLabel],
    number: int,
    born: datetime,
    now: datetime,
    parked_until: datetime | None,
) -> TrelloCard:
    """One card's life; `parked_until` set means it gets parked in the list archived at that time."""
    team = [p.trello_id for p in spec.members]
    done_index = len(spec.lists) - 1
    name, link = card_name(rng, spec.theme), short_link(rng)
    card_id = ids.make(born)
    plan: list[tuple[datetime, str, Any]] = []
    if parked_until is not None:
        plan.append((between(rng, born + timedelta(hours=1), parked_until - _SECOND), "move", len(lists) - 1))
        horizon = parked_until
    else:
        horizon = now - _SECOND
        # A card typically ships 10-45 days after it was written down; one in ten stalls.
        progress = min(1.0, (now - born).days / rng.uniform(10, 45)) * (0.3 if rng.random() < 0.1 else 1.0)
        target = min(done_index, int(progress * (done_index + 0.99)))
        moves = list(range(1, target + 1))
        if target >= 3 and rng.random() < 0.12:  # sent back for rework, then forward again
            moves[target - 1 : target - 1] = [target - 2, target - 1]
        times = sorted(between(rng, born, horizon) for _ in moves)
        plan += [(at, "move", to) for at, to in zip(times, moves, strict=True)]
        if target == done_index and rng.random() < 0.35:
            last_move = max(at for at, kind, _ in plan if kind == "move")
            if now - last_move > timedelta(days=10):
                plan.append((between(rng, last_move + timedelta(days=3), horizon), "archive", None))
        elif target == 0 and now - born > timedelta(days=30) and rng.random() < 0.15:
            plan.append((between(rng, born + timedelta(days=20), horizon), "archive", None))
    if rng.random() < 0.7:
        plan.append((between(rng, born, horizon), "member", rng.choice(team)))
    plan += [(between(rng, born, horizon), "comment", comment(rng)) for _ in range(rng.choice((0, 0, 1, 1, 2, 3)))]
    if rng.random() < 0.2:
        plan.append((between(rng, born, horizon), "desc", f"Context and acceptance notes for: {name}."))
    if rng.random() < 0.1:
        plan.append((between(rng, born, horizon), "name", f"{name} (v2)"))

    where, closed, members, desc, comments = 0, False, [], "", 0
    author = rng.choice(team)
    ref = pay.card_ref(card_id, name, number, link)
    feed.add(born, "createCard", author, pay.create_card(board, ref, _lref(lists[0])))
    last = born
    for planned, kind, value in sorted(plan, key=lambda p: p[0]):
        at = max(planned, last + _SECOND)  # two changes to one card never share a second
        if at >= now:
            continue
        last = at
        who = rng.choice(team)
        if kind == "move":
            feed.add(at, "updateCard", who, pay.move_card(board, ref, _lref(lists[where]), _lref(lists[value])))
            where = value
        elif kind == "archive":
            feed.add(at, "updateCard", who, pay.archive_card(board, ref, _lref(lists[where])))
            closed = True
        elif kind == "member" and value not in members:
            feed.add(at, "addMemberToCard", who, pay.add_member_to_card(board, ref, value), value)
            members.append(value)
        elif kind == "comment":
            feed.add(at, "commentCard", who, pay.comment_card(board, ref, _lref(lists[where]), value))
            comments += 1
        elif kind in ("desc", "name"):
            old = desc if kind == "desc" else ref["name"]
            feed.add(at, "updateCard", who, pay.edit_card(board, ref, _lref(lists[where]), kind, value, old))
            if kind == "desc":
                desc = value
            else:
                ref = {**ref, "name": value}
    due_day = (born + timedelta(days=rng.randrange(7, 40))).date()
    due = midnight(due_day) + timedelta(hours=17) if rng.random() < 0.3 else None
    return TrelloCard(
        id=card_id,
        board_id=board["id"],
        list_id=lists[where].id,
        name=ref["name"],
        desc=desc,
        closed=closed,
        pos=0.0,
        id_short=number,
        short_link=link,
        member_ids=tuple(members),
        label_ids=tuple(sorted(label.id for label in rng.sample(list(labels), rng.choice((0, 1, 1, 2))))),
        due=due,
        due_complete=due is not None and where == done_index,
        last_activity=last,
        comments=comments,
    )


def _lref(lst: TrelloList) -> dict[str, Any]:
    return pay.list_ref(lst.id, lst.name)


def _positions(cards: list[TrelloCard]) -> tuple[TrelloCard, ...]:
    """Cards sit in each list in creation order, 65536 apart, as Trello spaces new cards."""
    counters: dict[str, int] = {}
    placed = []
    for card in cards:
        counters[card.list_id] = counters.get(card.list_id, 0) + 1
        placed.append(replace(card, pos=65536.0 * counters[card.list_id]))
    return tuple(placed)
