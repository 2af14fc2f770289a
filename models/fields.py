"""Which Jira custom field holds story points, and which holds the sprint, on one site.

Field ids differ per site (`customfield_10016` on one, `customfield_10002` on another), so they are
discovered from `/rest/api/3/field`: first by the field's schema type (`schema.custom`), then by
its name. Two equally good candidates are reported as ambiguous instead of guessed; an override in
config always wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

STORY_POINT_TYPES = (
    "com.pyxis.greenhopper.jira:jsw-story-points",
    "com.atlassian.jira.plugin.system.customfieldtypes:float",
)
STORY_POINT_NAMES = ("story point estimate", "story points")
SPRINT_TYPE = "com.pyxis.greenhopper.jira:gh-sprint"


class FieldResolutionError(ValueError):
    """No single field could be chosen; the message says what to put in config."""


@dataclass(frozen=True)
class FieldMapping:
    """The field chosen for one purpose on one site, and how it was chosen."""

    purpose: str
    field_id: str
    field_name: str
    matched_by: str


def _schema_custom(field: dict[str, Any]) -> str:
    schema = field.get("schema") or {}
    return str(schema.get("custom") or "")


def resolve_story_points(fields: Sequence[dict[str, Any]], override: str | None, site: str) -> FieldMapping:
    """Pick the story-points field; raise FieldResolutionError when none or several fit."""
    by_id = {str(f.get("id")): f for f in fields}
    if override:
        if override not in by_id:
            raise FieldResolutionError(
                f"jira:{site}: story_points_field {override} from config does not exist on the site"
            )
        return FieldMapping("story_points", override, str(by_id[override].get("name")), "config")
    jsw = [f for f in fields if _schema_custom(f) == STORY_POINT_TYPES[0]]
    named = [
        f
        for f in fields
        if str(f.get("name", "")).strip().lower() in STORY_POINT_NAMES
        and str(f.get("id", "")).startswith("customfield_")
    ]
    for candidates, how in ((jsw, "schema.custom"), (named, "name")):
        if len(candidates) == 1:
            f = candidates[0]
            return FieldMapping("story_points", str(f["id"]), str(f.get("name")), how)
        if len(candidates) > 1:
            listed = ", ".join(f"{f['id']} ({f.get('name')})" for f in candidates)
            raise FieldResolutionError(
                f"jira:{site}: several story-points fields match by {how}: {listed}; "
                "set story_points_field for this site in the config"
            )
    raise FieldResolutionError(
        f"jira:{site}: no story-points field found (no {STORY_POINT_TYPES[0]} field and none named "
        "'Story Points' or 'Story point estimate'); set story_points_field in the config"
    )


def resolve_sprint(fields: Sequence[dict[str, Any]]) -> FieldMapping | None:
    """The Sprint field, or None on a site without Jira Software sprints."""
    typed = [f for f in fields if _schema_custom(f) == SPRINT_TYPE]
    named = [f for f in fields if str(f.get("name", "")).strip().lower() == "sprint"]
    for candidates, how in ((typed, "schema.custom"), (named, "name")):
        if candidates:
            f = sorted(candidates, key=lambda x: str(x["id"]))[0]
            return FieldMapping("sprint", str(f["id"]), str(f.get("name")), how)
    return None
