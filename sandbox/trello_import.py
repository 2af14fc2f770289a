"""Real Trello exports served by the sandbox: one export file becomes one `TrelloBoard` and its people.

A board export (Trello's "Export as JSON": `id, name, desc, shortLink, lists, cards, labels,
actions, members, checklists, customFields`) keeps its lists, cards (archived ones included),
labels, custom fields and actions; the actions' `data` is kept verbatim, so list moves, creations
and comments read exactly as Trello recorded them. A single-card export (one card object with
`idBoard`, `idList` and its `actions`) becomes a board holding that card, with a list for its
`idList` named as the actions name it (else "list <id>") and the board named as they do.

People: every board member and every member an action names (`idMemberCreator`, `member`) or a card
lists (`idMembers`) gets a `Person`, named from the export's member objects; the Atlassian side
(accountId, e-mail, time zone) is synthetic. Nothing is written anywhere: exports may hold real
people's names, so they are read at run time only.

Imported boards are outside the portfolio (`in_portfolio=False`): the generated config and ground
truth stay as they are, and `config_with_trello_exports` adds the boards to a config when wanted.
The token's member (`portfolio.me`) is made a member of every imported board, so it sees them.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sandbox.model import Person, TrelloAction, TrelloBoard, TrelloCard, TrelloLabel, TrelloList
from sandbox.portfolio import SOURCE_NAME, Portfolio

_ID = re.compile(r"^[0-9a-f]{24}$")
# A list whose name says its cards are finished; the ground truth's done list when exactly one matches.
_DONE_NAME = re.compile(r"\b(done|complete[d]?|finished|shipped|released|hotovo)\b", re.IGNORECASE)
_NEW_LIST_POS = 65536.0


@dataclass(frozen=True)
class TrelloExport:
    """One imported export: the board as the sandbox serves it and the people it references."""

    path: Path | None
    board: TrelloBoard
    people: tuple[Person, ...]

    @property
    def project_id(self) -> str:
        return export_project_id(self.board)


def load_trello_export(path: Path | str) -> TrelloExport:
    """Read and convert one export file (a board export or a single-card export)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as problem:
        raise ValueError(f"Trello export {path}: cannot read it ({problem})") from None
    if not isinstance(data, dict):
        raise ValueError(f"Trello export {path}: expected a JSON object, not {type(data).__name__}")
    try:
        board, people = import_trello_export(data)
    except (KeyError, TypeError, ValueError) as problem:
        raise ValueError(f"Trello export {path}: {problem}") from None
    return TrelloExport(path, board, people)


def import_trello_export(data: Mapping[str, Any]) -> tuple[TrelloBoard, tuple[Person, ...]]:
    """The board and the people of one export's JSON (a board export, or one card with `idBoard`)."""
    if "lists" in data or "cards" in data:
        return _import_board(data)
    if "idBoard" in data and "idList" in data:
        return _import_single_card(data)
    raise ValueError("neither a board export (lists, cards) nor a card export (idBoard, idList)")


def export_project_id(board: TrelloBoard) -> str:
    """The portfolio project id a served config gives an imported board: `export-<shortLink>`."""
    return f"export-{board.short_link}"


def portfolio_with_trello_exports(portfolio: Portfolio, exports: Iterable[Path | str | TrelloExport]) -> Portfolio:
    """`portfolio` plus the imported boards (outside the portfolio) and their people.

    The token's member (`portfolio.me`) joins every imported board. People already known (same
    Trello id) keep their generated record. A board id that is already served is an error.
    """
    loaded = [e if isinstance(e, TrelloExport) else load_trello_export(e) for e in exports]
    if not loaded:
        return portfolio
    boards = list(portfolio.trello_boards)
    people = list(portfolio.people)
    known_people = {p.trello_id for p in people}
    me = portfolio.me.trello_id
    for export in loaded:
        board = export.board
        if any(b.id == board.id for b in boards):
            raise ValueError(f"Trello board {board.id} is served twice (imported from {export.path})")
        members = board.member_ids if me in board.member_ids else (*board.member_ids, me)
        boards.append(replace(board, member_ids=members, in_portfolio=False))
        for person in export.people:
            if person.trello_id not in known_people:
                known_people.add(person.trello_id)
                people.append(person)
    return replace(portfolio, trello_boards=tuple(boards), people=tuple(people))


def config_with_trello_exports(
    config: Mapping[str, Any], boards: Sequence[TrelloBoard], source: str = SOURCE_NAME
) -> dict[str, Any]:
    """A copy of a pmhub config (as a dict) whose Trello source `source` also syncs `boards`,
    with one portfolio project per board (id `export-<shortLink>`, named as the board)."""
    out: dict[str, Any] = json.loads(json.dumps(config))  # a deep copy of plain YAML data
    trello = next(s for s in out["sources"]["trello"] if s["name"] == source)
    listed = trello.get("boards")
    if listed is not None:  # None (no allow-list) already syncs every board the member sees
        trello["boards"] = [*listed, *(b.id for b in boards if b.id not in listed)]
    projects = out.setdefault("portfolio", [])
    for board in boards:
        projects.append(
            {
                "id": export_project_id(board),
                "name": (board.name.strip() or f"Board {board.short_link}")[:200],
                "trello": [{"source": source, "board": board.id}],
            }
        )
    return out


# -- conversion -------------------------------------------------------------------------------------
def _import_board(data: Mapping[str, Any]) -> tuple[TrelloBoard, tuple[Person, ...]]:
    board_id = _object_id(data["id"], "board id")
    people = _People()
    for member in data.get("members") or ():
        people.add(str(member["id"]), member)
    actions = _actions(board_id, data.get("actions") or (), people)
    lists = [_list(board_id, lst) for lst in data.get("lists") or ()]
    cards = [_card(board_id, card) for card in data.get("cards") or ()]
    lists += _missing_lists(board_id, lists, cards, data.get("actions") or ())
    for card in data.get("cards") or ():
        _card_people(card, people)
    board = TrelloBoard(
        id=board_id,
        name=str(data.get("name") or ""),
        desc=str(data.get("desc") or ""),
        short_link=str(data.get("shortLink") or _short_link(board_id)),
        created=_id_time(board_id),
        member_ids=tuple(str(m["id"]) for m in data.get("members") or ()),
        in_portfolio=False,
        lists=tuple(lists),
        cards=tuple(cards),
        labels=_labels(board_id, data.get("labels") or (), data.get("cards") or ()),
        actions=actions,
        done_list_id=_done_list(lists),
        custom_fields=tuple(dict(f) for f in data.get("customFields") or ()),
        url=str(data["url"]) if data.get("url") else None,
        checklists=tuple(dict(c) for c in data.get("checklists") or ()),
    )
    return board, people.all()


def _import_single_card(data: Mapping[str, Any]) -> tuple[TrelloBoard, tuple[Person, ...]]:
    board_id = _object_id(data["idBoard"], "idBoard")
    people = _People()
    for member in data.get("members") or ():
        people.add(str(member["id"]), member)
    raw_actions = data.get("actions") or ()
    actions = _actions(board_id, raw_actions, people)
    card = _card(board_id, data)
    _card_people(data, people)
    lists = _missing_lists(board_id, [], [card], raw_actions)
    ref = _board_ref(raw_actions, board_id)
    board = TrelloBoard(
        id=board_id,
        name=str(ref.get("name") or f"Board of card {card.short_link}"),
        desc="",
        short_link=str(ref.get("shortLink") or _short_link(board_id)),
        created=_id_time(board_id),
        member_ids=tuple(str(m["id"]) for m in data.get("members") or ()),
        in_portfolio=False,
        lists=tuple(lists),
        cards=(card,),
        labels=_labels(board_id, (), (data,)),
        actions=actions,
        done_list_id=_done_list(lists),
    )
    return board, people.all()


def _board_ref(actions: Iterable[Mapping[str, Any]], board_id: str) -> Mapping[str, Any]:
    """The board as the actions name it (`data.board`: id, name, shortLink), or {} if none does."""
    for action in actions:
        ref = (action.get("data") or {}).get("board")
        if isinstance(ref, Mapping) and ref.get("id") == board_id:
            return ref
    return {}


class _People:
    """The people an export references, by Trello id, first-seen member object winning."""

    def __init__(self) -> None:
        self._by_id: dict[str, Person] = {}

    def add(self, member_id: str, member: Mapping[str, Any] | None = None) -> None:
        if member_id in self._by_id:
            return
        member = member or {}
        username = str(member.get("username") or f"member{member_id[-8:]}")
        digest = hashlib.sha256(f"pmhub-sandbox-import:{member_id}".encode()).hexdigest()
        self._by_id[member_id] = Person(
            account_id=digest[:24],
            trello_id=member_id,
            display_name=str(member.get("fullName") or username),
            username=username,
            email=f"{username}@example.invalid",
            time_zone="UTC",
        )

    def all(self) -> tuple[Person, ...]:
        return tuple(self._by_id.values())


def _actions(board_id: str, raw: Iterable[Mapping[str, Any]], people: _People) -> tuple[TrelloAction, ...]:
    actions = []
    for action in raw:
        creator = str(action["idMemberCreator"])
        people.add(creator, action.get("memberCreator"))
        member_obj = action.get("member")
        member = str(member_obj["id"]) if isinstance(member_obj, Mapping) and member_obj.get("id") else None
        if member is not None:
            people.add(member, member_obj)
        actions.append(
            TrelloAction(
                id=_object_id(action["id"], "action id"),
                board_id=board_id,
                type=str(action["type"]),
                member_creator=creator,
                date=_instant(action["date"]),
                data=dict(action.get("data") or {}),
                member=member,
            )
        )
    return tuple(sorted(actions, key=lambda a: (a.date, a.id)))


def _card_people(card: Mapping[str, Any], people: _People) -> None:
    for member in card.get("members") or ():
        people.add(str(member["id"]), member)
    for member_id in card.get("idMembers") or ():
        people.add(str(member_id))


def _list(board_id: str, lst: Mapping[str, Any]) -> TrelloList:
    return TrelloList(
        id=_object_id(lst["id"], "list id"),
        board_id=board_id,
        name=str(lst.get("name") or ""),
        pos=float(lst.get("pos") or 0.0),
        closed=bool(lst.get("closed")),
    )


def _missing_lists(
    board_id: str, lists: Sequence[TrelloList], cards: Sequence[TrelloCard], actions: Iterable[Mapping[str, Any]]
) -> list[TrelloList]:
    """Open lists for the `idList`s cards name but the export does not hold, named as actions name them."""
    known = {lst.id for lst in lists}
    names: dict[str, str] = {}
    for action in actions:
        data = action.get("data") or {}
        for key in ("list", "listAfter", "listBefore"):
            ref = data.get(key)
            if isinstance(ref, Mapping) and ref.get("id") and ref.get("name"):
                names.setdefault(str(ref["id"]), str(ref["name"]))
    last = max((lst.pos for lst in lists), default=0.0)
    missing = []
    for card in cards:
        if card.list_id not in known:
            known.add(card.list_id)
            last += _NEW_LIST_POS
            name = names.get(card.list_id, f"list {card.list_id}")
            missing.append(TrelloList(card.list_id, board_id, name, last, False))
    return missing


def _card(board_id: str, card: Mapping[str, Any]) -> TrelloCard:
    card_id = _object_id(card["id"], "card id")
    badges = card.get("badges") or {}
    return TrelloCard(
        id=card_id,
        board_id=board_id,
        list_id=_object_id(card["idList"], "idList"),
        name=str(card.get("name") or ""),
        desc=str(card.get("desc") or ""),
        closed=bool(card.get("closed")),
        pos=float(card.get("pos") or 0.0),
        id_short=int(card.get("idShort") or 0),
        short_link=str(card.get("shortLink") or _short_link(card_id)),
        member_ids=tuple(str(m) for m in card.get("idMembers") or ()),
        label_ids=tuple(str(i) for i in card.get("idLabels") or ()),
        due=_instant(card["due"]) if card.get("due") else None,
        due_complete=bool(card.get("dueComplete")),
        last_activity=_instant(card["dateLastActivity"]) if card.get("dateLastActivity") else _id_time(card_id),
        comments=int(badges.get("comments") or 0),
        custom_field_items=tuple(dict(i) for i in card.get("customFieldItems") or ()),
        url=str(card["url"]) if card.get("url") else None,
    )


def _labels(
    board_id: str, board_labels: Iterable[Mapping[str, Any]], cards: Iterable[Mapping[str, Any]]
) -> tuple[TrelloLabel, ...]:
    """The board's labels, plus those only its cards carry (an export may have no `labels` at all)."""
    found: dict[str, TrelloLabel] = {}
    cards = list(cards)
    for label in [*board_labels, *(lab for c in cards for lab in c.get("labels") or ())]:
        label_id = str(label["id"])
        if label_id not in found:
            color = label.get("color")
            found[label_id] = TrelloLabel(
                label_id, board_id, str(label.get("name") or ""), str(color) if color else None
            )
    for card in cards:  # an id without a label object anywhere: a nameless, colourless label
        for label_id in card.get("idLabels") or ():
            found.setdefault(str(label_id), TrelloLabel(str(label_id), board_id, "", None))
    return tuple(found.values())


def _done_list(lists: Sequence[TrelloList]) -> str:
    """The one open list named as done, or "" when none or several are."""
    done = [lst.id for lst in lists if not lst.closed and _DONE_NAME.search(lst.name)]
    return done[0] if len(done) == 1 else ""


def _object_id(value: Any, what: str) -> str:
    text = str(value)
    if not _ID.match(text):
        raise ValueError(f"{what} {text!r} is not a Trello id (24 lowercase hex digits)")
    return text


def _instant(value: Any) -> datetime:
    instant = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)


def _id_time(object_id: str) -> datetime:
    return datetime.fromtimestamp(int(object_id[:8], 16), UTC)


def _short_link(object_id: str) -> str:
    """A stable 8-character stand-in when the export has no shortLink."""
    return hashlib.sha256(object_id.encode()).hexdigest()[:8]
