"""Which Jira custom field holds story points, and which holds the sprint, on one site.

Field ids differ per site (`customfield_10016` on one, `customfield_10002` on another), so they are
discovered from `/rest/api/3/field`: candidates are the fields of the Jira Software story-points
type and the fields named "Story Points" / "Story point estimate". Many Cloud sites carry both
("Story Points" for company-managed projects, "Story point estimate" for team-managed ones), so
the choice is made per project, by which candidate holds values there. Two candidates with values
in one project are reported as ambiguous instead of guessed; an override in config always wins.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# What a Jira custom field id looks like; ids are checked against it before they reach SQL.
CUSTOM_FIELD_ID = re.compile(r"^customfield_[0-9]{1,10}$")
STORY_POINTS_TYPE = "com.pyxis.greenhopper.jira:jsw-story-points"
STORY_POINT_NAMES = ("story point estimate", "story points")
SPRINT_TYPE = "com.pyxis.greenhopper.jira:gh-sprint"


class FieldResolutionError(ValueError):
    """No single field could be chosen; the message says what to put in config."""


@dataclass(frozen=True)
class FieldMapping:
    """The field chosen for one purpose on one site (or one project of it), and how."""

    purpose: str
    field_id: str
    field_name: str
    matched_by: str


def _schema_custom(field: Mapping[str, Any]) -> str:
    schema = field.get("schema") or {}
    return str(schema.get("custom") or "")


def story_point_candidates(fields: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Fields that may hold story points: the typed ones first, then those named for it."""
    typed = [f for f in fields if _schema_custom(f) == STORY_POINTS_TYPE]
    named = [
        f
        for f in fields
        if str(f.get("name", "")).strip().lower() in STORY_POINT_NAMES
        and str(f.get("id", "")).startswith("customfield_")
        and f not in typed
    ]
    return typed + named


def choose_story_points(
    fields: Sequence[Mapping[str, Any]], override: str | None, where: str, values: Mapping[str, int] | None = None
) -> FieldMapping:
    """Pick the story-points field for `where` (a site or a project), given value counts per field."""
    by_id = {str(f.get("id")): f for f in fields}
    if override:
        if override not in by_id:
            raise FieldResolutionError(f"{where}: story_points_field {override} from config does not exist on the site")
        return FieldMapping("story_points", override, str(by_id[override].get("name")), "config")
    candidates = story_point_candidates(fields)
    if not candidates:
        raise FieldResolutionError(
            f"{where}: no story-points field found (no {STORY_POINTS_TYPE} field and none named "
            "'Story Points' or 'Story point estimate'); set story_points_field in the config"
        )
    counts = values or {}
    used = [f for f in candidates if counts.get(str(f["id"]), 0) > 0]
    if len(used) > 1:
        listed = ", ".join(f"{f['id']} ({f.get('name')}, {counts[str(f['id'])]} issues)" for f in used)
        raise FieldResolutionError(
            f"{where}: several story-points fields hold values: {listed}; set story_points_field in the config"
        )
    if used:
        f = used[0]
        return FieldMapping("story_points", str(f["id"]), str(f.get("name")), "values")
    if len(candidates) == 1 or _schema_custom(candidates[0]) == STORY_POINTS_TYPE != _schema_custom(candidates[1]):
        f = candidates[0]
        how = "schema.custom" if _schema_custom(f) == STORY_POINTS_TYPE else "name"
        return FieldMapping("story_points", str(f["id"]), str(f.get("name")), how)
    listed = ", ".join(f"{f['id']} ({f.get('name')})" for f in candidates)
    raise FieldResolutionError(
        f"{where}: several story-points fields and none holds values yet: {listed}; "
        "set story_points_field in the config"
    )


def resolve_sprint(fields: Sequence[Mapping[str, Any]]) -> FieldMapping | None:
    """The Sprint field, or None on a site without Jira Software sprints."""
    typed = [f for f in fields if _schema_custom(f) == SPRINT_TYPE]
    named = [f for f in fields if str(f.get("name", "")).strip().lower() == "sprint"]
    for candidates, how in ((typed, "schema.custom"), (named, "name")):
        if candidates:
            f = sorted(candidates, key=lambda x: str(x["id"]))[0]
            return FieldMapping("sprint", str(f["id"]), str(f.get("name")), how)
    return None


# Jira Software's impediment flag: a checkbox field named "Flagged" whose one option is "Impediment".
FLAGGED_NAME = "flagged"


def resolve_flagged(fields: Sequence[Mapping[str, Any]]) -> FieldMapping | None:
    """The "Flagged" impediment field of a site, or None where it has none.

    Jira gives the field no type of its own (it is a multi-checkbox custom field), so it is found by
    its name and an array schema; several such fields (a copy someone made) resolve to the lowest id.
    """
    found = [
        f
        for f in fields
        if str(f.get("name", "")).strip().lower() == FLAGGED_NAME
        and CUSTOM_FIELD_ID.fullmatch(str(f.get("id", "")))
        and (f.get("schema") or {}).get("type") == "array"
    ]
    if not found:
        return None
    f = sorted(found, key=lambda x: int(str(x["id"]).removeprefix("customfield_")))[0]
    return FieldMapping("flagged", str(f["id"]), str(f.get("name")), "name")
