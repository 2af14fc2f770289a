"""MPXJ's Task, Resource and ResourceAssignment objects as records (connectors.msproject.records).

Baselines: MS Project keeps eleven (0 = "Baseline", 1..10 = "Baseline1".."Baseline10"); Primavera
files yield baseline 0 as MPXJ derives it from the P6 data. MPXJ's getters take no number for
baseline 0 (``getBaselineCost()``) and 1..10 for the others (``getBaselineCost(n)``). A baseline is
listed for a row when it holds a date or a non-zero amount: ``.mpp`` files store 0 in every
baseline's numbers, set or not, so zeros alone do not mark one as set.
"""

from __future__ import annotations

from typing import Any

from connectors.msproject.records import (
    AssignmentBaseline,
    AssignmentRow,
    ResourceRow,
    TaskBaseline,
    TaskRow,
)
from connectors.msproject.runtime import Java
from connectors.msproject.values import flag, hours, integer, number, plan_time, text

BASELINE_NUMBERS = range(11)


def _baseline(obj: Any, field: str, index: int) -> Any:
    """``obj.getBaseline<field>()`` for baseline 0, ``obj.getBaseline<field>(index)`` for 1..10."""
    getter = getattr(obj, f"getBaseline{field}")
    return getter() if index == 0 else getter(index)


def _holds_value(dates: tuple[str | None, ...], amounts: tuple[float | None, ...]) -> bool:
    return any(d is not None for d in dates) or any(a for a in amounts)


def task_baselines(task: Any, properties: Any, java: Java) -> list[TaskBaseline]:
    """The task's baselines that hold a value."""
    result: list[TaskBaseline] = []
    for index in BASELINE_NUMBERS:
        start = plan_time(_baseline(task, "Start", index))
        finish = plan_time(_baseline(task, "Finish", index))
        duration = hours(_baseline(task, "Duration", index), properties, java.hours)
        work = hours(_baseline(task, "Work", index), properties, java.hours)
        cost = number(_baseline(task, "Cost", index))
        if _holds_value((start, finish), (duration, work, cost)):
            result.append(
                {
                    "number": index,
                    "start": start,
                    "finish": finish,
                    "duration_hours": duration,
                    "work_hours": work,
                    "cost": cost,
                }
            )
    return result


def task_row(task: Any, properties: Any, java: Java) -> TaskRow:
    """One task with its place in the outline, schedule, progress, work, cost and baselines."""
    parent = task.getParentTask()
    return {
        "unique_id": int(task.getUniqueID()),
        "id": integer(task.getID()),
        "name": text(task.getName()),
        "wbs": text(task.getWBS()),
        "outline_level": integer(task.getOutlineLevel()),
        "parent_unique_id": None if parent is None else integer(parent.getUniqueID()),
        "summary": flag(task.getSummary()),
        "milestone": flag(task.getMilestone()),
        "active": flag(task.getActive()),
        "start": plan_time(task.getStart()),
        "finish": plan_time(task.getFinish()),
        "actual_start": plan_time(task.getActualStart()),
        "actual_finish": plan_time(task.getActualFinish()),
        "percent_complete": number(task.getPercentageComplete()),
        "percent_work_complete": number(task.getPercentageWorkComplete()),
        "duration_hours": hours(task.getDuration(), properties, java.hours),
        "work_hours": hours(task.getWork(), properties, java.hours),
        "actual_work_hours": hours(task.getActualWork(), properties, java.hours),
        "remaining_work_hours": hours(task.getRemainingWork(), properties, java.hours),
        "cost": number(task.getCost()),
        "actual_cost": number(task.getActualCost()),
        "remaining_cost": number(task.getRemainingCost()),
        "baselines": task_baselines(task, properties, java),
    }


def resource_row(resource: Any, properties: Any, java: Java) -> ResourceRow:
    """One resource; the standard rate as an amount per hour when it is a work resource."""
    kind = resource.getType()
    kind_name = None if kind is None else str(kind.name()).lower()
    rate = resource.getStandardRate()
    per_hour = None
    if kind_name == "work" and rate is not None:
        per_hour = float(java.rate_helper.convertToHours(properties, rate))
    return {
        "unique_id": int(resource.getUniqueID()),
        "id": integer(resource.getID()),
        "name": text(resource.getName()),
        "type": kind_name,
        "email": text(resource.getEmailAddress()),
        "standard_rate": per_hour,
        "cost": number(resource.getCost()),
        "work_hours": hours(resource.getWork(), properties, java.hours),
    }


def assignment_baselines(assignment: Any, properties: Any, java: Java) -> list[AssignmentBaseline]:
    """The assignment's baselines that hold a value."""
    result: list[AssignmentBaseline] = []
    for index in BASELINE_NUMBERS:
        start = plan_time(_baseline(assignment, "Start", index))
        finish = plan_time(_baseline(assignment, "Finish", index))
        work = hours(_baseline(assignment, "Work", index), properties, java.hours)
        cost = number(_baseline(assignment, "Cost", index))
        if _holds_value((start, finish), (work, cost)):
            result.append({"number": index, "start": start, "finish": finish, "work_hours": work, "cost": cost})
    return result


def assignment_row(assignment: Any, properties: Any, java: Java) -> AssignmentRow:
    """One resource assignment with its dates, work, cost and baselines."""
    return {
        "unique_id": integer(assignment.getUniqueID()),
        "task_unique_id": integer(assignment.getTaskUniqueID()),
        "resource_unique_id": integer(assignment.getResourceUniqueID()),
        "start": plan_time(assignment.getStart()),
        "finish": plan_time(assignment.getFinish()),
        "work_hours": hours(assignment.getWork(), properties, java.hours),
        "actual_work_hours": hours(assignment.getActualWork(), properties, java.hours),
        "cost": number(assignment.getCost()),
        "actual_cost": number(assignment.getActualCost()),
        "baselines": assignment_baselines(assignment, properties, java),
    }
