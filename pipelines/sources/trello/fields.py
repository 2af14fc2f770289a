"""Which Trello custom field of a board holds a card's estimate, its logged hours or its cost.

Trello has no estimate or time field: teams add custom fields, named as they like. A field counts
for a purpose when its name says so (below) and its type can hold a number: `number`, or for the
estimate a dropdown (`list`) whose options are all numbers (planning-poker values). Two fields
that both qualify for one purpose on one board are reported, never guessed between; a field whose
name matches but whose type cannot hold a number is reported too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

PURPOSE_NAMES = {
    "story_points": re.compile(r"\b(story ?points?|estimates?|points?|sp|punti|puntos|schätzung)\b", re.IGNORECASE),
    "hours": re.compile(r"\b(hours?|time ?spent|effort|h|heures|horas|stunden|ore)\b", re.IGNORECASE),
    "cost": re.compile(r"\b(cost|costs|spend|expenses?|coste|costo|kosten|coût)\b", re.IGNORECASE),
}


@dataclass(frozen=True)
class TrelloFieldChoice:
    """The custom field used for one purpose on one board; `options` maps dropdown ids to numbers."""

    board_id: str
    purpose: str
    field_id: str
    field_name: str
    options: tuple[tuple[str, float], ...] = ()


def choose_trello_fields(
    board_id: str, definitions: Sequence[dict[str, Any]]
) -> tuple[list[TrelloFieldChoice], list[str]]:
    """The field per purpose on one board, and the problems that kept a purpose unmapped."""
    choices: list[TrelloFieldChoice] = []
    problems: list[str] = []
    by_purpose: dict[str, list[dict[str, Any]]] = {purpose: [] for purpose in PURPOSE_NAMES}
    for d in definitions:
        name = str(d.get("name") or "")
        matched = [purpose for purpose, pattern in PURPOSE_NAMES.items() if pattern.search(name)]
        if len(matched) > 1:
            problems.append(f"board {board_id}: custom field {name!r} could be {' or '.join(matched)}; it is not used")
        elif matched:
            by_purpose[matched[0]].append(d)
    for purpose, named in by_purpose.items():
        usable = [c for c in (_numeric(board_id, purpose, d) for d in named) if c is not None]
        for d in named:
            if all(c.field_id != str(d.get("id")) for c in usable):
                problems.append(
                    f"board {board_id}: custom field {d.get('name')!r} looks like {purpose} but its type "
                    f"{d.get('type')!r} cannot hold a number; it is not used"
                )
        if len(usable) > 1:
            names = ", ".join(repr(c.field_name) for c in usable)
            problems.append(f"board {board_id}: custom fields {names} could all be {purpose}; none is used")
        elif usable:
            choices.append(usable[0])
    return choices, problems


def _numeric(board_id: str, purpose: str, definition: dict[str, Any]) -> TrelloFieldChoice | None:
    field_id, name, kind = str(definition.get("id")), str(definition.get("name") or ""), definition.get("type")
    if kind == "number":
        return TrelloFieldChoice(board_id, purpose, field_id, name)
    if kind == "list" and purpose == "story_points":
        options = []
        for option in definition.get("options") or ():
            value = _number((option.get("value") or {}).get("text"))
            if value is None:
                return None
            options.append((str(option.get("id")), value))
        return TrelloFieldChoice(board_id, purpose, field_id, name, tuple(options)) if options else None
    return None


def _number(text: object) -> float | None:
    try:
        return float(str(text).strip().replace(",", "."))
    except ValueError:
        return None
