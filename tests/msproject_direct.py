"""MPXJ read straight, without pmhub's connector: the reference the plan tests compare against, and
a baselined plan derived from a sample. Tests that use them need the msproject extra and Java 11+
(`needs_mpxj` skips naming what to install; in CI a skip fails the run, tests/skip_guard.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from connectors.msproject import MsProjectUnavailable, runtime

RATE = 50.0  # per hour: the flat rate at which the generated fixture prices its assignments' work


def _why_unavailable() -> str | None:
    """What to install for MPXJ to run here, or None when it can."""
    try:
        runtime.find_jvm(runtime.load_jpype())
    except MsProjectUnavailable as exc:
        return str(exc)
    return None


WHY_UNAVAILABLE = _why_unavailable()
needs_mpxj = pytest.mark.skipif(WHY_UNAVAILABLE is not None, reason=WHY_UNAVAILABLE or "")


@pytest.fixture(scope="module")
def mpxj() -> Any:
    """JPype with the JVM running, for reading the samples straight through MPXJ."""
    return runtime.start_jvm()


def direct_read(jpype: Any, path: Path, without_root: bool = False) -> dict[str, Any]:
    """Counts and per-baseline sums computed from MPXJ's objects through its generic field access
    (``get(TaskField.BASELINE3_COST)``), not through the connector's code. `without_root` leaves out
    MS Project's task 0 (outline level 0, the plan itself), which pmhub keeps as the container."""
    project = jpype.JClass("org.mpxj.reader.UniversalProjectReader")().read(str(path))
    properties = project.getProjectProperties()
    hours = jpype.JClass("org.mpxj.TimeUnit").HOURS
    task_field, assignment_field = jpype.JClass("org.mpxj.TaskField"), jpype.JClass("org.mpxj.AssignmentField")

    def in_hours(duration: Any) -> float:
        return float(duration.convertUnits(hours, properties).getDuration())

    def total(objects: Any, fields: Any, name: str) -> float:
        values = [obj.get(getattr(fields, name)) for obj in objects]
        if name.endswith("_WORK"):
            return sum(in_hours(v) for v in values if v is not None)
        return sum(v.doubleValue() for v in values if v is not None)

    tasks = [t for t in project.getTasks() if not (without_root and t.getOutlineLevel() == 0)]
    assignments = list(project.getResourceAssignments())
    sums = {}
    for number in range(11):
        prefix = f"BASELINE{number or ''}"
        sums[number] = {
            "task_cost": total(tasks, task_field, f"{prefix}_COST"),
            "task_work": total(tasks, task_field, f"{prefix}_WORK"),
            "assignment_cost": total(assignments, assignment_field, f"{prefix}_COST"),
            "assignment_work": total(assignments, assignment_field, f"{prefix}_WORK"),
        }
    work = jpype.JClass("org.mpxj.ResourceType").WORK
    counts = {
        "tasks": len(tasks),
        "resources": project.getResources().size(),
        "work_resources": sum(1 for r in project.getResources() if r.getType() in (None, work)),
        "assignments": len(assignments),
    }
    assignment_work = sum(in_hours(a.getWork()) for a in assignments if a.getWork() is not None)
    return {"counts": counts, "sums": sums, "assignment_work": assignment_work}


def set_baseline(jpype: Any, source: Path, target: Path) -> float:
    """Save `source` as MSPDI at `target` with baseline 0 set as Project's Set Baseline would set it for
    work resources at a flat RATE: each assignment's time-phased work periods, priced, become its
    time-phased baseline cost; baseline cost, work, start and finish copy the current ones.
    Returns the plan's total baseline cost (RATE times the assignments' work)."""
    java = jpype.JClass
    double, cost_period = java("java.lang.Double"), java("org.mpxj.TimephasedCost")
    project = java("org.mpxj.reader.UniversalProjectReader")().read(str(source))
    properties, hours = project.getProjectProperties(), java("org.mpxj.TimeUnit").HOURS

    def in_hours(duration: Any) -> float:
        return float(duration.convertUnits(hours, properties).getDuration())

    plan_total = 0.0
    for task in project.getTasks():
        task_total = 0.0
        for assignment in task.getResourceAssignments():
            periods = [
                *assignment.getRawTimephasedActualRegularWork(),
                *assignment.getRawTimephasedRemainingRegularWork(),
            ]
            for work in periods:
                period = cost_period()
                period.setStart(work.getStart())
                period.setFinish(work.getFinish())
                period.setTotalAmount(double(in_hours(work.getTotalAmount()) * RATE))
                period.setAmountPerHour(double(in_hours(work.getAmountPerHour()) * RATE))
                assignment.getRawTimephasedBaselineCost(0).add(period)
            cost = in_hours(assignment.getWork()) * RATE
            assignment.setBaselineCost(double(cost))
            assignment.setBaselineWork(assignment.getWork())
            assignment.setBaselineStart(assignment.getStart())
            assignment.setBaselineFinish(assignment.getFinish())
            task_total += cost
        if task.getResourceAssignments().size():
            task.setBaselineCost(double(task_total))
            task.setBaselineWork(task.getWork())
            task.setBaselineStart(task.getStart())
            task.setBaselineFinish(task.getFinish())
        plan_total += task_total
    writer = java("org.mpxj.mspdi.MSPDIWriter")()
    writer.setWriteTimephasedData(True)
    writer.write(project, str(target))
    return plan_total
