"""How long the people and risk marts take over a warehouse of N Jira issues (realistic profile).

A sandbox site of N issues is synced once (no added latency: the marts are what is measured), then
on that warehouse core is rebuilt by this code and the mart SQL of people's load and risk is run
again file by file, each timed, and
the whole mart step once more. Prints each file's seconds and rows.

    .venv/bin/python bench/people_risk_marts.py --issues 100000 [--keep DIR]

`--keep DIR` keeps the synced warehouse in DIR and reuses it when it is there already. The realistic
profile has no risk register: `--synthetic-risks N` (default 5000) adds N risks to core.risks so
that mart.risk_exposure has work to time, and says so.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.jira_sync import _post, start_sandbox, sync
from pipelines.config_file import load_config
from pipelines.sources import RAW_SCHEMA
from pipelines.transform.config_tables import write_config_tables
from pipelines.transform.core import build_core
from pipelines.transform.layers import fill, sql_files
from pipelines.transform.macros import register_functions
from pipelines.transform.marts import build_forecast_table, build_mart_tables
from pipelines.warehouse import ensure_base_schema
from sandbox.portfolio import Portfolio

# The marts of people and risk, by their table name.
MEASURED = ("people_load_by_project", "people_load", "risk_signals", "risk_exposure")


def synced_warehouse(issues: int, folder: Path) -> None:
    """Sync a sandbox site of `issues` into `folder/bench.duckdb`, unless it is there already."""
    if (folder / "bench.duckdb").exists():
        return
    proc, sandbox, env = start_sandbox(issues, 0, folder, "realistic")
    try:
        _post(f"{sandbox}/_sandbox/mutate", {"op": "advance", "minutes": 2})
        wall, steps, rss, _requests = sync("full", folder, env, sandbox)
        print(f"synced {issues:,} issues in {wall:.1f} s ({steps}); peak RSS {rss:.0f} MB")
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)


def add_synthetic_risks(conn: duckdb.DuckDBPyConnection, n: int) -> None:
    """n risks spread over the portfolio's projects: even ones rated 1-5 on both scales, odd ones a
    percentage against an amount of money; every seventh closed, every fifth without an owner."""
    conn.execute(
        """INSERT INTO core.risks BY NAME
           SELECT 'bench:' || i AS risk_id, p.project_id, 'bench' AS source, 'synthetic risk ' || i AS title,
                  CASE WHEN i % 2 = 0 THEN 1 + i % 5 ELSE 5 + i % 90 END AS probability,
                  CASE WHEN i % 2 = 0 THEN 'rating' ELSE 'percent' END AS probability_scale,
                  CASE WHEN i % 2 = 0 THEN 1 + (i // 5) % 5 ELSE 1000 * (1 + i % 50) END AS impact,
                  CASE WHEN i % 2 = 0 THEN 'rating' ELSE 'money' END AS impact_scale,
                  CASE WHEN i % 2 = 1 THEN 'EUR' END AS currency,
                  CASE WHEN i % 5 <> 0 THEN 'bench:owner:' || i % 40 END AS owner_id,
                  now() + to_days((i % 60 - 30)::INTEGER) AS due_at,
                  CASE WHEN i % 7 = 0 THEN 'Closed' ELSE 'Open' END AS status
           FROM range(?) t(i)
           JOIN (SELECT project_id, row_number() OVER (ORDER BY project_id) - 1 AS k,
                        count(*) OVER () AS projects FROM core.projects) p ON p.k = i % p.projects""",
        [n],
    )


def measure(folder: Path, synthetic_risks: int) -> None:
    # the sandbox's fixed credentials, which the config refers to
    config = load_config(folder / "pmhub.yaml", env={**os.environ, **Portfolio.sandbox_env()})
    db = folder / "measure.duckdb"
    shutil.copyfile(folder / "bench.duckdb", db)
    conn = duckdb.connect(str(db))
    as_of = conn.execute("SELECT as_of FROM meta.settings").fetchone()[0]
    assert isinstance(as_of, date)
    counts = conn.execute("SELECT count(*) FROM core.work_items").fetchone()
    print(f"warehouse: {counts[0] if counts else 0:,} work items, as of {as_of}")
    # core as this code builds it (the warehouse may have been synced by an older one)
    started = time.perf_counter()
    ensure_base_schema(conn, RAW_SCHEMA)  # the sync read Jira only: the other tools' raw tables are empty
    build_core(conn, config, as_of)
    build_forecast_table(conn, config, as_of)
    print(f"core and forecast rebuilt in {time.perf_counter() - started:.1f} s")
    if synthetic_risks and not conn.execute("SELECT count(*) FROM core.risks").fetchone()[0]:  # type: ignore[index]
        add_synthetic_risks(conn, synthetic_risks)
        print(f"core.risks held none: {synthetic_risks:,} synthetic risks added (half rated, half in money)")
    started = time.perf_counter()
    build_mart_tables(conn, config, as_of)
    print(f"the whole mart step (every mart SQL file): {time.perf_counter() - started:.2f} s")
    # each measured mart again, on what the step left (its inputs are all there now)
    register_functions(conn)
    write_config_tables(conn, config, as_of)
    files = {name.split("_", 1)[1].removesuffix(".sql"): sql for name, _where, sql in sql_files("mart")}
    total = 0.0
    for table in MEASURED:
        started = time.perf_counter()
        rows = fill(conn, "mart", table, files[table])
        seconds = time.perf_counter() - started
        total += seconds
        print(f"  mart.{table:24} {seconds:6.2f} s  {rows:>9,} rows")
    print(f"  {'together':29} {total:6.2f} s")
    conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the synced warehouse in this folder")
    parser.add_argument(
        "--synthetic-risks", type=int, default=5000, help="risks to add when the site's register is empty (0: none)"
    )
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        synced_warehouse(args.issues, args.keep)
        measure(args.keep, args.synthetic_risks)
        return 0
    with tempfile.TemporaryDirectory(prefix="pmhub-bench-") as tmp:
        synced_warehouse(args.issues, Path(tmp))
        measure(Path(tmp), args.synthetic_risks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
