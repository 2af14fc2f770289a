"""Read one plan file: hash it, let MPXJ parse it, and turn what MPXJ holds into records.

MPXJ's UniversalProjectReader recognises the format from the content, not the file name: ``.mpp``
(Project 98 to today), MSPDI ``.xml``, ``.mpx``, Primavera ``.xer`` and PMXML, and more. A file it does
not recognise, or cannot parse, raises `PlanFileError` naming the file, with MPXJ's message instead
of a Java stack trace.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from connectors.msproject.errors import PlanFileError
from connectors.msproject.records import PlanInfo, PlanRead
from connectors.msproject.rows import assignment_row, resource_row, task_row
from connectors.msproject.runtime import Java, java
from connectors.msproject.timephased import baseline_cost_by_day
from connectors.msproject.values import integer, plan_time, text

UNRECOGNISED = "not a plan file MPXJ recognises (.mpp, MSPDI .xml, .mpx, Primavera .xer / PMXML .xml)"
_CHUNK = 1 << 20


def file_sha256(path: Path) -> str:
    """The SHA-256 of the file's bytes, hex; PlanFileError if the file cannot be read."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except OSError as exc:
        raise PlanFileError(path, f"cannot be opened: {exc.strerror or exc}") from None
    return digest.hexdigest()


def java_message(exc: Any) -> str:
    """The innermost cause's class and message of a Java exception: what went wrong, in one line."""
    cause = exc
    while cause.getCause() is not None and cause.getCause() is not cause:
        cause = cause.getCause()
    name = str(cause.getClass().getSimpleName())
    message = cause.getMessage()
    return f"{name}: {message}" if message is not None else name


def plan_info(path: Path, sha256: str, properties: Any) -> PlanInfo:
    """The file and its project properties."""
    return {
        "file_name": path.name,
        "sha256": sha256,
        "file_format": text(properties.getFileType()),
        "file_application": text(properties.getFileApplication()),
        "name": text(properties.getName()),
        "title": text(properties.getProjectTitle()),
        "start": plan_time(properties.getStartDate()),
        "finish": plan_time(properties.getFinishDate()),
        "status_date": plan_time(properties.getStatusDate()),
        "currency_code": text(properties.getCurrencyCode()),
        "minutes_per_day": integer(properties.getMinutesPerDay()),
        "minutes_per_week": integer(properties.getMinutesPerWeek()),
    }


def _records(path: Path, sha256: str, project: Any, jv: Java) -> PlanRead:
    properties = project.getProjectProperties()
    return PlanRead(
        plan=plan_info(path, sha256, properties),
        tasks=[task_row(task, properties, jv) for task in project.getTasks()],
        resources=[resource_row(resource, properties, jv) for resource in project.getResources()],
        assignments=[assignment_row(a, properties, jv) for a in project.getResourceAssignments()],
        timephased_baseline_cost=baseline_cost_by_day(project, jv),
    )


def read_plan(path: Path, sha256: str | None = None) -> PlanRead:
    """Everything pmhub uses from one plan file; `sha256`, when the caller hashed the file already.

    Raises MsProjectUnavailable when the msproject extra or Java is missing, PlanFileError when this
    file cannot be read.
    """
    jv = java()
    sha256 = sha256 or file_sha256(path)
    try:
        project = jv.reader().read(str(path))
        if project is None:
            raise PlanFileError(path, UNRECOGNISED)
        return _records(path, sha256, project, jv)
    except jv.jpype.JException as exc:
        raise PlanFileError(path, f"MPXJ could not read it: {java_message(exc)}") from None
