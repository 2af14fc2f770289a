"""Plan files the demo and the tests sync: Microsoft Project XML (MSPDI) written from plain task
records, without Java, so a plan's every figure is chosen by the caller.

Only the elements pmhub reads are written (tasks with their baseline, resources, assignments), as
Project writes them: dates in plan time without a zone, durations and work as ISO 8601 durations
(`PT40H0M0S`), costs in cents (MSPDI's convention for cost fields: `<Cost>50000</Cost>` is 500.00).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from connectors.msproject import MsProjectUnavailable, runtime

NAMESPACE = "http://schemas.microsoft.com/project"
DAY_START, DAY_FINISH = time(8), time(17)


@dataclass(frozen=True)
class PlanTask:
    """One task. Baseline fields are baseline 0; a task with `parent` is a subtask of that uid;
    `resource` names the one work resource assigned, `actual_work_hours` the work it reported."""

    uid: int
    name: str
    start: date
    finish: date
    baseline_start: date | None = None
    baseline_finish: date | None = None
    baseline_cost: float | None = None
    work_hours: float = 0.0
    percent_complete: int = 0
    actual_start: date | None = None
    actual_finish: date | None = None
    resource: str | None = None
    actual_work_hours: float = 0.0
    parent: int | None = None
    summary: bool = False
    milestone: bool = False


def _at(day: date, moment: time) -> str:
    return datetime.combine(day, moment).isoformat()


def _hours(hours: float) -> str:
    whole = int(hours)
    return f"PT{whole}H{round((hours - whole) * 60)}M0S"


def _cents(amount: float) -> str:
    return f"{round(amount * 100)}"


def _element(tag: str, value: object) -> str:
    return f"<{tag}>{escape(str(value))}</{tag}>"


def _task(task: PlanTask, row: int, level: int) -> str:
    fields = [
        _element("UID", task.uid),
        _element("ID", row),
        _element("Name", task.name),
        _element("OutlineLevel", level),
        _element("Start", _at(task.start, DAY_START)),
        _element("Finish", _at(task.finish, DAY_FINISH)),
        _element("Work", _hours(task.work_hours)),
        _element("Summary", int(task.summary)),
        _element("Milestone", int(task.milestone)),
        _element("PercentComplete", task.percent_complete),
    ]
    if task.actual_start:
        fields.append(_element("ActualStart", _at(task.actual_start, DAY_START)))
    if task.actual_finish:
        fields.append(_element("ActualFinish", _at(task.actual_finish, DAY_FINISH)))
    if task.baseline_start and task.baseline_finish:
        baseline = [
            _element("Number", 0),
            _element("Start", _at(task.baseline_start, DAY_START)),
            _element("Finish", _at(task.baseline_finish, DAY_FINISH)),
            _element("Work", _hours(task.work_hours)),
            _element("Cost", _cents(task.baseline_cost or 0.0)),
        ]
        fields.append(f"<Baseline>{''.join(baseline)}</Baseline>")
    return f"<Task>{''.join(fields)}</Task>"


def _levels(tasks: list[PlanTask]) -> dict[int, int]:
    parents = {t.uid: t.parent for t in tasks}
    levels: dict[int, int] = {}
    for task in tasks:
        level, up = 1, task.parent
        while up is not None:
            level, up = level + 1, parents[up]
        levels[task.uid] = level
    return levels


def mspdi(
    title: str,
    tasks: list[PlanTask],
    hourly_rate: float = 0.0,
    currency: str = "EUR",
    emails: Mapping[str, str] | None = None,
) -> str:
    """The plan as MSPDI XML text. Task 0 (the project summary) spans all tasks; each named resource
    is a work resource at `hourly_rate`, with its e-mail address where `emails` gives one."""
    levels = _levels(tasks)
    start, finish = min(t.start for t in tasks), max(t.finish for t in tasks)
    root = PlanTask(0, title, start, finish, summary=True)
    rows = [_task(root, 0, 0)]
    rows += [_task(t, i, levels[t.uid]) for i, t in enumerate(tasks, start=1)]
    names = sorted({t.resource for t in tasks if t.resource})
    resources = [
        f"<Resource>{_element('UID', i)}{_element('ID', i)}{_element('Name', n)}{_element('Type', 1)}"
        f"{_element('EmailAddress', (emails or {})[n]) if n in (emails or {}) else ''}"
        f"{_element('StandardRate', hourly_rate)}</Resource>"
        for i, n in enumerate(names, start=1)
    ]
    resource_uid = {n: i for i, n in enumerate(names, start=1)}
    assigned = [(t, resource_uid[t.resource]) for t in tasks if t.resource]
    assignments = [
        f"<Assignment>{_element('UID', i)}{_element('TaskUID', t.uid)}{_element('ResourceUID', uid)}"
        f"{_element('Start', _at(t.actual_start or t.start, DAY_START))}{_element('Finish', _at(t.finish, DAY_FINISH))}"
        f"{_element('Work', _hours(t.work_hours))}{_element('ActualWork', _hours(t.actual_work_hours))}</Assignment>"
        for i, (t, uid) in enumerate(assigned, start=1)
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Project xmlns="{NAMESPACE}">{_element("Name", title)}{_element("Title", title)}'
        f"{_element('CurrencyCode', currency)}{_element('MinutesPerDay', 480)}{_element('MinutesPerWeek', 2400)}"
        f"{_element('StartDate', _at(start, DAY_START))}{_element('FinishDate', _at(finish, DAY_FINISH))}"
        f"<Tasks>{''.join(rows)}</Tasks><Resources>{''.join(resources)}</Resources>"
        f"<Assignments>{''.join(assignments)}</Assignments></Project>\n"
    )


# The demo plan's phases: name, weeks, people on it.
_PHASES = (
    ("Site survey", 2, ("Plan Surveyor",)),
    ("Permits", 3, ("Plan Lawyer",)),
    ("Foundations", 4, ("Plan Builder", "Plan Surveyor")),
    ("Structure", 5, ("Plan Builder",)),
    ("Fit-out", 4, ("Plan Builder", "Plan Electrician")),
    ("Handover", 1, ("Plan Lawyer",)),
)


def _workday(day: date) -> date:
    """The day itself, or the Monday after when it falls on a weekend."""
    return day + timedelta(days=max(0, 7 - day.weekday())) if day.weekday() >= 5 else day


def demo_plan(
    anchor: date, seed: int, hourly_rate: float = 95.0, staff: Mapping[str, tuple[str, str | None]] | None = None
) -> tuple[str, str]:
    """The demo's plan, `(file name, MSPDI text)`: `demo_tasks` under one summary task."""
    tasks = demo_tasks(anchor, seed, hourly_rate, staff)
    summary = PlanTask(1, "Depot build", min(t.start for t in tasks), max(t.finish for t in tasks), summary=True)
    emails = {name: email for name, email in (staff or {}).values() if email}
    return "depot-build.xml", mspdi("Depot build", [summary, *tasks], hourly_rate, emails=emails)


def demo_tasks(
    anchor: date, seed: int, hourly_rate: float = 95.0, staff: Mapping[str, tuple[str, str | None]] | None = None
) -> list[PlanTask]:
    """The demo plan's six phases of a build project (summary task 1 is their parent), started
    twelve weeks before `anchor`, with their baseline; the work done so far runs some days behind
    it (the seed decides how many), so the portfolio shows schedule variance. `staff` fills roles
    ("Plan Builder"…) with (resource name, e-mail or None); other roles keep their name."""
    cast = dict(staff or {})
    rng = random.Random(seed)
    kickoff = anchor - timedelta(weeks=12)
    kickoff -= timedelta(days=kickoff.weekday())
    tasks: list[PlanTask] = []
    planned, actual = kickoff, kickoff
    for uid, (name, weeks, people) in enumerate(_PHASES, start=2):
        baseline_finish = planned + timedelta(weeks=weeks) - timedelta(days=3)
        slip = timedelta(days=rng.randint(0, 4))
        finish = _workday(actual + timedelta(weeks=weeks) - timedelta(days=3) + slip)
        hours = 40.0 * weeks * len(people)
        started = actual if actual <= anchor else None
        done = finish if finish < anchor else None
        share = (
            100
            if done
            else (0 if not started else min(95, round(100 * (anchor - actual).days / (finish - actual).days)))
        )
        tasks.append(
            PlanTask(
                uid,
                name,
                start=actual,
                finish=finish,
                baseline_start=planned,
                baseline_finish=baseline_finish,
                baseline_cost=hours * hourly_rate,
                work_hours=hours,
                percent_complete=share,
                actual_start=started,
                actual_finish=done,
                resource=cast.get(people[0], (people[0], None))[0],
                actual_work_hours=hours * share / 100,
                parent=1,
            )
        )
        planned, actual = planned + timedelta(weeks=weeks), _workday(finish + timedelta(days=1))
    return tasks


def add_demo_plan(
    config: dict[str, Any],
    folder: Path,
    anchor: date,
    seed: int,
    staff: Mapping[str, tuple[str, str | None]] | None = None,
) -> str:
    """Write the demo plan into `folder` and add it to the demo's `config` as its own portfolio
    project, priced at the config's default hourly rate. Returns one line on what was done: when
    this machine cannot read plans (the msproject extra or Java missing), the plan is left out and
    the line says what to install."""
    try:
        runtime.find_jvm(runtime.load_jpype())
    except MsProjectUnavailable as exc:
        return f"the demo's plan is left out: {exc}"
    rate = float(config.get("rates", {}).get("default_hourly") or 95.0)
    name, text = demo_plan(anchor, seed, hourly_rate=rate, staff=staff)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    config.setdefault("sources", {})["msproject"] = [{"name": "plans", "paths": [str(folder)]}]
    config.setdefault("portfolio", []).append(
        {"id": "depot", "name": "Depot build", "msproject": [{"source": "plans", "plan": name}]}
    )
    return f"the demo's plan {folder / name} is synced as project 'Depot build'"
