"""Run-status sensors that write every finished Dagster run of this code location (UI, schedule,
retries, `dg launch`) to the warehouse's run log, as `pmhub sync` does for its in-process runs.

Where the run log is: the run's own `pmhub` resource config when the launchpad set one, else the
config file PMHUB_CONFIG names; only its `warehouse:` and source names are read (no secrets), since
the run may have failed because a secret was missing. The record's reason is also logged on the
sensor tick and added to the run's event log, so the UI shows it next to the run.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import dagster as dg

from models.config import ConfigError
from pipelines.config_file import load_config, warehouse_path
from pipelines.config_outline import read_outline
from pipelines.digest import DigestError, announce_run
from pipelines.run_log import (
    EXTRACT_STEPS,
    RunRecord,
    append_run,
    failure_from_events,
    materialization_metadata,
    safe_reason,
    source_figures,
    utc_stamp,
)

# Often enough that the log is current a few seconds after a run ends; each tick is one event query.
INTERVAL_SECONDS = 5
_EVENTS = {
    dg.DagsterEventType.ASSET_MATERIALIZATION,
    dg.DagsterEventType.STEP_FAILURE,
    dg.DagsterEventType.ASSET_CHECK_EVALUATION,
    dg.DagsterEventType.RUN_FAILURE,
}


def _trigger(run: dg.DagsterRun) -> str:
    tags = run.tags
    if "dagster/retry_number" in tags:
        return f"retry {tags['dagster/retry_number']} of {tags.get('dagster/parent_run_id', '?')}"
    if "dagster/schedule_name" in tags:
        return f"schedule {tags['dagster/schedule_name']}"
    if "dagster/sensor_name" in tags:
        return f"sensor {tags['dagster/sensor_name']}"
    return "dagster"


def _tools(run: dg.DagsterRun) -> list[str]:
    """Tools whose extract the run selected; a run of the whole job (no selection) covers all."""
    if not run.asset_selection:  # None, or empty when launched in-process without a selection
        return list(EXTRACT_STEPS)
    selected = {key.to_user_string() for key in run.asset_selection}
    return [tool for tool, step in EXTRACT_STEPS.items() if step in selected]


def build_record(instance: dg.DagsterInstance, run: dg.DagsterRun, secrets: list[str], sources: list[str]) -> RunRecord:
    """The run-log line of a finished run, from the instance's event log of that run."""
    events = [e.dagster_event for e in instance.all_logs(run.run_id, of_type=_EVENTS) if e.dagster_event]
    success = run.status == dg.DagsterRunStatus.SUCCESS
    message, failed_step = ("", None) if success else failure_from_events(events)
    record = instance.get_run_record_by_id(run.run_id)
    start = record.start_time if record and record.start_time else None
    end = record.end_time if record and record.end_time else None
    tools = _tools(run)
    return RunRecord(
        run_id=run.run_id,
        job=run.job_name,
        trigger=_trigger(run),
        started_at=utc_stamp(start) if start else utc_stamp(record.create_timestamp if record else None),
        finished_at=utc_stamp(end),
        success=success,
        message=safe_reason(message, secrets) if message else "",
        failed_step=failed_step,
        sources=source_figures(materialization_metadata(events), [s for s in sources if s.split(":", 1)[0] in tools]),
        root_run_id=run.tags.get("dagster/root_run_id"),
    )


def _pmhub_run_config(run_config: Mapping[str, Any]) -> Mapping[str, Any]:
    """The `pmhub` resource config a launchpad may have set for this run (`config_path`, `warehouse`)."""
    node: Any = run_config
    for key in ("resources", "pmhub", "config"):
        node = node.get(key) if isinstance(node, Mapping) else None
    return node if isinstance(node, Mapping) else {}


def _retries_left(run: dg.DagsterRun) -> bool:
    """Whether the daemon will retry this failed run. Dagster records its decision in the run's
    `dagster/will_retry` tag when the run fails, from the instance's `run_retries` and the run's
    tags: the retries a job asks for (`dagster/max_retries`) count only where the instance enables
    them, so counting retries here would stay silent about failures nobody retries."""
    return run.tags.get("dagster/will_retry", "false").lower() == "true"


def _announce(context: dg.RunStatusSensorContext, config_path: str, warehouse: Any, record: RunRecord) -> None:
    """The run's digest to the configured webhooks: on success, or on a failure no retry follows."""
    if not record.success and _retries_left(context.dagster_run):
        return
    try:
        config = load_config(config_path)
        if not (config.publish.slack or config.publish.teams):
            return
        sent = announce_run(
            config, warehouse_path(config_path, config, warehouse), record.sync_key, record.success, record.message
        )
    except (ConfigError, DigestError, OSError) as exc:
        # Logged, not raised: a raising sensor would stop at this run and hold back every later one.
        context.log.error(f"digest of run {record.run_id} not sent: {exc}")
        return
    if sent:
        context.log.info(f"digest of run {record.sync_key} sent to {', '.join(sent)}")


def record_run(context: dg.RunStatusSensorContext) -> RunRecord | None:
    """Append the run's record to its warehouse's run log; None when no config says where that is."""
    run = context.dagster_run
    settings = _pmhub_run_config(run.run_config)
    config_path = settings.get("config_path") or os.environ.get("PMHUB_CONFIG")
    if not isinstance(config_path, str) or not config_path:
        context.log.warning(f"run {run.run_id} not recorded: PMHUB_CONFIG is not set")
        return None
    try:
        outline = read_outline(config_path, settings.get("warehouse"))
    except ConfigError as exc:
        context.log.warning(f"run {run.run_id} not recorded: {exc}")
        return None
    record = build_record(context.instance, run, outline.secret_values(), list(outline.sources))
    try:
        path = append_run(outline.warehouse, record)
    except OSError as exc:
        # Logged, not raised: a raising sensor would stop at this run and hold back every later one.
        context.log.error(f"run {run.run_id} not recorded beside {outline.warehouse}: {exc}")
        return None
    _announce(context, config_path, settings.get("warehouse"), record)
    outcome = "succeeded" if record.success else f"FAILED in {record.failed_step or 'the run'}: {record.message}"
    line = f"pmhub run log: run {run.run_id} {outcome} (recorded in {path})"
    context.log.info(line)
    try:
        # Beside the run's own events, so whoever opens the run in the UI sees the one-line reason.
        context.instance.report_engine_event(line, run)
    except Exception as exc:  # the line is written; a raising sensor would record this run again
        context.log.warning(f"could not add the run-log line to run {run.run_id}: {exc}")
    return record


@dg.run_failure_sensor(
    name="run_log_failure",
    minimum_interval_seconds=INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Writes each failed run, with its one-line reason, to the warehouse's run log.",
)
def run_log_failure(context: dg.RunFailureSensorContext) -> None:
    record_run(context)


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    name="run_log_success",
    minimum_interval_seconds=INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Writes each successful run, with per-source figures, to the warehouse's run log.",
)
def run_log_success(context: dg.RunStatusSensorContext) -> None:
    record_run(context)


RUN_LOG_SENSORS = [run_log_failure, run_log_success]
