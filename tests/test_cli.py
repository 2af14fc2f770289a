"""The CLI contract end to end, as a user runs it: `pmhub sandbox serve` in one process, then
`pmhub check`, `pmhub sync` and `pmhub query` as separate processes against it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

PMHUB = [sys.executable, "-m", "pipelines.cli"]


@pytest.fixture()
def served(tmp_path) -> Iterator[dict]:
    config = tmp_path / "pmhub.yaml"
    proc = subprocess.Popen(
        [*PMHUB, "sandbox", "serve", "--port", "0", "--config-out", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONFAULTHANDLER": "1"},
    )
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("Press Ctrl-C"):
            break
    text = "".join(lines)
    env = dict(re.findall(r"export (\w+)=(\S+)", text))
    expected = dict(
        (k, int(v)) for v, k in re.findall(r"(\d+) (work items|status changes|sprints|worklogs|documents)", text)
    )
    url = re.search(r"listening on (http://127\.0\.0\.1:\d+)", text)
    assert url and env and expected, text
    try:
        yield {"config": config, "env": {**os.environ, **env}, "expected": expected, "url": url.group(1)}
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            assert proc.wait(timeout=10) == 0
        except subprocess.TimeoutExpired:
            # Show where it hangs: with PYTHONFAULTHANDLER set, SIGABRT prints every thread's stack.
            proc.send_signal(signal.SIGABRT)
            rest = proc.communicate(timeout=10)[0]
            raise AssertionError(f"the sandbox did not stop within 10 s of Ctrl-C:\n{rest}") from None


def pmhub(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*PMHUB, *args], capture_output=True, text=True, env=env, timeout=300)


def test_check_sync_query_against_a_served_sandbox(served, tmp_path):
    check = pmhub("check", "--config", str(served["config"]), env=served["env"])
    assert check.returncode == 0, check.stdout + check.stderr
    assert len([line for line in check.stdout.splitlines() if line.startswith("ok")]) == 4

    db = tmp_path / "warehouse.duckdb"
    sync = pmhub("sync", "--config", str(served["config"]), "--db", str(db), env=served["env"])
    assert sync.returncode == 0, sync.stderr
    # the problems the sandbox plants: the people its config does not list and only a name links
    # (sandbox.staffing), and a risk page's unreadable probability (sandbox.gen_risks)
    header, *problems = sync.stderr.splitlines()
    assert header == "data problems (not loaded as numbers):"
    risk = [p for p in problems if "risk page" in p]
    assert len(risk) == 1 and "risk page 'Apollo risk: accessibility audit fails'" in risk[0]
    assert "field 'Probability'" in risk[0]
    others = [p for p in problems if p not in risk]
    assert others and all(re.fullmatch(r"  people: '.+' is the name of 2 people \(.+\) that no .+", p) for p in others)
    rows = {k: int(v) for k, v in re.findall(r"core\.(\w+): (\d+) rows", sync.stdout)}
    expected = served["expected"]
    assert rows["work_items"] == expected["work items"]
    assert rows["status_changes"] == expected["status changes"]
    assert rows["sprints"] == expected["sprints"]
    assert rows["worklogs"] == expected["worklogs"]
    assert rows["documents"] == expected["documents"]
    assert rows["budgets"] == len(yaml.safe_load(served["config"].read_text())["portfolio"]) == 5

    query = pmhub("query", "--db", str(db), "SELECT name, rag_status FROM mart.portfolio ORDER BY name")
    assert query.returncode == 0, query.stderr
    assert re.search(r"Apollo\s+(green|amber|red)", query.stdout)


def test_check_reports_a_wrong_token_per_source(served):
    env = {**served["env"], "PMHUB_SANDBOX_TRELLO_TOKEN": "tok-3f9a-wrong"}
    check = pmhub("check", "--config", str(served["config"]), env=env)
    assert check.returncode == 1
    failed = [line for line in check.stdout.splitlines() if line.startswith("FAIL")]
    assert len(failed) == 1 and "trello:sandbox" in failed[0] and "401" in failed[0]
    assert "tok-3f9a" not in check.stdout + check.stderr
    print(failed[0])


def test_missing_config_file_is_one_line(tmp_path):
    result = pmhub("sync", "--config", str(tmp_path / "nope.yaml"))
    assert result.returncode != 0
    assert result.stderr.strip().endswith("config file not found") and len(result.stderr.strip().splitlines()) == 1


def test_query_on_missing_warehouse(tmp_path):
    result = pmhub("query", "--db", str(tmp_path / "none.duckdb"), "SELECT 1")
    assert result.returncode == 1 and "no such warehouse file" in result.stderr
    assert not Path(tmp_path / "none.duckdb").exists()
