"""Schema changes on the live Jira site: an admin adds a custom field, or changes a field's type.

Both change GET /rest/api/3/field at once. Issue payloads change only on the issues the change
rewrites, whose `updated` moves to now, so an incremental sync re-reads exactly those:

- add_custom_field: a plain number (`...customfieldtypes:float`) or one-line text (`...:textfield`)
  custom field with the next site-wide id. A share of the issues get a value, each with a changelog
  history (an edit as Jira records it); every issue serves the field from then on (null when empty).
- retype_field: a number field becomes a text field or back (the catalogue's `schema.type` and
  `schema.custom` change; id and name stay). A share of the issues holding a value are rewritten:
  they serve the value in the new type ("5" instead of 5.0). The others keep their stored value, as
  served before, until a later call (or an edit) rewrites them: an issue saved after the change
  holds its value in the field's new type. A rewrite is not an edit of the value, so it writes no
  changelog history. Only number and text custom fields can be retyped.

Ground truth: the truth is what Jira holds. An added field is in no figure. A story-points value
rewritten as text is still the issue's estimate (`JiraIssue.story_points` keeps 5.0 and the text
"5" is served from `field_values`), so the truth's points figures still count it; pmhub reads only
numbers as estimates and counts such issues unestimated, on purpose, and reports them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from sandbox.jira_catalog import PLAIN_CUSTOM_TYPES, POINTS_FIELD_NAMES, custom_field
from sandbox.jira_draft import points_text
from sandbox.jira_state import JiraState
from sandbox.model import ChangeHistory, ChangeItem, JiraIssue
from sandbox.timefmt import epoch_ms

FIELD_TYPES = tuple(PLAIN_CUSTOM_TYPES)  # ("number", "string")
_NUMBERS = (1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 20.0, 40.0, 100.0)
_TEXTS = ("Must have", "Should have", "Could have", "Won't have")
History = Callable[[str, datetime, list[ChangeItem]], ChangeHistory]


def with_value(values: tuple[tuple[str, Any], ...], field_id: str, value: Any) -> tuple[tuple[str, Any], ...]:
    """`values` with `field_id` set to `value` (None removes it)."""
    kept = tuple((fid, v) for fid, v in values if fid != field_id)
    return kept if value is None else (*kept, (field_id, value))


def points_values(state: JiraState, issue: JiraIssue, points: float | None) -> tuple[tuple[str, Any], ...]:
    """The issue's `field_values` once its estimate is saved as `points`: as text if its project's
    points field is a text field now, else as the modelled number."""
    field_id = state.projects[issue.project_key].points_field
    text = points_text(points) if state.field_type(field_id) == "string" else None
    return with_value(issue.field_values, field_id, text)


def held_type(state: JiraState, issue: JiraIssue, field_id: str) -> str | None:
    """ "number" or "string": the type the issue's value in `field_id` is stored in; None without a value."""
    value = issue.field_value(field_id)
    if value is None and field_id in POINTS_FIELD_NAMES:
        held = issue.story_points is not None and state.projects[issue.project_key].points_field == field_id
        return "number" if held else None
    if value is None:
        return None
    return "string" if isinstance(value, str) else "number"


def add_field(state: JiraState, name: str, field_type: str) -> str:
    """Add a custom field of `field_type` named `name` to the catalogue; returns its id."""
    if field_type not in FIELD_TYPES:
        raise ValueError(f"field_type must be one of {FIELD_TYPES}, not {field_type!r}")
    if not name.strip() or any(f["name"].lower() == name.strip().lower() for f in state.fields):
        raise ValueError(f"a field named {name!r} exists already (or the name is empty)")
    number = 1 + max(int(f["schema"]["customId"]) for f in state.fields if f["custom"])
    entry = custom_field(number, name.strip(), PLAIN_CUSTOM_TYPES[field_type], field_type)
    state.fields.append(entry)
    state.added_fields = (*state.added_fields, entry["id"])
    return str(entry["id"])


def fill_field(
    state: JiraState, field_id: str, chosen: list[int], rng: random.Random, now: datetime, history: History
) -> None:
    """Give each chosen issue a value in the (new, empty) field, edited now with a changelog history."""
    field = state.field(field_id)
    assert field is not None
    name, number = field["name"], field["schema"]["type"] == "number"
    for issue_id in chosen:
        issue = state.issues[issue_id]
        value: Any = rng.choice(_NUMBERS) if number else rng.choice(_TEXTS)
        text = points_text(value) if number else value
        item = ChangeItem(name, "custom", field_id, None, None, text, text)
        edit = history(issue.assignee or issue.reporter, now, [item])
        changed = replace(
            issue,
            updated=now,
            histories=(*issue.histories, edit),
            field_values=with_value(issue.field_values, field_id, value),
        )
        state.put(changed, epoch_ms(now))


def retyped_schema(state: JiraState, field_id: str, new_type: str) -> dict[str, Any]:
    """The `schema` of custom field `field_id` once its type is `new_type` (the same when it is already)."""
    if new_type not in FIELD_TYPES:
        raise ValueError(f"new_type must be one of {FIELD_TYPES}, not {new_type!r}")
    field = state.field(field_id)
    if field is None or not field.get("custom"):
        raise ValueError(f"no custom field {field_id!r} on the site")
    schema = field["schema"]
    if schema["type"] not in FIELD_TYPES or "items" in schema:
        raise ValueError(f"only number and text fields can change type; {field_id} is {schema['type']!r}")
    if schema["type"] == new_type:
        return dict(schema)
    return {"type": new_type, "custom": PLAIN_CUSTOM_TYPES[new_type], "customId": schema["customId"]}


def rewrite(state: JiraState, field_id: str, new_type: str, chosen: list[int], now: datetime) -> None:
    """Store each chosen issue's value in `field_id` in `new_type`; `updated` moves to now, no history."""
    points = field_id in POINTS_FIELD_NAMES
    for issue_id in chosen:
        issue = state.issues[issue_id]
        held = issue.field_value(field_id)
        value: Any
        if points:  # as text, or None: the modelled number is served again
            value = points_text(issue.story_points) if new_type == "string" else None
        elif new_type == "string":
            value = held if isinstance(held, str) else points_text(held)
        else:
            value = _number(held)
        changed = replace(issue, updated=now, field_values=with_value(issue.field_values, field_id, value))
        state.put(changed, epoch_ms(now))


def _number(value: Any) -> float | None:
    if not isinstance(value, str):
        return None if value is None else float(value)
    try:
        return float(value)
    except ValueError:
        return None  # text that is no number is lost, as when Jira converts such a value
