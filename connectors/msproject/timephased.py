"""A task's baseline cost spread over days, as the plan file holds it: the planned-value curve's data.

MPXJ keeps time-phased baseline cost per resource assignment, as the file stored it: a list of
periods, each with a start, a finish and an amount per working hour
(``ResourceAssignment.getRawTimephasedBaselineCost(n)``, n = 0 for "Baseline", 1..10). MPXJ itself
cuts those periods into days (``getTimephasedBaselineCost(n, ranges)``, using the plan's baseline
calendar: cost falls on working hours); here the days of each assignment are summed per task.

- A row holds the cost of the task's own assignments. A summary task's row does not repeat its
  children's, so the rows of a plan add up to its total time-phased baseline cost without double
  counting.
- Task-level fixed cost is not time-phased by MPXJ (it reads no task-level time-phased data), so a
  task's rows add up to its baseline cost less its baseline fixed cost.
- Where the file holds no time-phased baseline cost, there are no rows. Nothing is spread here from
  baseline start, finish and cost: that would be an invented curve.
- Days with working time inside a stored period keep MPXJ's value even when it is 0.0; days MPXJ
  gives no value for (non-working days between periods) have no row.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from connectors.msproject.records import BaselineCostDay
from connectors.msproject.rows import BASELINE_NUMBERS
from connectors.msproject.runtime import Java


def _plan_datetime(value: Any) -> datetime:
    return datetime.fromisoformat(str(value).split(".", 1)[0])


def covered_days(periods: Any) -> list[date]:
    """Every calendar day from the first period's start to the last period's finish.

    MPXJ keeps the periods in order and without overlap. A finish at midnight ends the day before.
    """
    first = _plan_datetime(periods.get(0).getStart()).date()
    last = (_plan_datetime(periods.get(periods.size() - 1).getFinish()) - timedelta(microseconds=1)).date()
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def day_ranges(days: list[date], java: Java) -> Any:
    """The days as a java.util.List of org.mpxj.LocalDateTimeRange, midnight to midnight."""
    ranges = java.array_list()
    start = java.local_date_time.of(days[0].year, days[0].month, days[0].day, 0, 0)
    for _ in days:
        end = start.plusDays(1)
        ranges.add(java.date_time_range(start, end))
        start = end
    return ranges


def baseline_cost_by_day(project: Any, java: Java) -> list[BaselineCostDay]:
    """Each task's time-phased baseline cost per baseline number and day, ordered by task, number, day."""
    totals: dict[tuple[int, int, str], float] = defaultdict(float)
    for assignment in project.getResourceAssignments():
        task_unique_id = assignment.getTaskUniqueID()
        if task_unique_id is None:
            continue
        for index in BASELINE_NUMBERS:
            periods = assignment.getRawTimephasedBaselineCost(index)
            if periods is None or periods.isEmpty():
                continue
            days = covered_days(periods)
            values = assignment.getTimephasedBaselineCost(index, day_ranges(days, java))
            for day, value in zip(days, values, strict=True):
                if value is not None:
                    totals[(int(task_unique_id), index, day.isoformat())] += float(value.doubleValue())
    return [
        {"task_unique_id": task, "baseline_number": index, "day": day, "cost": cost}
        for (task, index, day), cost in sorted(totals.items())
    ]
