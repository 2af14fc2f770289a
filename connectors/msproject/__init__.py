"""Microsoft Project / Primavera plan files, read with MPXJ (no Dagster, no DuckDB).

`read_plan(path)` returns what one plan file holds as plain JSON-serializable dicts — the "raw
objects" of this connector, like the other connectors' API answers: ``plan`` (file, SHA-256, format,
project properties), ``tasks`` (with their baselines), ``resources``, ``assignments`` (with theirs) and
``timephased_baseline_cost`` (a task's baseline cost per day). Units and conventions:
`connectors.msproject.records`.

Why MPXJ: it is the standard reader of these formats (binary ``.mpp`` has no published
specification; MPXJ has read it since Project 98). It is a Java library: the optional extra
``pmhub[msproject]`` installs it (PyPI ``mpxj``, which bundles the jars) and JPype, and a Java
runtime 11+ must be on the machine. The JVM is started lazily, once per process
(`connectors.msproject.runtime`). Without the extra or Java, `read_plan` raises `MsProjectUnavailable`
with one line saying what to install; everything else in pmhub works without them.

What MPXJ 16 gives, per format (checked on MPXJ's own sample files, tests/data/msproject/PROVENANCE.md):

- ``.mpp`` (MPP9/12/14, Project 2000 to today): tasks, resources, assignments, baselines 0-10 of
  tasks and assignments. Every baseline number is stored (0 when never set) and so read as 0.0; an
  unset baseline date is None. Time-phased baseline cost and work are read per assignment for
  baselines 0-10 when Project stored them (Set Baseline does); none of the sample ``.mpp`` files
  holds any, so for them the list is empty.
- MSPDI ``.xml`` (Project's XML): the same fields; only values the file holds are set, others are
  None. Time-phased baseline cost is read from the assignments' ``TimephasedData`` of type 5
  (Baseline) and 17, 23, … 71 (Baseline1-10); baseline work from types 4, 16, 22, … 70.
  Task-level (types 9/10, 18/19, …) and resource-level time-phased data are not read. Of the
  samples, ``baselines.xml`` holds Baseline1 cost (type 17, all periods zero); the others hold
  only remaining/actual work (types 1, 2) and percent complete (11).
- ``.mpx`` (no sample file; from the format): tasks, resources, assignments and baseline 0; the
  format has no time-phased data.
- Primavera ``.xer`` / PMXML: activities and WBS elements as tasks, resources and roles (both as
  resources), assignments with their costs; baseline 0 as MPXJ derives it from the P6 data (in the
  sample: the planned dates and work; the activity's baseline cost stays None while its WBS
  element's holds the planned cost); no time-phased baseline cost.

MSPDI writes cost fields in cents (``<Cost>100</Cost>`` is 1.00) and MPXJ reads them as amounts, so
costs agree with the ``.mpp`` of the same plan. Dates everywhere are plan time without a time zone.
"""

from connectors.msproject.errors import MsProjectUnavailable, PlanFileError
from connectors.msproject.reader import read_plan
from connectors.msproject.records import (
    AssignmentBaseline,
    AssignmentRow,
    BaselineCostDay,
    PlanInfo,
    PlanRead,
    ResourceRow,
    TaskBaseline,
    TaskRow,
)

__all__ = [
    "AssignmentBaseline",
    "AssignmentRow",
    "BaselineCostDay",
    "MsProjectUnavailable",
    "PlanFileError",
    "PlanInfo",
    "PlanRead",
    "ResourceRow",
    "TaskBaseline",
    "TaskRow",
    "read_plan",
]
