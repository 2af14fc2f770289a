"""`pmhub status`: the last run of each source, read from the run log (never from DuckDB, which a
failed run may have left locked or broken).

Per source: when a run that covered it last succeeded and how many hours ago that was (a source
older than `settings.stale_after_hours` is marked stale), how its last run ended and the figures of
its extract in that run (none when the extract did not finish), and when it last failed and why.
A failed run counts as a failure of every source it covered: nothing it read reached the marts.
The status is bad (non-zero exit) when the last run failed, or when no run was ever recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pipelines.render import table
from pipelines.run_log import RunRecord, read_runs, run_log_file

# Column title → figure key in the run log (`throttled` counts HTTP 429 responses; `s` is the
# duration of the tool's extract step).
FIGURE_COLUMNS = {
    "records": "records",
    "requests": "requests",
    "retries": "retries",
    "429s": "throttled",
    "warnings": "warnings",
    "s": "duration_s",
}


@dataclass(frozen=True)
class SourceStatus:
    """What the run log says about one source."""

    source: str
    last_success: RunRecord | None
    last_run: RunRecord | None
    last_failure: RunRecord | None
    figures: dict[str, float]


def _moment(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _when(stamp: str) -> str:
    return _moment(stamp).strftime("%Y-%m-%d %H:%M:%S UTC")


def source_statuses(runs: Sequence[RunRecord], sources: Sequence[str]) -> list[SourceStatus]:
    """One status per source, configured ones first in config order, then any others the log names."""
    names = list(sources) + sorted({s for r in runs for s in r.sources} - set(sources))
    statuses = []
    for name in names:
        mine = [r for r in runs if name in r.sources]
        statuses.append(
            SourceStatus(
                source=name,
                last_success=next((r for r in reversed(mine) if r.success), None),
                last_run=mine[-1] if mine else None,
                last_failure=next((r for r in reversed(mine) if not r.success), None),
                figures=dict(mine[-1].sources[name]) if mine else {},
            )
        )
    return statuses


@dataclass(frozen=True)
class StatusReport:
    """The report to print and, when the status is bad, the one line that says why."""

    text: str
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def render_status(
    warehouse: Path, sources: Sequence[str], stale_after_hours: float, now: datetime | None = None
) -> StatusReport:
    """The status of every source; bad when the last run failed or no run was recorded."""
    now = now or datetime.now(UTC)
    log = run_log_file(warehouse)
    runs, unreadable = read_runs(log)
    lines = [f"warehouse {warehouse}", f"run log   {log} ({len(runs)} runs)"]
    if unreadable:
        lines.append(f"          {unreadable} unreadable lines skipped")
    if not runs:
        problem = f"no sync run recorded in {log} yet: run `pmhub sync` or wait for the nightly schedule"
        return StatusReport("\n".join(lines), problem)
    last = runs[-1]
    took = (_moment(last.finished_at) - _moment(last.started_at)).total_seconds()
    outcome = "succeeded" if last.success else "FAILED" + (f" in {last.failed_step}" if last.failed_step else "")
    lines.append(f"last run  {outcome} at {_when(last.finished_at)} after {took:.0f} s ({last.trigger}, {last.run_id})")
    if not last.success:
        lines.append(f"  reason: {last.message}")
    statuses = source_statuses(runs, sources)
    rows = []
    for st in statuses:
        age = (now - _moment(st.last_success.finished_at)).total_seconds() / 3600 if st.last_success else None
        ended = "ok" if st.last_run and st.last_run.success else "failed" if st.last_run else "never run"
        rows.append(
            [
                st.source,
                _when(st.last_success.finished_at)[:-4] if st.last_success else "never",
                f"{age:.1f}" if age is not None else "—",
                ended + (" (stale)" if age is None or age > stale_after_hours else ""),
                *(_figure(st.figures, key) for key in FIGURE_COLUMNS.values()),
                _when(st.last_failure.finished_at)[:-4] if st.last_failure else "—",
            ]
        )
    columns = ["source", "last success (UTC)", "hours ago", "last run", *FIGURE_COLUMNS, "last failure (UTC)"]
    right = [False, False, True, False, *(True for _ in FIGURE_COLUMNS), False]
    if rows:
        lines += ["", table(columns, rows, right=right)]
    else:  # a config without sources syncs nothing, successfully; say so rather than print a bare header
        lines += ["", "sources   none: the config names no source and no recorded run covered any"]
    # One entry per failed run, naming the sources it covered.
    failures: dict[str, tuple[RunRecord, list[str]]] = {}
    for st in statuses:
        if st.last_failure is not None:
            failures.setdefault(st.last_failure.run_id, (st.last_failure, []))[1].append(st.source)
    if failures:
        lines += ["", "last failure"]
        for record, names in failures.values():
            where = f" in {record.failed_step}" if record.failed_step else ""
            lines.append(f"  {_when(record.finished_at)}{where} (run {record.run_id}), for {', '.join(names)}:")
            lines.append(f"    {record.message}")
    problem = "" if last.success else f"the last sync failed at {_when(last.finished_at)}: {last.message}"
    return StatusReport("\n".join(lines), problem)


def _figure(figures: dict[str, float], key: str) -> float | int | None:
    value = figures.get(key)
    if value is None or key == "duration_s":
        return value
    return int(value)
