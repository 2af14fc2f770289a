"""Plan files read with MPXJ (connectors.msproject): counts and baseline sums against a direct MPXJ read,
the same plan as .mpp and as MSPDI, time-phased baseline cost by day, the file hash, and the errors.

The sample files are copies of MPXJ's own test data (tests/data/msproject/PROVENANCE.md). Tests that
read them need the msproject extra and a Java runtime 11+, and skip naming what to install when either
is missing (in CI a skip fails the run: tests/skip_guard.py). The tests of MsProjectUnavailable need
neither: they stand in for the missing pieces.
"""

from __future__ import annotations

import hashlib
import json
import sys
import types
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from connectors.msproject import MsProjectUnavailable, PlanFileError, PlanRead, read_plan, runtime
from connectors.msproject.errors import INSTALL_EXTRA, INSTALL_JAVA
from tests import msproject_direct
from tests.msproject_direct import RATE, direct_read, needs_mpxj, set_baseline

mpxj = msproject_direct.mpxj  # the fixture, used by name

DATA = Path(__file__).parent / "data" / "msproject"
SAMPLES = [
    "task-baselines-project2019-mpp14.mpp",
    "task-baselines-project2019-mspdi.xml",
    "assignment-assignments-project2019-mpp14.mpp",
    "assignment-assignments-project2019-mspdi.xml",
    "baselines.xml",
    "resource-rates-test.xer",
]
SAME_PLAN = [
    ("task-baselines-project2019-mpp14.mpp", "task-baselines-project2019-mspdi.xml"),
    ("assignment-assignments-project2019-mpp14.mpp", "assignment-assignments-project2019-mspdi.xml"),
]


@pytest.fixture(scope="module")
def reads() -> dict[str, PlanRead]:
    return {name: read_plan(DATA / name) for name in SAMPLES}


def _connector_sums(read: PlanRead) -> dict[int, dict[str, float]]:
    sums = {n: {"task_cost": 0.0, "task_work": 0.0, "assignment_cost": 0.0, "assignment_work": 0.0} for n in range(11)}
    for task in read.tasks:
        for b in task["baselines"]:
            sums[b["number"]]["task_cost"] += b["cost"] or 0.0
            sums[b["number"]]["task_work"] += b["work_hours"] or 0.0
    for assignment in read.assignments:
        for ab in assignment["baselines"]:
            sums[ab["number"]]["assignment_cost"] += ab["cost"] or 0.0
            sums[ab["number"]]["assignment_work"] += ab["work_hours"] or 0.0
    return sums


@needs_mpxj
@pytest.mark.parametrize("name", SAMPLES)
def test_counts_and_baseline_sums_match_a_direct_mpxj_read(name, reads, mpxj):
    read = reads[name]
    expected = direct_read(mpxj, DATA / name)
    counts = {"tasks": len(read.tasks), "resources": len(read.resources), "assignments": len(read.assignments)}
    assert counts == {k: expected["counts"][k] for k in counts}
    got = _connector_sums(read)
    for number, sums in expected["sums"].items():
        assert got[number] == pytest.approx(sums, abs=1e-6), f"baseline {number}"
    json.dumps(read.as_dict())  # raw objects: plain JSON


@needs_mpxj
def test_the_samples_hold_what_the_comparisons_rely_on(reads):
    """Guards the fixtures: baselines in several numbers, work on assignments, a Primavera plan with cost."""
    numbers = {b["number"] for t in reads["task-baselines-project2019-mspdi.xml"].tasks for b in t["baselines"]}
    assert numbers == set(range(11))
    assert sum(a["work_hours"] or 0 for a in reads["assignment-assignments-project2019-mpp14.mpp"].assignments) == 240
    xer = reads["resource-rates-test.xer"]
    assert xer.plan["file_format"] == "XER"
    assert sum(a["cost"] or 0 for a in xer.assignments) == pytest.approx(27600)
    assert {r["standard_rate"] for r in xer.resources} == {21.0, 31.0}


def _comparable_task(row: dict[str, Any]) -> dict[str, Any]:
    row = dict(row)
    if row["outline_level"] == 0:
        # The project summary task (task 0). MPXJ reads a name for it from the .mpp (there the project
        # title, e.g. "assignment-assignments-project2019-mpp14"); the MSPDI file has no <Name> for
        # task 0 and no <Title>, so MPXJ reads None. Names of all other tasks are compared.
        row.pop("name")
    # Baseline amounts: an .mpp stores every baseline duration, work and cost, 0 when that field was
    # never set, so MPXJ reads 0.0; MSPDI writes only the fields that were set (e.g. <Baseline> with
    # <Number>0</Number><Cost>100</Cost> and nothing else), so MPXJ reads None. Both mean "not set".
    row["baselines"] = [
        {
            **b,
            "duration_hours": b["duration_hours"] or 0.0,
            "work_hours": b["work_hours"] or 0.0,
            "cost": b["cost"] or 0.0,
        }
        for b in row["baselines"]
    ]
    return row


def _comparable_resource(row: dict[str, Any]) -> dict[str, Any]:
    # Resource work: MPXJ gives 0.0 from the .mpp where the MSPDI file holds Project's total in
    # <Resource><Work> (80 h for each resource of assignment-assignments); MPXJ does not recompute
    # that rollup from the assignments. Not compared.
    return {k: v for k, v in row.items() if k != "work_hours"}


@needs_mpxj
@pytest.mark.parametrize(("mpp", "mspdi"), SAME_PLAN)
def test_mpp_and_mspdi_of_one_plan_give_the_same_rows(mpp, mspdi, reads):
    binary, xml = reads[mpp], reads[mspdi]
    assert (binary.plan["file_format"], xml.plan["file_format"]) == ("MPP", "MSPDI")
    assert [_comparable_task(t) for t in binary.tasks] == [_comparable_task(t) for t in xml.tasks]
    assert binary.assignments == xml.assignments
    assert [_comparable_resource(r) for r in binary.resources] == [_comparable_resource(r) for r in xml.resources]
    assert binary.timephased_baseline_cost == xml.timephased_baseline_cost == []


@needs_mpxj
def test_sha256_is_the_hash_of_the_file(reads):
    for name, read in reads.items():
        assert read.plan["file_name"] == name
        assert read.plan["sha256"] == hashlib.sha256((DATA / name).read_bytes()).hexdigest()


@needs_mpxj
def test_files_without_timephased_baseline_cost_give_no_days(reads):
    """Baseline costs are set in these files, but no time-phased baseline: nothing is spread."""
    assert any(b["cost"] for t in reads["task-baselines-project2019-mpp14.mpp"].tasks for b in t["baselines"])
    assert any(b["cost"] for t in reads["resource-rates-test.xer"].tasks for b in t["baselines"])
    for name in SAMPLES:
        if name != "baselines.xml":
            assert reads[name].timephased_baseline_cost == [], name


@needs_mpxj
def test_timephased_baseline1_of_a_project_file_follows_its_assignment(reads):
    """baselines.xml, saved by Project, holds Baseline1 cost per hour for its one assignment (all zero).

    The task's own Baseline1-10 fields in this file were typed in (finish before start, a cost with no
    assignment cost behind it), so the assignment's Baseline1 is the reference here.
    """
    read = reads["baselines.xml"]
    days = read.timephased_baseline_cost
    assert {(d["task_unique_id"], d["baseline_number"]) for d in days} == {(1, 1)}
    (assignment,) = read.assignments
    (baseline1,) = [b for b in assignment["baselines"] if b["number"] == 1]
    assert sum(d["cost"] for d in days) == pytest.approx(baseline1["cost"] or 0.0, abs=0.01)
    start, finish = date.fromisoformat(baseline1["start"][:10]), date.fromisoformat(baseline1["finish"][:10])
    assert all(start <= date.fromisoformat(d["day"]) <= finish for d in days)


@needs_mpxj
def test_timephased_baseline_cost_by_day_adds_up_to_each_tasks_baseline_cost(tmp_path, mpxj):
    baselined = tmp_path / "assignment-assignments-baselined-mspdi.xml"
    plan_total = set_baseline(mpxj, DATA / "assignment-assignments-project2019-mspdi.xml", baselined)
    assert plan_total == 240 * RATE
    read = read_plan(baselined)
    assert "<Type>5</Type>" in baselined.read_text(encoding="utf-8")  # MSPDI's time-phased Baseline cost
    days = read.timephased_baseline_cost
    by_task: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for day in days:
        assert day["baseline_number"] == 0
        by_task[day["task_unique_id"]].append(day)
    tasks = {t["unique_id"]: t for t in read.tasks}
    assert set(by_task) == {uid for uid, t in tasks.items() if not t["summary"]}
    for uid, task_days in by_task.items():
        (baseline,) = tasks[uid]["baselines"]
        assert sum(d["cost"] for d in task_days) == pytest.approx(baseline["cost"], abs=0.01)
        start, finish = date.fromisoformat(baseline["start"][:10]), date.fromisoformat(baseline["finish"][:10])
        assert all(start <= date.fromisoformat(d["day"]) <= finish for d in task_days)
        assert all(date.fromisoformat(d["day"]).weekday() < 5 for d in task_days)  # cost falls on working days
    assert sum(d["cost"] for d in days) == pytest.approx(plan_total, abs=0.01)


def test_missing_extra_is_one_actionable_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "mpxj", None)  # `import mpxj` now raises ImportError
    with pytest.raises(MsProjectUnavailable) as caught:
        read_plan(DATA / "baselines.xml")
    assert str(caught.value) == INSTALL_EXTRA
    assert "pip install 'pmhub[msproject]'" in str(caught.value) and "\n" not in str(caught.value)


class _NoJvmFound(Exception):
    pass


def _jpype_without_java(monkeypatch, default_jvm_path) -> None:
    """A stand-in JPype whose JVM lookup is `default_jvm_path`, with no JVM running yet."""

    def never_started(*args, **kwargs):
        raise AssertionError("the JVM must not be started")

    fake = types.SimpleNamespace(
        JVMNotFoundException=_NoJvmFound,
        JVMNotSupportedException=_NoJvmFound,
        isJVMStarted=lambda: False,
        getDefaultJVMPath=default_jvm_path,
        startJVM=never_started,
    )
    monkeypatch.setitem(sys.modules, "jpype", fake)
    monkeypatch.setitem(sys.modules, "mpxj", types.ModuleType("mpxj"))


def test_no_java_found_is_one_actionable_line(monkeypatch):
    def no_java():
        raise _NoJvmFound("No JVM shared library file (libjvm.so) found. Try setting up the JAVA_HOME")

    _jpype_without_java(monkeypatch, no_java)
    with pytest.raises(MsProjectUnavailable) as caught:
        read_plan(DATA / "baselines.xml")
    assert str(caught.value) == INSTALL_JAVA
    assert "apt-get install default-jre-headless" in INSTALL_JAVA and "JAVA_HOME" in INSTALL_JAVA
    assert "\n" not in INSTALL_JAVA


def test_java_older_than_11_is_reported_as_missing(monkeypatch, tmp_path):
    home = tmp_path / "jdk8"
    libjvm = home / "jre" / "lib" / "amd64" / "server" / "libjvm.so"
    libjvm.parent.mkdir(parents=True)
    libjvm.touch()
    (home / "release").write_text('JAVA_VERSION="1.8.0_392"\nOS_NAME="Linux"\n', encoding="utf-8")
    _jpype_without_java(monkeypatch, lambda: str(libjvm))
    with pytest.raises(MsProjectUnavailable) as caught:
        read_plan(DATA / "baselines.xml")
    assert str(caught.value).startswith(INSTALL_JAVA) and "Java 8" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_java_version_from_the_release_file(tmp_path):
    libjvm = tmp_path / "lib" / "server" / "libjvm.so"
    libjvm.parent.mkdir(parents=True)
    (tmp_path / "release").write_text('IMPLEMENTOR="Debian"\nJAVA_VERSION="17.0.15"\n', encoding="utf-8")
    assert runtime.java_version(libjvm) == 17
    (tmp_path / "release").unlink()
    assert runtime.java_version(libjvm) is None


@needs_mpxj
@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("x.mpp", bytes.fromhex("8f3a51c2e07b9d14a6f02c5e3b7d9a10"), "not a plan file MPXJ recognises"),
        ("empty.mpp", b"", "not a plan file MPXJ recognises"),
        ("cut.xml", (DATA / "baselines.xml").read_bytes()[:3000], "MPXJ could not read it"),
    ],
)
def test_a_corrupt_file_raises_an_error_naming_it(tmp_path, name, content, says):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(PlanFileError) as caught:
        read_plan(path)
    message = str(caught.value)
    assert str(path) in message and says in message
    assert "\n" not in message and "\tat " not in message and caught.value.__cause__ is None


@needs_mpxj
def test_a_missing_file_raises_an_error_naming_it(tmp_path):
    path = tmp_path / "gone.mpp"
    with pytest.raises(PlanFileError, match=r"gone\.mpp: cannot be opened"):
        read_plan(path)
