"""Who the sandbox's PMO knows across tools: the `people:` section of its config, the people its
demo plan assigns, and the holidays everyone has.

Planted so each identity rule has a case (`identity_truth` says what pmhub must conclude):
- every charter author's Confluence account shares its Atlassian accountId with their Jira account;
- the plan's surveyor is a Jira person whose plan resource carries the same e-mail address;
- Apollo's and Draco's leads are in Jira and on their project's Trello board, which shows no e-mail:
  only the config joins those accounts (Apollo's lead also runs the plan's building work, so the
  config lists their plan resource too);
- the plan's lawyer carries a Jira person's name and no e-mail: a name-only likeness, reported
  and never merged. Every other board member is such a likeness too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sandbox.model import Person

# The demo plan's resource name for Apollo's lead: unlike any account's name, joined by the config only.
BUILDER = "Lead builder"


@dataclass(frozen=True)
class ConfiguredStaff:
    """One entry of the config's `people:` section."""

    person: Person
    handles: tuple[tuple[str, str], ...]  # (tool, handle)
    hours_per_week: float | None
    part_time: float
    away: tuple[tuple[date, date], ...]

    @property
    def person_id(self) -> str:
        return "person:" + re.sub(r"[^a-z0-9]+", "-", self.person.display_name.lower()).strip("-")

    def config(self) -> dict[str, Any]:
        handles: dict[str, Any] = {}
        for tool, handle in self.handles:
            handles[tool] = handle
        entry: dict[str, Any] = {"name": self.person.display_name, "handles": handles}
        if self.hours_per_week is not None:
            entry["hours_per_week"] = self.hours_per_week
        if self.part_time != 1.0:
            entry["part_time"] = self.part_time
        if self.away:
            entry["away"] = [{"from": a.isoformat(), "to": b.isoformat()} for a, b in self.away]
        return entry


@dataclass(frozen=True)
class PlanRole:
    """A role of the demo plan (`sandbox.msproject_plans`) filled by a sandbox person; `email`:
    whether the plan's resource carries their e-mail address."""

    role: str
    person: Person
    email: bool


@dataclass(frozen=True)
class Staffing:
    configured: tuple[ConfiguredStaff, ...]
    plan_roles: tuple[PlanRole, ...]
    holidays: tuple[tuple[date, date], ...]

    def plan_staff(self) -> dict[str, tuple[str, str | None]]:
        """Plan role → (resource name, e-mail or None), as `demo_plan` takes it. The builder is the
        resource the config lists for Apollo's lead."""
        staff = {r.role: (r.person.display_name, r.person.email if r.email else None) for r in self.plan_roles}
        return {**staff, "Plan Builder": (BUILDER, None)}

    def config(self) -> dict[str, Any]:
        """The `people:` section and the settings the sandbox's config carries."""
        return {
            "people": [c.config() for c in self.configured],
            "settings": {"holidays": [{"from": a.isoformat(), "to": b.isoformat()} for a, b in self.holidays]},
        }


def make_staffing(teams: Mapping[str, Sequence[Person]], anchor: date) -> Staffing:
    """The sandbox's staffing for `teams` (project id → its Jira team; a board's members are its
    first four) as of `anchor`."""
    monday = anchor - timedelta(days=anchor.weekday())
    apollo_lead, draco_lead = teams["apollo"][0], teams["draco"][0]
    configured = (
        ConfiguredStaff(
            apollo_lead,
            (("jira", apollo_lead.account_id), ("trello", apollo_lead.username), ("msproject", BUILDER)),
            hours_per_week=32,
            part_time=1.0,
            # Wednesday to the Tuesday after, two weeks on: part of two weeks' capacity
            away=((monday + timedelta(days=16), monday + timedelta(days=22)),),
        ),
        ConfiguredStaff(
            draco_lead,
            (("jira", draco_lead.account_id), ("trello", draco_lead.trello_id)),
            hours_per_week=None,
            part_time=0.5,
            away=(),
        ),
    )
    roles = (
        PlanRole("Plan Surveyor", teams["borealis"][1], email=True),
        PlanRole("Plan Lawyer", teams["borealis"][2], email=False),
    )
    # a public holiday on the Friday of the sync date's week, and the Monday three weeks before it
    holidays = ((monday + timedelta(days=4), monday + timedelta(days=4)), (monday - timedelta(days=21),) * 2)
    return Staffing(configured, roles, holidays)
