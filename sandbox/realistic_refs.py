"""What realistic issue content refers to: people, teams, components, versions, link types, epics.

Both the changelog (display strings written at generation) and the served fields resolve content
through these functions, so a value set by a history is the value the issue serves. A project's
`slot` is its position on the site (its project id minus 10000); ids of components and versions are
made from it so they are unique site-wide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sandbox.model import Person

TEAMS = (
    ("36885b3c-1bf0-4f85-a357-c5b858c31de4", "Payments squad"),
    ("0c2b1e6a-5d4f-4d2b-9a8e-7f3c9d2e1a10", "Platform team"),
    ("9f1d2c3b-4a5e-4f60-8b7c-6d5e4f3a2b1c", "Mobile guild"),
    ("5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9", "Data crew"),
    ("a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", "Ops rotation"),
    ("77aa88bb-99cc-4dd0-8ee1-ff0011223344", "Growth pod"),
)
COMPONENTS = ("Backend", "Frontend", "API", "Data", "Infrastructure", "Mobile")
# (id, name, inward, outward), as Jira Cloud ships them.
LINK_TYPES = (
    ("10000", "Blocks", "is blocked by", "blocks"),
    ("10001", "Cloners", "is cloned by", "clones"),
    ("10002", "Duplicate", "is duplicated by", "duplicates"),
    ("10003", "Relates", "relates to", "relates to"),
)
OPTION_BASE = 10100  # option ids: OPTION_BASE + 10 * (field number - 10000) + option index


def mention_people(people: Sequence[Person]) -> tuple[tuple[str, str], ...]:
    """(accountId, display name) of everyone rich text may mention (sandbox.realistic_text)."""
    return tuple((p.account_id, p.display_name) for p in people)


def person(people: Sequence[Person], selector: int) -> Person:
    """The person a content selector names (never the PMO account, people[0], when others exist)."""
    others = people[1:] or people
    return others[selector % len(others)]


def team(selector: int) -> tuple[str, str]:
    return TEAMS[selector % len(TEAMS)]


def option_id(field_num: int, index: int) -> str:
    return str(OPTION_BASE + 10 * (field_num - 10000) + index)


def component(slot: int, index: int) -> tuple[str, str]:
    """(id, name) of a project's component."""
    return str(10000 + 10 * slot + index), COMPONENTS[index]


@dataclass(frozen=True)
class Version:
    """A monthly release of one project: released when its date is before the site's now."""

    id: str
    name: str
    release_date: date


def version(slot: int, day: date) -> Version:
    """The project's release of the month `day` falls in (released on the month's last day)."""
    months = (day.year - 2000) * 12 + day.month - 1
    following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return Version(str(20000 + 1000 * slot + months), f"{day.year}.{day.month:02d}", following - timedelta(days=1))


def shifted(created: datetime, months: int) -> date:
    """The first of the month `months` after (negative: before) the creation month."""
    index = created.year * 12 + created.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def link_text(kind: int, outward: bool, key: str) -> str:
    """The changelog's display text of a new link: "This issue blocks APL-3"."""
    _id, _name, inward, out = LINK_TYPES[kind]
    return f"This issue {out if outward else inward} {key}"


def date_text(day: date) -> str:
    """A date as the changelog displays it: "6/May/24"."""
    return f"{day.day}/{day.strftime('%b')}/{day.strftime('%y')}"
