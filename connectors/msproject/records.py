"""The raw objects one plan file yields: plain JSON-serializable dicts, typed.

Units and conventions, the same in every record:
- Dates are ISO 8601 strings without a UTC offset (``2026-01-05T08:00:00``): plan time, the wall-clock
  time of the plan's calendars. Plan files carry no time zone, and none is invented here; whoever
  places a plan on the UTC timeline must say which zone the plan was made in.
- Durations and work are hours, converted by MPXJ with the plan's own minutes per day / week (a
  "day" of duration is ``minutes_per_day / 60`` hours, not 24).
- Costs are amounts in the plan's currency (``PlanInfo.currency_code``), as float.
- None means the file does not hold the value. Binary ``.mpp`` files store a number for every
  numeric field, so MPXJ reads an unset cost or work from them as 0.0 where an MSPDI file omits it
  (None).
- ``unique_id`` is the plan's stable key (MS Project's UID, Primavera's object id); ``id`` is the row
  number shown in the tool, which changes when rows move.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, TypedDict


class PlanInfo(TypedDict):
    """The file and the project properties it holds."""

    file_name: str
    sha256: str  # of the file's bytes: an unchanged hash means an unchanged plan
    file_format: str | None  # as MPXJ detected it: MPP, MSPDI, MPX, XER, PMXML, …
    file_application: str | None  # what wrote it, per MPXJ: Microsoft, Primavera, …
    name: str | None
    title: str | None
    start: str | None
    finish: str | None
    status_date: str | None
    currency_code: str | None
    minutes_per_day: int | None
    minutes_per_week: int | None


class TaskBaseline(TypedDict):
    """One saved baseline of a task (0 = "Baseline", 1..10 = "Baseline1".."Baseline10")."""

    number: int
    start: str | None
    finish: str | None
    duration_hours: float | None
    work_hours: float | None
    cost: float | None


class TaskRow(TypedDict):
    """One task (MS Project) or activity / WBS element (Primavera).

    The project summary task (MS Project's task 0, outline level 0) is included: it is the root that
    top-level tasks name as parent. Summary rows roll up their children's work and cost.
    """

    unique_id: int
    id: int | None
    name: str | None
    wbs: str | None
    outline_level: int | None
    parent_unique_id: int | None  # None for the root
    summary: bool
    milestone: bool
    active: bool
    start: str | None
    finish: str | None
    actual_start: str | None
    actual_finish: str | None
    percent_complete: float | None
    percent_work_complete: float | None
    duration_hours: float | None
    work_hours: float | None
    actual_work_hours: float | None
    remaining_work_hours: float | None
    cost: float | None
    actual_cost: float | None
    remaining_cost: float | None
    baselines: list[TaskBaseline]  # only the baselines that hold a value, by number


class ResourceRow(TypedDict):
    """A person or thing work is assigned to: work (hours), material (units) or cost (amounts)."""

    unique_id: int
    id: int | None
    name: str | None
    type: str | None  # "work", "material" or "cost"
    email: str | None
    standard_rate: float | None  # per hour, for work resources only
    cost: float | None
    work_hours: float | None


class AssignmentBaseline(TypedDict):
    """An assignment's values in one saved baseline."""

    number: int
    start: str | None
    finish: str | None
    work_hours: float | None
    cost: float | None


class AssignmentRow(TypedDict):
    """One resource on one task."""

    unique_id: int | None
    task_unique_id: int | None
    resource_unique_id: int | None  # None for a task's placeholder assignment without a resource
    start: str | None
    finish: str | None
    work_hours: float | None
    actual_work_hours: float | None
    cost: float | None
    actual_cost: float | None
    baselines: list[AssignmentBaseline]


class BaselineCostDay(TypedDict):
    """The part of a task's baseline cost planned for one day (the planned-value curve's raw data)."""

    task_unique_id: int
    baseline_number: int
    day: str  # ISO date, plan time
    cost: float


@dataclass(frozen=True)
class PlanRead:
    """Everything read from one plan file."""

    plan: PlanInfo
    tasks: list[TaskRow]
    resources: list[ResourceRow]
    assignments: list[AssignmentRow]
    timephased_baseline_cost: list[BaselineCostDay]  # empty when the file holds none

    def as_dict(self) -> dict[str, Any]:
        """The whole read as one JSON-serializable dict."""
        return asdict(self)
