"""A sync killed with SIGKILL during the load and during the mart build, then run again, leaves
exactly the rows and metric values of a sync that was never interrupted (issue 6)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb

from pipelines.landing import complete_batches
from pipelines.publish import published_file
from pipelines.warehouse import landing_root
from tests.conftest import warehouse_contents
from tests.test_jira_failure_modes import site

PMHUB = [sys.executable, "-m", "pipelines.cli"]


def _sync(config: Path, db: Path, env: dict[str, str], kill_at: str | None = None) -> None:
    """`pmhub sync` in a child process; with `kill_at`, SIGKILL it as soon as it prints that step."""
    proc = subprocess.Popen(
        [*PMHUB, "sync", "--config", str(config), "--db", str(db), "--only", "jira"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **env},
    )
    assert proc.stdout is not None
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if kill_at and kill_at in line:
            os.kill(proc.pid, signal.SIGKILL)
            break
    code = proc.wait(timeout=300)
    proc.stdout.close()
    if kill_at:
        assert code == -signal.SIGKILL, "".join(seen)
    else:
        assert code == 0, "".join(seen)


def test_killed_during_load_and_during_marts_then_rerun_equals_an_uninterrupted_sync(tmp_path, sandbox_env):
    with site(tmp_path, sandbox_env) as (server, config, db):
        control = tmp_path / "control.duckdb"
        _sync(config, db, sandbox_env, kill_at="loading landing batches")
        # killed before the load could apply and clear every landed batch
        assert list(complete_batches(landing_root(db)))
        _sync(config, db, sandbox_env)
        _sync(config, control, sandbox_env)
        assert warehouse_contents(db) == warehouse_contents(control)

        server.advance(60)
        server.create_issues(6, "APL", seed=5)
        server.touch(0.05, seed=6)
        server.advance(2)
        published = published_file(db)
        before = published.read_bytes()
        _sync(config, db, sandbox_env, kill_at="computing marts")
        # the snapshot analysts read is untouched by the killed run and opens cleanly
        assert published.read_bytes() == before
        duckdb.connect(str(published), read_only=True).close()
        _sync(config, db, sandbox_env)
        _sync(config, control, sandbox_env)
        assert warehouse_contents(db) == warehouse_contents(control)
        with duckdb.connect(str(db), read_only=True) as conn:
            assert conn.execute("SELECT count(*) FROM mart.portfolio").fetchone()[0] > 0
