"""Status category of a Trello list: Trello has no status field, a card's state is its list.

Order of precedence:
1. `list_categories` in config (list name → category), then `done_lists` (names that are done);
   with `done_lists` set, only config says what is done.
2. Name rules that work in several languages: done (also cancelled: closed without completion,
   as Jira's "Won't Do" is in its done category), to do, in progress.
3. Position: boards flow left to right, so the open lists left of the first list named as in
   progress or done are where work waits (`todo`); with no such list, only the first open list is.
4. Anything else is `in_progress` with `rule="default"`: no rule speaks for it, and the transform
   reports such lists that hold cards, so a PMO can name them in config instead of trusting a guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

CATEGORIES = ("todo", "in_progress", "done")

_DONE = re.compile(
    r"\b(done|complete[d]?|finished|shipped|released|closed|accepted|terminado|finalizado|hecho|"
    r"erledigt|fertig|termin[ée]|fait|concluído|feito|cancell?ed|abandoned|won'?t do|rejected|"
    r"cancelado|annul[ée]|abgebrochen)\b|クローズ|完了|済|中止",
    re.IGNORECASE,
)
_TODO = re.compile(
    r"\b(backlog|to[ -]?do|ideas?|icebox|inbox|ready|next|planned|up next|new|"
    r"pendiente|por hacer|à faire|offen|a fazer)\b|やりたいこと|やること|未着手",
    re.IGNORECASE,
)
_IN_PROGRESS = re.compile(
    r"\b(in[ -]?progress|doing|wip|working|ongoing|started|review|reviewing|testing|test|qa|"
    r"waiting|on[ -]hold|en curso|en cours|en attente|in corso|in bearbeitung|em andamento)\b|作業中|進行中|対応中",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ListCategory:
    """The category chosen for one list and the rule that chose it."""

    list_id: str
    name: str
    category: str
    rule: str


def categorize_lists(
    lists: Sequence[dict[str, Any]],
    done_lists: Sequence[str] | None,
    list_categories: Mapping[str, str] | None = None,
) -> list[ListCategory]:
    """Map each list of one board to todo / in_progress / done (see the module text for the rules)."""
    explicit = {name.strip().lower(): category for name, category in (list_categories or {}).items()}
    explicit_done = {n.strip().lower() for n in done_lists or ()}
    named = {str(lst["id"]): _by_name(str(lst.get("name") or ""), bool(explicit_done)) for lst in lists}
    open_lists = sorted((lst for lst in lists if not lst.get("closed")), key=lambda x: float(x.get("pos") or 0))
    waiting = _waiting_lists([str(lst["id"]) for lst in open_lists], named)
    out = []
    for lst in lists:
        list_id, name = str(lst["id"]), str(lst.get("name") or "")
        key = name.strip().lower()
        if key in explicit:
            out.append(ListCategory(list_id, name, explicit[key], "config"))
        elif key in explicit_done:
            out.append(ListCategory(list_id, name, "done", "config"))
        elif named[list_id] is not None:
            out.append(ListCategory(list_id, name, str(named[list_id]), "name"))
        elif list_id in waiting:
            out.append(ListCategory(list_id, name, "todo", "position"))
        else:
            out.append(ListCategory(list_id, name, "in_progress", "default"))
    return out


def _by_name(name: str, done_from_config: bool) -> str | None:
    # With explicit done lists in config, only config decides what is done.
    if not done_from_config and _DONE.search(name):
        return "done"
    if _TODO.search(name):
        return "todo"
    if _IN_PROGRESS.search(name):
        return "in_progress"
    return None


def _waiting_lists(open_ids: list[str], named: Mapping[str, str | None]) -> set[str]:
    """Open lists left of the first one named as in progress or done (or just the first open one)."""
    first_working = next((i for i, list_id in enumerate(open_ids) if named[list_id] in ("in_progress", "done")), None)
    if first_working is None:
        return set(open_ids[:1])
    return set(open_ids[:first_working])
