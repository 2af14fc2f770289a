"""Nightly operations: the schedule read from the config, the run log every sync writes, the
run-status sensors that write it for Dagster runs, and `pmhub status` that reads it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from models.config import ConfigError, Schedule
from pipelines.cli import main
from pipelines.config_file import parse_config_text as parse_config
from pipelines.definitions import build_definitions
from pipelines.defs.extract_assets import EXTRACT_ASSETS
from pipelines.defs.resources import PmhubResource
from pipelines.defs.schedules import SCHEDULE_NAME, nightly_schedule, schedule_from_env
from pipelines.defs.sensors import run_log_failure, run_log_success
from pipelines.run_log import read_runs, run_log_file, safe_reason
from tests.conftest import ANCHOR, write_config

ROOT = Path(__file__).resolve().parents[1]


def _config(tmp_path, portfolio, sandbox, **extra) -> Path:
    return write_config(tmp_path / "pmhub.yaml", {**portfolio.pmhub_config(sandbox.url), **extra})


# --- schedule ---------------------------------------------------------------------------------


def test_schedule_tick_uses_cron_and_time_zone_of_the_config_file(tmp_path, portfolio, sandbox):
    config = _config(tmp_path, portfolio, sandbox, schedule={"cron": "30 3 * * 1-5", "timezone": "Europe/Berlin"})
    # No secret is in this environment: the schedule section is read alone.
    spec = schedule_from_env({"PMHUB_CONFIG": str(config)})
    schedule = nightly_schedule(spec)
    assert (schedule.name, schedule.job_name) == (SCHEDULE_NAME, "sync")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("30 3 * * 1-5", "Europe/Berlin")
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING

    tick = datetime(2026, 11, 2, 3, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    request = schedule(dg.build_schedule_context(scheduled_execution_time=tick))
    assert isinstance(request, dg.RunRequest)
    assert request.run_key == tick.isoformat()
    evaluated = schedule.evaluate_tick(dg.build_schedule_context(scheduled_execution_time=tick))
    assert [r.run_key for r in evaluated.run_requests or []] == [tick.isoformat()]


def test_code_location_reads_the_schedule_at_import_without_secrets(tmp_path, portfolio, sandbox):
    config = _config(tmp_path, portfolio, sandbox, schedule={"cron": "15 1 * * *", "timezone": "America/New_York"})
    env = {k: v for k, v in os.environ.items() if not k.startswith("PMHUB_")} | {"PMHUB_CONFIG": str(config)}
    code = (
        "from pipelines.definitions import defs\n"
        "s = defs.resolve_schedule_def('nightly_sync')\n"
        "print(s.cron_schedule, s.execution_timezone, s.default_status.value, s.job_name)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["15", "1", "*", "*", "*", "America/New_York", "RUNNING", "sync"]


def test_schedule_defaults_when_no_config_is_named_or_readable(tmp_path):
    assert schedule_from_env({}) == Schedule(cron="0 2 * * *", timezone="UTC")
    assert schedule_from_env({"PMHUB_CONFIG": str(tmp_path / "missing.yaml")}) == Schedule()


@pytest.mark.parametrize(
    ("section", "named"),
    [
        ({"cron": "0 25 * * *"}, "schedule.cron"),
        ({"cron": "0 2 * *"}, "schedule.cron"),
        ({"timezone": "Mars/Olympus"}, "schedule.timezone"),
        ({"when": "nightly"}, "schedule.when"),
    ],
)
def test_invalid_schedule_section_stops_the_code_location_naming_the_field(tmp_path, section, named):
    config = write_config(tmp_path / "pmhub.yaml", {"schedule": section})
    with pytest.raises(dg.DagsterInvalidDefinitionError, match=named.replace(".", r"\.")):
        schedule_from_env({"PMHUB_CONFIG": str(config)})
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")):
        parse_config(config.read_text(), {})


def test_sync_job_is_retried_from_failure_by_the_run_retry_daemon():
    job = build_definitions(PmhubResource(config_path="unused.yaml")).resolve_job_def("sync")
    assert job.tags["dagster/max_retries"] == "2"
    assert job.tags["dagster/retry_strategy"] == "FROM_FAILURE"
    assert "run_retries:\n  enabled: true" in (ROOT / "dagster_home" / "dagster.yaml").read_text()


# --- run log and `pmhub status` ---------------------------------------------------------------


def test_status_shows_the_last_success_and_the_failure_with_its_reason(
    tmp_path, portfolio, sandbox, sandbox_env, monkeypatch, capsys
):
    config = _config(tmp_path, portfolio, sandbox)
    assert main(["status", "--config", str(config)]) == 1
    assert "no sync run recorded" in capsys.readouterr().err

    assert main(["sync", "--config", str(config)]) == 0, capsys.readouterr().err
    capsys.readouterr()
    assert main(["status", "--config", str(config)]) == 0
    ok = capsys.readouterr().out
    assert "last run  succeeded" in ok and "(1 runs)" in ok
    for source in ("jira:sandbox", "trello:sandbox", "confluence:sandbox"):
        assert source in ok

    monkeypatch.setenv("PMHUB_SANDBOX_TOKEN", "not-the-token")
    assert main(["sync", "--config", str(config)]) == 1
    capsys.readouterr()
    assert main(["status", "--config", str(config)]) == 1
    captured = capsys.readouterr()
    assert "(2 runs)" in captured.out and "last run  FAILED in " in captured.out
    assert "HTTP 401" in captured.out and "last failure" in captured.out
    assert len(captured.err.strip().splitlines()) == 1 and "the last sync failed" in captured.err
    assert "HTTP 401" in captured.err
    rows = {line.split()[0]: line for line in captured.out.splitlines() if line.startswith(("jira:", "trello:"))}
    assert "never" not in rows["jira:sandbox"] and "failed" in rows["jira:sandbox"]  # it succeeded before
    assert "not-the-token" not in captured.out + run_log_file(tmp_path / "pmhub.duckdb").read_text()

    # --db finds the same log; the sources come from the log itself.
    assert main(["status", "--db", str(tmp_path / "pmhub.duckdb")]) == 1
    assert "confluence:sandbox" in capsys.readouterr().out


def test_run_log_lines_hold_outcome_and_per_source_figures(tmp_path, portfolio, sandbox, sandbox_env, monkeypatch):
    from pipelines.run_sync import run_sync

    config = _config(tmp_path, portfolio, sandbox)
    assert run_sync(config, tmp_path / "x.duckdb", only=["jira"], as_of=ANCHOR).success
    monkeypatch.setenv("PMHUB_SANDBOX_TRELLO_TOKEN", "not-the-token")
    assert not run_sync(config, tmp_path / "x.duckdb", only=["trello"], as_of=ANCHOR).success
    monkeypatch.delenv("PMHUB_SANDBOX_TRELLO_KEY")
    with pytest.raises(ConfigError):
        run_sync(config, tmp_path / "x.duckdb", only=["trello"], as_of=ANCHOR)
    lines = run_log_file(tmp_path / "x.duckdb").read_text().splitlines()
    good, bad, unusable = (json.loads(line) for line in lines)
    assert good["success"] and good["trigger"] == "pmhub sync" and list(good["sources"]) == ["jira:sandbox"]
    figures = good["sources"]["jira:sandbox"]
    assert figures["records"] > 0 and figures["requests"] > 0 and figures["duration_s"] > 0
    assert {"retries", "throttled", "warnings"} <= set(figures)
    assert not bad["success"] and bad["failed_step"] == "trello_landing" and "HTTP 401" in bad["message"]
    assert bad["sources"] == {"trello:sandbox": {}}
    assert "\n" not in bad["message"] and "not-the-token" not in lines[1]
    assert not unusable["success"] and "PMHUB_SANDBOX_TRELLO_KEY" in unusable["message"]


def test_reasons_never_carry_credentials():
    text = "GET https://bob:hunter2@x.test/1/boards?key=abc123&token=s3cr3t-value failed\nTraceback..."
    reason = safe_reason(text, ["s3cr3t-value", "hunter2"])
    assert "hunter2" not in reason and "s3cr3t-value" not in reason and "abc123" not in reason
    assert "\n" not in reason and "x.test/1/boards" in reason


# --- sensors for Dagster-launched runs --------------------------------------------------------


def _run_in_instance(instance, config: Path, selection=None) -> dg.DagsterRun:
    job = build_definitions(PmhubResource(config_path=str(config))).resolve_job_def("sync")
    result = job.execute_in_process(instance=instance, raise_on_error=False, asset_selection=selection)
    run = instance.get_run_by_id(result.run_id)
    assert run is not None
    return run


def _status_event(instance, run: dg.DagsterRun, kind: dg.DagsterEventType) -> dg.DagsterEvent:
    entry = instance.all_logs(run.run_id, of_type=kind)[-1]
    assert entry.dagster_event is not None
    return entry.dagster_event


def test_failure_sensor_writes_the_failed_run_with_its_reason(tmp_path, portfolio, sandbox, sandbox_env, monkeypatch):
    config = _config(tmp_path, portfolio, sandbox)
    monkeypatch.setenv("PMHUB_CONFIG", str(config))
    monkeypatch.setenv("PMHUB_SANDBOX_TOKEN", "not-the-token")
    with dg.instance_for_test() as instance:
        run = _run_in_instance(instance, config)
        assert run.status == dg.DagsterRunStatus.FAILURE
        context = dg.build_run_status_sensor_context(
            sensor_name="run_log_failure",
            dagster_event=_status_event(instance, run, dg.DagsterEventType.RUN_FAILURE),
            dagster_instance=instance,
            dagster_run=run,
        ).for_run_failure()
        run_log_failure(context)
        engine_lines = [e.message for e in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT)]
    (record,), _ = read_runs(run_log_file(tmp_path / "pmhub.duckdb"))
    assert (record.run_id, record.success, record.job, record.trigger) == (run.run_id, False, "sync", "dagster")
    assert record.failed_step in {"jira_landing", "confluence_landing"} and "HTTP 401" in record.message
    assert set(record.sources) == {"jira:sandbox", "trello:sandbox", "confluence:sandbox"}
    assert "not-the-token" not in run_log_file(tmp_path / "pmhub.duckdb").read_text()
    assert any("pmhub run log" in line and "HTTP 401" in line for line in engine_lines)


def test_success_sensor_writes_the_figures_of_the_sources_the_run_selected(
    tmp_path, portfolio, sandbox, sandbox_env, monkeypatch
):
    config = _config(tmp_path, portfolio, sandbox)
    monkeypatch.setenv("PMHUB_CONFIG", str(config))
    with dg.instance_for_test() as instance:
        run = _run_in_instance(instance, config, selection=[EXTRACT_ASSETS["jira"].key])
        assert run.status == dg.DagsterRunStatus.SUCCESS
        context = dg.build_run_status_sensor_context(
            sensor_name="run_log_success",
            dagster_event=_status_event(instance, run, dg.DagsterEventType.RUN_SUCCESS),
            dagster_instance=instance,
            dagster_run=run,
        )
        run_log_success(context)
    (record,), _ = read_runs(run_log_file(tmp_path / "pmhub.duckdb"))
    assert record.success and record.message == "" and record.failed_step is None
    assert list(record.sources) == ["jira:sandbox"] and record.sources["jira:sandbox"]["records"] > 0
    assert record.started_at <= record.finished_at
