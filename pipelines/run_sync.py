"""Run the Dagster sync job in-process, as `pmhub sync` and `pmhub demo` do."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from models.config import ConfigError
from pipelines.config_file import empty_config_notes
from pipelines.config_outline import read_outline
from pipelines.definitions import build_definitions
from pipelines.defs.extract_assets import EXTRACT_ASSETS
from pipelines.defs.resources import PmhubResource
from pipelines.defs.warehouse_assets import WAREHOUSE_ASSETS
from pipelines.progress import progress
from pipelines.run_log import (
    RunRecord,
    append_run,
    config_secrets,
    failure_from_events,
    materialization_metadata,
    safe_reason,
    source_figures,
    utc_stamp,
)

TOOLS = tuple(EXTRACT_ASSETS)

# Dagster's own console logging is for the UI; the CLI prints its own progress lines.
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@dataclass
class SyncOutcome:
    """Whether the sync succeeded, the one-line reason if not, per-asset metadata, and what the
    config left with nothing to do (no source to extract, no portfolio project), one line each."""

    success: bool
    message: str = ""
    metadata: dict[str, dict[str, Any]] = field(default_factory=dict)
    warehouse: Path | None = None
    notes: list[str] = field(default_factory=list)


def run_sync(
    config_path: Path,
    db: Path | None = None,
    *,
    full: bool = False,
    only: Sequence[str] = TOOLS,
    as_of: date | None = None,
) -> SyncOutcome:
    """Sync the sources of the config (or those of the `only` tools) and rebuild the marts.

    The outcome is also appended to the warehouse's run log (`pmhub status` reads it), including a
    config that cannot be used, as long as the file says where the warehouse is.
    """
    started = utc_stamp()
    pmhub = PmhubResource(
        config_path=str(config_path),
        warehouse=str(db) if db else None,
        full_refresh=full,
        as_of=as_of.isoformat() if as_of else None,
    )
    try:
        config = pmhub.config()  # fail early and clearly on a bad config or a missing ${VAR}
    except ConfigError as exc:
        _record_unusable_config(config_path, db, only, started, str(exc))
        raise
    # Said, not refused: an empty config is how a new one starts, and the run still builds the tables.
    notes = empty_config_notes(config, config_path, only)
    for note in notes:
        progress.warning("%s", note)
    job = build_definitions(pmhub).resolve_job_def("sync")
    selection = [EXTRACT_ASSETS[t].key for t in only]
    selection += [asset.key for asset in WAREHOUSE_ASSETS]
    result = job.execute_in_process(run_config=QUIET, raise_on_error=False, asset_selection=selection)
    metadata = materialization_metadata(result.all_events)
    message, failed_step = ("", None) if result.success else failure_from_events(result.all_events)
    message = safe_reason(message, config_secrets(config)) if message else ""
    warehouse = pmhub.warehouse_file()
    covered = [f"{tool}:{s.name}" for tool in only for s in config.sources.of(tool)]
    record = RunRecord(
        run_id=result.run_id,
        job="sync",
        trigger="pmhub sync",
        started_at=started,
        finished_at=utc_stamp(),
        success=result.success,
        message=message,
        failed_step=failed_step,
        sources=source_figures(metadata, covered),
    )
    _append(warehouse, record)
    return SyncOutcome(result.success, message, metadata, warehouse, notes)


def _record_unusable_config(config_path: Path, db: Path | None, only: Sequence[str], started: str, reason: str) -> None:
    try:
        outline = read_outline(config_path, db)
    except ConfigError:
        return  # the file does not even say where the warehouse is; the CLI's error line is all there is
    covered = [s for s in outline.sources if s.split(":", 1)[0] in only]
    record = RunRecord(
        run_id=f"config-{uuid.uuid4()}",
        job="sync",
        trigger="pmhub sync",
        started_at=started,
        finished_at=utc_stamp(),
        success=False,
        message=safe_reason(reason, outline.secret_values()),
        sources={s: {} for s in covered},
    )
    _append(outline.warehouse, record)


def _append(warehouse: Path, record: RunRecord) -> None:
    # The run log is a report about the sync; failing to write it must not change the sync's outcome.
    try:
        append_run(warehouse, record)
    except OSError as exc:
        progress.warning("could not write the run log beside %s: %s", warehouse, exc.strerror or exc)
