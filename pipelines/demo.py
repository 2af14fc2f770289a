"""`pmhub demo`: generate a portfolio, serve it from the built-in sandbox, sync it, print it."""

from __future__ import annotations

import os
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import yaml

from pipelines.load_summary import overallocated_people
from pipelines.publish import published_file
from pipelines.render import table
from pipelines.report import write_report
from pipelines.risk_summary import top_risks
from pipelines.run_sync import SyncOutcome, run_sync
from pipelines.warehouse import connect, landing_root, state_file
from sandbox.generator import generate
from sandbox.msproject_plans import add_demo_plan
from sandbox.server import SandboxServer

DEMO_MARKER = "pmhub-demo"


class DemoError(RuntimeError):
    pass


def _prepare(db: Path) -> None:
    """Start from an empty warehouse; refuse to touch a file that is not an earlier demo's."""
    if db.exists():
        try:
            with connect(db, read_only=True) as conn:
                marker = conn.execute("SELECT marker FROM meta.demo LIMIT 1").fetchone()
        except duckdb.Error:
            marker = None
        if not marker or marker[0] != DEMO_MARKER:
            raise DemoError(f"{db} exists and is not a pmhub demo warehouse; choose another --db")
        db.unlink()
    for leftover in (db.with_name(db.name + ".wal"), state_file(db), published_file(db), report_file(db)):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(landing_root(db), ignore_errors=True)
    shutil.rmtree(_plans_folder(db), ignore_errors=True)


def report_file(db: Path) -> Path:
    """Where the demo writes its portfolio report, beside the warehouse."""
    return db.with_name(db.stem + ".report.html")


def _plans_folder(db: Path) -> Path:
    """Where the demo writes its plan file, beside the warehouse."""
    return db.with_name(db.stem + ".plans")


def _mark(db: Path) -> None:
    with connect(db) as conn:
        conn.execute("CREATE OR REPLACE TABLE meta.demo AS SELECT ? AS marker", [DEMO_MARKER])


PORTFOLIO_COLUMNS = (
    "name, pct_complete, pct_basis, velocity_avg, velocity_unit, cpi, spi, forecast_p85, planned_end, rag_status, "
    "estimate_coverage, done_with_start_share, has_budget, has_cost_data, rag_reason, stale_containers"
)


def _pct(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


def _fixed(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def portfolio_table(db: Path) -> str:
    """The portfolio with the data-quality columns beside the numbers, then why each project is
    amber or red and which containers are stale or missing, then who is over-allocated."""
    with connect(published_file(db), read_only=True) as conn:
        rows = conn.execute(f"SELECT {PORTFOLIO_COLUMNS} FROM mart.portfolio ORDER BY name").fetchall()  # noqa: S608
        watch = overallocated_people(conn)
        risks = top_risks(conn)
    shown: list[list[Any]] = []
    notes: list[str] = []
    for name, pct, basis, velocity, unit, cpi, spi, p85, end, rag, estimated, started, budget, cost, why, stale in rows:
        shown.append(
            [
                name,
                "—" if pct is None else f"{_pct(pct)} ({basis})",
                "—" if velocity is None else f"{velocity:.1f} {unit}",
                _fixed(cpi),
                _fixed(spi),
                "—" if p85 is None else p85.isoformat(),
                "—" if end is None else end.isoformat(),
                rag,
                _pct(estimated),
                _pct(started),
                "yes" if budget else "no",
                "yes" if cost else "no",
            ]
        )
        if rag in ("amber", "red", "unknown") and why:
            notes.append(f"  {name} is {rag}: {why}")
        if stale:
            notes.append(f"  {name}: stale or missing: {stale}")
    header = ["project", "% complete", "avg velocity", "CPI", "SPI", "P85 finish", "planned end", "RAG"]
    header += ["estimated", "start known", "budget", "cost data"]
    text = table(header, shown, right=[False, *[True] * 6, False, True, True, False, False])
    with_budget, with_cost = sum(1 for r in rows if r[12]), sum(1 for r in rows if r[13])
    summary = f"{with_budget} of {len(rows)} projects have a budget, {with_cost} have cost data"
    if not any(r[15] for r in rows):
        summary += "; every container was read at the last sync"
    return "\n".join([text, "", summary, *notes, *risks, *(["", *watch] if watch else [])])


def run_demo(db: Path, size: str = "small", seed: int = 7) -> tuple[SyncOutcome, str]:
    db = db.resolve()
    _prepare(db)
    say = sys.stderr.write
    say(f"generating a {size} sandbox portfolio (seed {seed})…\n")
    portfolio = generate(seed=seed, size=size)  # type: ignore[arg-type]
    config_path = db.with_name(db.stem + ".yaml")
    with SandboxServer(portfolio) as server:
        say(f"sandbox serving Jira, Trello and Confluence APIs at {server.url}\n")
        # The demo's "secrets" are the sandbox's fixed credentials, passed like real ones: via env.
        os.environ.update(portfolio.sandbox_env())
        config: dict[str, Any] = portfolio.pmhub_config(server.url)
        config["warehouse"] = db.name
        staff = portfolio.staffing.plan_staff() if portfolio.staffing else None
        say(add_demo_plan(config, _plans_folder(db), portfolio.anchor, seed, staff) + "\n")
        config_path.parent.mkdir(parents=True, exist_ok=True)
        config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        started = datetime.now(UTC)
        outcome = run_sync(config_path, db, as_of=portfolio.anchor)
        say(
            f"sync finished in {(datetime.now(UTC) - started).total_seconds():.1f} s "
            f"({server.request_count} API requests)\n"
        )
    if not outcome.success:
        return outcome, ""
    _mark(db)
    write_report(db, report_file(db))
    return outcome, portfolio_table(db)


def closing_notes(db: Path) -> str:
    config = db.with_name(db.stem + ".yaml")
    portfolio_sql = "SELECT * FROM mart.portfolio"
    velocity_sql = "SELECT project_id, iteration_name, committed_points, completed_points FROM mart.velocity"
    return "\n".join(
        [
            "",
            f"Portfolio report (one HTML file for any browser; prints one project per page): {report_file(db)}",
            f"Warehouse: {db}",
            "Query it (read-only):",
            f'  pmhub query --db {db} "{portfolio_sql}"',
            f'  pmhub query --db {db} "{velocity_sql}"',
            "Open the Dagster UI on it (asset graph, runs, checks):",
            f"  DAGSTER_HOME=$PWD/dagster_home PMHUB_CONFIG={config} dagster dev -m pipelines.definitions",
            f"  (launching a sync from the UI needs a sandbox: pmhub sandbox serve --config-out {config})",
        ]
    )
