"""Status category of a Trello list: Trello has no status field, a card's state is its list.

Order of precedence: an explicit `done_lists` entry from config; then name rules that work in several
languages; then position (the first open list is where work waits). Lists no rule speaks for are
`in_progress` and flagged `rule="default"` so a PMO can see which lists were not mapped explicitly.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

_DONE = re.compile(
    r"\b(done|complete[d]?|finished|shipped|released|closed|accepted|terminado|finalizado|hecho|"
    r"erledigt|fertig|termin[ée]|fait|concluído|feito)\b|クローズ|完了|済",
    re.IGNORECASE,
)
_TODO = re.compile(
    r"\b(backlog|to ?do|todo|ideas?|icebox|inbox|ready|next|planned|up next|new|"
    r"pendiente|por hacer|à faire|offen|a fazer)\b|やりたいこと|やること|未着手",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ListCategory:
    """The category chosen for one list and the rule that chose it."""

    list_id: str
    name: str
    category: str
    rule: str


def categorize_lists(lists: Sequence[dict[str, Any]], done_lists: Sequence[str] | None) -> list[ListCategory]:
    """Map each list of one board to todo / in_progress / done."""
    explicit_done = {n.strip().lower() for n in done_lists or ()}
    open_lists = sorted((lst for lst in lists if not lst.get("closed")), key=lambda x: float(x.get("pos") or 0))
    first_open = str(open_lists[0]["id"]) if open_lists else None
    out = []
    for lst in lists:
        list_id, name = str(lst["id"]), str(lst.get("name") or "")
        if name.strip().lower() in explicit_done:
            out.append(ListCategory(list_id, name, "done", "config"))
        elif not explicit_done and _DONE.search(name):
            # With explicit done lists in config, only config decides what is done.
            out.append(ListCategory(list_id, name, "done", "name"))
        elif _TODO.search(name):
            out.append(ListCategory(list_id, name, "todo", "name"))
        elif list_id == first_open:
            out.append(ListCategory(list_id, name, "todo", "position"))
        else:
            out.append(ListCategory(list_id, name, "in_progress", "default"))
    return out
