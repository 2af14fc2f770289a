"""Eight sources synced by Dagster's multiprocess executor: extracts run side by side, one writer
loads, no lock error, and the warehouse equals a sequential in-process sync (issue 6)."""

from __future__ import annotations

from typing import Any

import dagster as dg

from pipelines.run_sync import run_sync
from sandbox.generator import generate
from sandbox.server import SandboxServer
from tests.conftest import warehouse_contents, write_config


def sync_job() -> dg.JobDefinition:
    """The code location's own sync job (its config path comes from PMHUB_CONFIG), rebuilt in each
    child process of the multiprocess executor."""
    from pipelines.definitions import defs

    return defs.resolve_job_def("sync")


def _one_source_per_container(base: dict[str, Any]) -> dict[str, Any]:
    """The sandbox portfolio's config split into 3 Jira, 4 Trello (the control project's board too)
    and 2 Confluence sources."""
    jira, trello, confluence = (base["sources"][t][0] for t in ("jira", "trello", "confluence"))
    sources: dict[str, list[dict[str, Any]]] = {"jira": [], "trello": [], "confluence": []}
    for key in jira["projects"]:
        sources["jira"].append({**jira, "name": f"j{key.lower()}", "projects": [key]})
    for n, board in enumerate(trello["boards"]):
        sources["trello"].append({**trello, "name": f"t{n}", "boards": [board]})
    for space in ("PMO", "ENG"):
        sources["confluence"].append({**confluence, "name": f"c{space.lower()}", "spaces": [space]})
    boards = {b: f"t{n}" for n, b in enumerate(trello["boards"])}
    portfolio = []
    for project in base["portfolio"]:
        portfolio.append(
            {
                **project,
                "jira": [
                    {"site": f"j{r['project'].lower()}", "project": r["project"]} for r in project.get("jira", [])
                ],
                "trello": [{"source": boards[r["board"]], "board": r["board"]} for r in project.get("trello", [])],
                "confluence": [{**r, "source": "cpmo"} for r in project.get("confluence", [])],
            }
        )
    return {**base, "sources": sources, "portfolio": portfolio}


EXTRACTS = ("jira_landing", "trello_landing", "confluence_landing")


def _extracts_ran_side_by_side(instance: dg.DagsterInstance, run_id: str) -> bool:
    """Every extract was launched in its own process before the first of them finished."""
    launched, finished, pids = {}, [], {}
    for record in instance.all_logs(run_id):
        event = record.dagster_event
        if not event or event.step_key not in EXTRACTS:
            continue
        if event.event_type == dg.DagsterEventType.STEP_WORKER_STARTING:
            launched[event.step_key] = record.timestamp
        elif event.event_type == dg.DagsterEventType.STEP_START:
            pids[event.step_key] = event.pid
        elif event.event_type == dg.DagsterEventType.STEP_SUCCESS:
            finished.append(record.timestamp)
    return len(launched) == 3 and max(launched.values()) < min(finished) and len(set(pids.values())) == 3


def test_nine_sources_in_parallel_processes_equal_a_sequential_sync(tmp_path, sandbox_env, monkeypatch):
    portfolio = generate(seed=11, size="small")
    with SandboxServer(portfolio) as server:
        config = _one_source_per_container(portfolio.pmhub_config(server.url))
        assert sum(len(v) for v in config["sources"].values()) == 9
        for folder in ("seq", "par", "dagster"):
            (tmp_path / folder).mkdir()
        sequential = write_config(tmp_path / "seq" / "pmhub.yaml", {**config, "warehouse": "seq.duckdb"})
        parallel = write_config(tmp_path / "par" / "pmhub.yaml", {**config, "warehouse": "par.duckdb"})
        outcome = run_sync(sequential)
        assert outcome.success, outcome.message

        monkeypatch.setenv("PMHUB_CONFIG", str(parallel))
        with dg.instance_for_test(
            temp_dir=str(tmp_path / "dagster"), overrides={"concurrency": {"pools": {"default_limit": 1}}}
        ) as instance:
            result = dg.execute_job(
                dg.reconstructable(sync_job),
                instance=instance,
                run_config={"execution": {"config": {"multiprocess": {"max_concurrent": 8}}}},
            )
            logs = "\n".join(r.user_message for r in instance.all_logs(result.run_id))
            assert result.success, logs
            assert "could not set lock" not in logs.lower()
            assert "blocked by limit for pool duckdb_writer" in logs  # the pool held the writers to one
            assert _extracts_ran_side_by_side(instance, result.run_id)
    assert warehouse_contents(tmp_path / "par" / "par.duckdb") == warehouse_contents(tmp_path / "seq" / "seq.duckdb")
