"""Clients come from a Dagster resource (`pipelines.defs.resources.SourceClients`), so a test gives
the pipeline a fake client where the HTTP sandbox or a Java runtime is not the layer under test.

Here the plan source runs on a fake `PlanFiles` that holds one plan read by hand (no file, no MPXJ,
no Java): the extract lands it, the loader, the plan's stage SQL and core build on it, and a second
run with the same bytes reads nothing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg

from connectors.msproject import PlanRead
from connectors.msproject.files import PlanFile
from connectors.stats import RequestStats
from pipelines.definitions import build_definitions
from pipelines.defs.resources import PmhubResource, SourceClients
from pipelines.sources.tool import Tool
from tests.conftest import warehouse_rows, write_config


def _task(uid: int, name: str, **fields: Any) -> dict[str, Any]:
    task: dict[str, Any] = {
        "unique_id": uid,
        "id": uid,
        "name": name,
        "wbs": f"1.{uid}",
        "outline_level": 1,
        "parent_unique_id": 0,
        "summary": False,
        "milestone": False,
        "active": True,
        "start": "2026-03-02T08:00:00",
        "finish": "2026-03-06T17:00:00",
        "actual_start": None,
        "actual_finish": None,
        "percent_complete": 0.0,
        "percent_work_complete": 0.0,
        "duration_hours": 40.0,
        "work_hours": 40.0,
        "actual_work_hours": 0.0,
        "remaining_work_hours": 40.0,
        "cost": None,
        "actual_cost": None,
        "remaining_cost": None,
        "baselines": [],
    }
    return {**task, **fields}


PLAN = PlanRead(
    plan={
        "file_name": "handmade.mpp",
        "sha256": "ab" * 32,
        "file_format": "MPP",
        "file_application": "Microsoft",
        "name": "Handmade",
        "title": "Handmade",
        "start": "2026-03-02T08:00:00",
        "finish": "2026-03-13T17:00:00",
        "status_date": None,
        "currency_code": "EUR",
        "minutes_per_day": 480,
        "minutes_per_week": 2400,
    },
    tasks=[
        _task(0, "Handmade", outline_level=0, parent_unique_id=None, summary=True),
        _task(
            1,
            "Survey",
            percent_complete=100.0,
            actual_start="2026-03-02T08:00:00",
            actual_finish="2026-03-06T17:00:00",
            baselines=[
                {
                    "number": 0,
                    "start": "2026-03-02T08:00:00",
                    "finish": "2026-03-06T17:00:00",
                    "duration_hours": 40.0,
                    "work_hours": 40.0,
                    "cost": 500.0,
                }
            ],
        ),
        _task(2, "Build", start="2026-03-09T08:00:00", finish="2026-03-13T17:00:00"),
    ],
    resources=[
        {
            "unique_id": 1,
            "id": 1,
            "name": "Ana",
            "type": "work",
            "email": None,
            "standard_rate": 50.0,
            "cost": None,
            "work_hours": None,
        }
    ],
    assignments=[
        {
            "unique_id": 1,
            "task_unique_id": 1,
            "resource_unique_id": 1,
            "start": "2026-03-02T08:00:00",
            "finish": "2026-03-06T17:00:00",
            "work_hours": 40.0,
            "actual_work_hours": 40.0,
            "cost": None,
            "actual_cost": None,
            "baselines": [],
        }
    ],
    timephased_baseline_cost=[],
)


class FakePlanFiles:
    """What the plan extract asks of `connectors.msproject.files.PlanFiles`, answered from memory."""

    def __init__(self) -> None:
        self.stats = RequestStats()
        self.reads = 0

    def plans(self) -> list[PlanFile]:
        return [PlanFile("handmade.mpp", "/nowhere/handmade.mpp")]

    def fetch(self, plan: PlanFile) -> Path:
        return Path(plan.location)

    def sha256(self, _local: Path) -> str:
        return str(PLAN.plan["sha256"])

    def read(self, _local: Path, _sha256: str) -> PlanRead:
        self.reads += 1
        return PLAN

    def close(self) -> None:
        pass


FAKES: dict[str, FakePlanFiles] = {}


class FakeClients(SourceClients):
    """Plan sources get the fake; any other tool would get its real client."""

    def client(self, tool: Tool, source_id: str, source: Any) -> Any:
        if tool.name != "msproject":
            return super().client(tool, source_id, source)
        return FAKES.setdefault(source_id, FakePlanFiles())


def test_a_pipeline_runs_on_a_fake_client_given_by_the_client_factory(tmp_path):
    config = write_config(
        tmp_path / "pmhub.yaml",
        {
            "sources": {"msproject": [{"name": "plans", "paths": [str(tmp_path)]}]},
            "portfolio": [{"id": "hand", "name": "Hand", "msproject": [{"source": "plans", "plan": "handmade.mpp"}]}],
        },
    )
    pmhub = PmhubResource(config_path=str(config), as_of="2026-03-09")
    job = build_definitions(pmhub, clients=FakeClients()).resolve_job_def("sync")
    for _run in range(2):
        assert job.execute_in_process(raise_on_error=False, instance=dg.DagsterInstance.ephemeral()).success
    assert FAKES["msproject:plans"].reads == 1  # the second run saw the same hash and read nothing
    db = tmp_path / "pmhub.duckdb"
    assert warehouse_rows(db, "SELECT title, status, pct_complete, project_id FROM core.work_items ORDER BY 1") == [
        ("Build", "Not started", 0.0, "hand"),
        ("Survey", "Complete", 1.0, "hand"),
    ]
    assert warehouse_rows(db, "SELECT bac, planned_start, source FROM core.budgets") == [
        (500.0, date(2026, 3, 2), "baseline")
    ]
    assert warehouse_rows(db, "SELECT hours FROM core.worklogs") == [(40.0,)]
