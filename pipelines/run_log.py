"""The run log: one JSON line per sync run, in `<warehouse stem>.runs.jsonl` beside the warehouse.

It is what `pmhub status` reads. It lives outside DuckDB on purpose: when a run fails the warehouse
may be locked by another writer, half-written or missing, and the reason must still be visible. The
file is append-only; a line is written whole by one `write` call, and a reader skips a torn line.

A line (`RunRecord`) holds the run id, when it started and finished (UTC), whether it succeeded, the
one-line failure reason (credentials masked), the step that failed, and for every source the run
covered the figures its extract step reported: `records` landed, HTTP `requests`, `retries`,
`throttled` (HTTP 429 responses), `errors`, `wait_seconds` spent backing off, `warnings`, and the
extract step's `duration_s`. A source whose extract did not finish has no figures.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg
from pydantic import BaseModel, SecretStr

from connectors.errors import one_line
from connectors.redact import Scrubber
from pipelines.defs.extract_assets import EXTRACT_ASSETS

RUN_LOG_SUFFIX = ".runs.jsonl"
FIGURES = ("records", "requests", "retries", "throttled", "errors", "wait_seconds", "warnings")
# Tool → the step (asset key) that extracts it.
EXTRACT_STEPS = {tool: asset.key.to_user_string() for tool, asset in EXTRACT_ASSETS.items()}
REASON_LIMIT = 500


def run_log_file(warehouse: Path) -> Path:
    """`/data/pmhub.duckdb` → `/data/pmhub.runs.jsonl`."""
    return warehouse.with_name(warehouse.stem + RUN_LOG_SUFFIX)


def utc_stamp(moment: datetime | float | None = None) -> str:
    """An ISO-8601 UTC time to the second, `2026-11-02T02:00:07Z`; now when not given."""
    if moment is None:
        moment = datetime.now(UTC)
    elif isinstance(moment, float | int):
        moment = datetime.fromtimestamp(moment, UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class RunRecord:
    """One sync run as the run log keeps it; `trigger` says who started it (`pmhub sync`,
    `schedule nightly_sync`, `retry 1 of <run id>`, `dagster` for the UI or `dg launch`)."""

    run_id: str
    job: str
    trigger: str
    started_at: str
    finished_at: str
    success: bool
    message: str = ""
    failed_step: str | None = None
    sources: dict[str, dict[str, float]] = field(default_factory=dict)
    # The first run of a retry chain (Dagster's dagster/root_run_id); None when the run is its own.
    root_run_id: str | None = None

    @property
    def sync_key(self) -> str:
        """The sync this run belongs to: its retries share the key of the run they retry."""
        return self.root_run_id or self.run_id

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=False, ensure_ascii=False)

    @classmethod
    def from_json(cls, line: str) -> RunRecord:
        data = json.loads(line)
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def append_run(warehouse: Path, record: RunRecord) -> Path:
    """Append one line to the warehouse's run log (creating its folder if the run created nothing)."""
    path = run_log_file(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write(record.to_json() + "\n")
    return path


def read_runs(path: Path) -> tuple[list[RunRecord], int]:
    """The runs of a run log, oldest first, and how many lines could not be read (torn or foreign)."""
    runs: list[RunRecord] = []
    unreadable = 0
    if not path.exists():
        return runs, 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            runs.append(RunRecord.from_json(line))
        except (ValueError, TypeError):
            unreadable += 1
    return runs, unreadable


def safe_reason(text: str, secrets: Iterable[str] = ()) -> str:
    """One line, with the given secret values, URL userinfo and `token=`-style pairs masked."""
    return one_line(Scrubber(secrets)(text), REASON_LIMIT)


def config_secrets(config: BaseModel) -> list[str]:
    """Every `SecretStr` value inside a parsed config (tokens, keys, emails)."""
    found: list[str] = []
    for value in config.__dict__.values():
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, SecretStr):
                found.append(item.get_secret_value())
            elif isinstance(item, BaseModel):
                found += config_secrets(item)
    return found


def source_figures(metadata: Mapping[str, Mapping[str, Any]], sources: Sequence[str]) -> dict[str, dict[str, float]]:
    """Per source id, its figures from the extract assets' materialization metadata (keyed by asset)."""
    figures: dict[str, dict[str, float]] = {}
    for source in sources:
        tool = source.split(":", 1)[0]
        asset = metadata.get(EXTRACT_STEPS.get(tool, ""), {})
        reported = (asset.get("per_source") or {}).get(source)
        if not isinstance(reported, Mapping):
            figures[source] = {}
            continue
        figures[source] = {k: reported[k] for k in FIGURES if isinstance(reported.get(k), int | float)}
        if isinstance(asset.get("duration_s"), int | float):
            figures[source]["duration_s"] = asset["duration_s"]
    return figures


def materialization_metadata(events: Iterable[dg.DagsterEvent]) -> dict[str, dict[str, Any]]:
    """Metadata values of every asset materialized in a run, keyed by asset key (`jira_landing`)."""
    found: dict[str, dict[str, Any]] = {}
    for event in events:
        if event.is_step_materialization:
            materialization = event.step_materialization_data.materialization
            found[materialization.asset_key.to_user_string()] = {
                k: getattr(v, "value", v) for k, v in materialization.metadata.items()
            }
    return found


def failure_from_events(events: Sequence[dg.DagsterEvent]) -> tuple[str, str | None]:
    """The one-line reason a run failed and the step it failed in: the innermost error of the first
    failed step, else the first failed check, else the run's own failure."""
    for event in events:
        if event.is_step_failure and event.step_failure_data and event.step_failure_data.error:
            error = event.step_failure_data.error
            if error.cls_name == "DagsterAssetCheckFailedError":
                continue  # "1 blocking asset check failed": the check's own evaluation below says which and why
            # Dagster wraps user errors; report ours (which carry the source and the object) and not
            # a deeper library error that lost that context.
            while error.cause is not None and (error.cls_name or "").startswith("Dagster"):
                error = error.cause
            text = error.message.strip().splitlines()[0] if error.message.strip() else error.cls_name or ""
            # "pkg.module.ApiError: jira:x: HTTP 401 ..." → the part after the class name
            head, sep, rest = text.partition(": ")
            return (rest if sep and "." in head and " " not in head else text), event.step_key
    for event in events:
        if event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.asset_check_evaluation_data
            if not evaluation.passed:
                reason = f": {evaluation.description}" if evaluation.description else ""
                message = (
                    f"check {evaluation.check_name} failed on {evaluation.asset_key.to_user_string()}{reason}; "
                    "the marts were not rebuilt and the published snapshot was kept"
                )
                return message, event.step_key
    for event in events:
        if event.is_run_failure:
            run_error = event.job_failure_data.error
            text = run_error.message if run_error is not None and run_error.message.strip() else event.message or ""
            return (text.strip().splitlines() or ["run failed"])[0], None
    return "sync failed (see the Dagster run for details)", None
