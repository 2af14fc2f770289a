"""Run the Dagster sync job in-process, as `pmhub sync` and `pmhub demo` do."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg

from pipelines.definitions import build_definitions
from pipelines.defs.extract_assets import EXTRACT_ASSETS
from pipelines.defs.resources import PmhubResource
from pipelines.defs.warehouse_assets import core_tables, mart_tables, raw_tables

TOOLS = tuple(EXTRACT_ASSETS)

# Dagster's own console logging is for the UI; the CLI prints its own progress lines.
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@dataclass
class SyncOutcome:
    """Whether the sync succeeded, the one-line reason if not, and per-asset metadata."""

    success: bool
    message: str = ""
    metadata: dict[str, dict[str, Any]] = field(default_factory=dict)
    warehouse: Path | None = None


def run_sync(
    config_path: Path,
    db: Path | None = None,
    *,
    full: bool = False,
    only: Sequence[str] = TOOLS,
    as_of: date | None = None,
) -> SyncOutcome:
    """Sync the sources of the config (or those of the `only` tools) and rebuild the marts."""
    pmhub = PmhubResource(
        config_path=str(config_path),
        warehouse=str(db) if db else None,
        full_refresh=full,
        as_of=as_of.isoformat() if as_of else None,
    )
    pmhub.config()  # fail early and clearly on a bad config or a missing ${VAR}
    job = build_definitions(pmhub).resolve_job_def("sync")
    selection = [EXTRACT_ASSETS[t].key for t in only] + [raw_tables.key, core_tables.key, mart_tables.key]
    result = job.execute_in_process(run_config=QUIET, raise_on_error=False, asset_selection=selection)
    metadata: dict[str, dict[str, Any]] = {}
    for event in result.get_asset_materialization_events():
        materialization = event.step_materialization_data.materialization
        metadata[materialization.asset_key.to_user_string()] = {
            k: getattr(v, "value", v) for k, v in materialization.metadata.items()
        }
    return SyncOutcome(
        result.success, "" if result.success else failure_message(result), metadata, pmhub.warehouse_file()
    )


def failure_message(result: dg.ExecuteInProcessResult) -> str:
    """The innermost error of the first failed step or check, as one line."""
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data and event.step_failure_data.error:
            error = event.step_failure_data.error
            # Dagster wraps user errors; report ours (which carry the source and the object) and not
            # a deeper library error that lost that context.
            while error.cause is not None and (error.cls_name or "").startswith("Dagster"):
                error = error.cause
            text = error.message.strip().splitlines()[0] if error.message.strip() else error.cls_name or ""
            # "pkg.module.ApiError: jira:x: HTTP 401 ..." → the part after the class name
            head, sep, rest = text.partition(": ")
            return rest if sep and "." in head and " " not in head else text
    for evaluation in result.get_asset_check_evaluations():
        if not evaluation.passed:
            return f"check {evaluation.check_name} failed on {evaluation.asset_key.to_user_string()}"
    return "sync failed (see the Dagster run for details)"
