"""Which sprints an issue names: in its Sprint field now, and in the Sprint field's change history.

A sprint runs on a board, and boards are listed per project only when their filter names that
project ("relevance"), so a sprint on a cross-project board is never listed for any project. The
issues still name it: these ids are what the extract compares with the sprints the boards gave,
to fetch the rest by id. Same shapes as the SQL macro `pmhub_sprint_ids` reads: JSON objects on
Cloud, and the deprecated greenhopper text `com.atlassian.greenhopper.service.sprint.Sprint@1a2b[id=12,...]`
on older sites, where the id is the first attribute (so commas in names and goals cannot shift it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

_LEGACY_ID = re.compile(r"^com\.atlassian\.greenhopper\.service\.sprint\.Sprint@[0-9a-fA-F]*\[id=([0-9]+)[,\]]")


def field_sprint_ids(value: Any) -> set[int]:
    """Sprint ids in a Sprint field value (None, one value or a list of objects / legacy strings)."""
    found: set[int] = set()
    for element in value if isinstance(value, list) else [value]:
        if isinstance(element, Mapping) and str(element.get("id", "")).isdigit():
            found.add(int(element["id"]))
        elif isinstance(element, str):
            match = _LEGACY_ID.match(element)
            if match:
                found.add(int(match.group(1)))
            elif element.strip().isdigit():
                found.add(int(element))
    return found


def history_sprint_ids(histories: Iterable[Mapping[str, Any]], sprint_field: str) -> set[int]:
    """Sprint ids a changelog's Sprint changes name, before and after (`from`/`to`: "12, 13")."""
    found: set[int] = set()
    for history in histories:
        for item in history.get("items") or ():
            if item.get("fieldId") != sprint_field and item.get("field") != "Sprint":
                continue
            for side in (item.get("from"), item.get("to")):
                found.update(int(part) for part in str(side or "").split(",") if part.strip().isdigit())
    return found
