"""The Dagster UI on our code location, driven the way a person (or a script) drives it: `dagster dev`
on a free port of 127.0.0.1 against the sandbox, then its GraphQL API — the asset graph, the
checks, the nightly schedule, a launched `sync` run, and the run log the sensors write for it.

Deselect with `-m "not ui"` (it starts real processes: about 30 s).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import pytest
import requests

from pipelines.digest.ledger import read_sent
from pipelines.run_log import read_runs, run_log_file
from pipelines.sources import TOOLS
from tests.conftest import write_config

pytestmark = pytest.mark.ui

ROOT = Path(__file__).resolve().parents[1]
LOCATION = {"repositoryLocationName": "pipelines.definitions", "repositoryName": "__repository__"}
LANDING = {f"{tool}_landing" for tool in TOOLS}  # one extract asset per registered tool
ASSETS = {*LANDING, "raw_tables", "core_tables", "mart_tables"}
T = TypeVar("T")
# The job's default executor starts a process per step (~3 s each, the writers one at a time); the
# in-process executor of the same job keeps these tests well under a minute each.
IN_PROCESS = {"execution": {"config": {"in_process": {}}}}


class DagsterDev:
    """A running `dagster dev` and a GraphQL client for it."""

    def __init__(self, url: str, log: Path) -> None:
        self.url = url
        self.log = log

    def query(self, query: str, **variables: Any) -> dict[str, Any]:
        response = requests.post(self.url, json={"query": query, "variables": variables}, timeout=10)
        response.raise_for_status()
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]

    def wait_for(self, what: str, probe: Callable[[], T | None], timeout: float) -> T:
        """Poll `probe` until it returns something truthy; fail with the server's log tail if not."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                found = probe()
            except requests.RequestException:
                found = None  # not listening yet, or restarting a code server
            if found:
                return found
            time.sleep(0.5)
        tail = self.log.read_text(errors="replace")[-3000:]
        pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}; dagster dev log:\n{tail}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def dagster_dev(tmp_path, portfolio, sandbox, sandbox_env) -> Iterator[DagsterDev]:
    config = write_config(tmp_path / "pmhub.yaml", portfolio.pmhub_config(sandbox.url))
    with _dagster_dev(tmp_path, config) as ui:
        yield ui


@contextmanager
def _dagster_dev(tmp_path: Path, config: Path, **env_extra: str) -> Iterator[DagsterDev]:
    """`dagster dev` (webserver, daemon, code server) on `config`, with this repository's instance
    settings (run retries included), in a home of its own."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    port = _free_port()
    log = tmp_path / "dagster-dev.log"
    env = {**os.environ, "DAGSTER_HOME": str(home), "PMHUB_CONFIG": str(config), **env_extra}
    command = [str(ROOT / ".venv" / "bin" / "dagster"), "dev", "-m", "pipelines.definitions"]
    command += ["-h", "127.0.0.1", "-p", str(port)]
    with log.open("w") as out:
        # Its own process group, so the webserver, daemon, code server and run workers stop together.
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield DagsterDev(f"http://127.0.0.1:{port}/graphql", log)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


REPOSITORIES = "{ repositoriesOrError { ... on RepositoryConnection { nodes { name location { name } } } } }"
ASSET_GRAPH = """{ assetNodes { assetKey { path } dependencyKeys { path }
    assetChecksOrError { ... on AssetChecks { checks { name blocking } } } } }"""
SCHEDULE = """query ($selector: ScheduleSelector!) { scheduleOrError(scheduleSelector: $selector) {
    __typename ... on Schedule { cronSchedule executionTimezone pipelineName scheduleState { status } } } }"""
SENSOR = """query ($selector: SensorSelector!) { sensorOrError(sensorSelector: $selector) {
    ... on Sensor { sensorState { status
        ticks(limit: 5) { status skipReason logEvents { events { message } } } } } } }"""
LAUNCH = """mutation ($params: ExecutionParams!) { launchRun(executionParams: $params) {
    __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message }
    ... on RunConfigValidationInvalid { errors { message } } } }"""
RUN = """query ($runId: ID!) { runOrError(runId: $runId) { ... on Run { status
    assetMaterializations { assetKey { path } } } } }"""


def _sensor(ui: DagsterDev, name: str) -> dict[str, Any]:
    return ui.query(SENSOR, selector={**LOCATION, "sensorName": name})["sensorOrError"]["sensorState"]


def test_ui_shows_the_graph_checks_and_schedule_and_runs_the_sync_job(dagster_dev, tmp_path):
    ui = dagster_dev
    started = time.monotonic()
    repositories = ui.wait_for(
        "the GraphQL endpoint and the code location",
        lambda: ui.query(REPOSITORIES)["repositoriesOrError"].get("nodes"),
        timeout=45,
    )
    assert [(r["name"], r["location"]["name"]) for r in repositories] == [("__repository__", "pipelines.definitions")]

    nodes = {"/".join(n["assetKey"]["path"]): n for n in ui.query(ASSET_GRAPH)["assetNodes"]}
    assert set(nodes) >= ASSETS
    assert {d["path"][0] for d in nodes["raw_tables"]["dependencyKeys"]} == LANDING
    checks = {c["name"]: c["blocking"] for c in nodes["core_tables"]["assetChecksOrError"]["checks"]}
    assert checks.get("core_ids_unique")

    schedule = ui.query(SCHEDULE, selector={**LOCATION, "scheduleName": "nightly_sync"})["scheduleOrError"]
    assert schedule["__typename"] == "Schedule"
    assert (schedule["cronSchedule"], schedule["executionTimezone"], schedule["pipelineName"]) == (
        "0 2 * * *",
        "UTC",
        "sync",
    )
    assert schedule["scheduleState"]["status"] == "RUNNING"

    # A run-status sensor starts reading runs at its first tick; launching before it would go unseen.
    for name in ("run_log_success", "run_log_failure"):
        ui.wait_for(f"the first tick of {name}", lambda name=name: _sensor(ui, name)["ticks"], timeout=30)
        assert _sensor(ui, name)["status"] == "RUNNING"

    params = {"selector": {**LOCATION, "jobName": "sync"}, "runConfigData": IN_PROCESS}
    launched = ui.query(LAUNCH, params=params)
    assert launched["launchRun"]["__typename"] == "LaunchRunSuccess", launched
    run_id = launched["launchRun"]["run"]["runId"]

    def finished() -> dict[str, Any] | None:
        run = ui.query(RUN, runId=run_id)["runOrError"]
        return run if run["status"] in {"SUCCESS", "FAILURE", "CANCELED"} else None

    run = ui.wait_for(f"run {run_id} to finish", finished, timeout=60)
    assert run["status"] == "SUCCESS", ui.log.read_text(errors="replace")[-3000:]
    assert {"/".join(m["assetKey"]["path"]) for m in run["assetMaterializations"]} >= ASSETS

    # The success sensor writes the run to the run log beside the warehouse, and logs it on its tick.
    log = run_log_file(tmp_path / "pmhub.duckdb")
    record = ui.wait_for(
        "the run log line of the run",
        lambda: next((r for r in read_runs(log)[0] if r.run_id == run_id), None),
        timeout=30,
    )
    assert record.success and record.job == "sync" and record.trigger == "dagster"
    assert set(record.sources) == {"jira:sandbox", "trello:sandbox", "confluence:sandbox"}
    assert all(figures["records"] > 0 for figures in record.sources.values())

    def tick_logged() -> bool:
        ticks = _sensor(ui, "run_log_success")["ticks"]
        return any(run_id in e["message"] for t in ticks for e in (t["logEvents"] or {}).get("events", []))

    ui.wait_for("the sensor tick that logs the run", tick_logged, timeout=15)
    print(
        f"dagster dev: graph, checks, schedule, a sync run and its run-log line in {time.monotonic() - started:.0f} s"
    )


class _Webhook(ThreadingHTTPServer):
    """A Slack incoming webhook on 127.0.0.1 that keeps what it was sent."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        super().__init__(("127.0.0.1", 0), _WebhookHandler)


class _WebhookHandler(BaseHTTPRequestHandler):
    server: _Webhook

    def do_POST(self) -> None:
        self.server.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: Any) -> None:
        pass


def test_a_sync_the_daemon_retries_is_announced_once(tmp_path, portfolio, sandbox, sandbox_env):
    """A nightly sync fails (Trello refuses its token), the daemon retries it (run retries are on in
    dagster_home/dagster.yaml) and, the token fixed meanwhile, a retry succeeds; or every attempt
    fails. Either way the Slack webhook gets exactly one message for the whole chain, keyed by the
    first run."""
    webhook = _Webhook()
    threading.Thread(target=webhook.serve_forever, daemon=True).start()
    good = portfolio.pmhub_config(sandbox.url)
    good["publish"] = {"slack": {"webhook": "${DIGEST_WEBHOOK_URL}"}}
    bad = json.loads(json.dumps(good))
    bad["sources"]["trello"][0]["token"] = "a-revoked-token"
    config = write_config(tmp_path / "pmhub.yaml", bad)
    url = f"http://127.0.0.1:{webhook.server_address[1]}/services/T0/B0/x"
    try:
        with _dagster_dev(tmp_path, config, DIGEST_WEBHOOK_URL=url) as ui:
            ui.wait_for("the code location", lambda: ui.query(REPOSITORIES)["repositoriesOrError"].get("nodes"), 60)
            for name in ("run_log_success", "run_log_failure"):
                ui.wait_for(f"the first tick of {name}", lambda name=name: _sensor(ui, name)["ticks"], timeout=30)
            params = {"selector": {**LOCATION, "jobName": "sync"}, "runConfigData": IN_PROCESS}
            launched = ui.query(LAUNCH, params=params)
            assert launched["launchRun"]["__typename"] == "LaunchRunSuccess", launched
            first = launched["launchRun"]["run"]["runId"]
            status = lambda: ui.query(RUN, runId=first)["runOrError"]["status"]  # noqa: E731
            ui.wait_for("the first run to fail", lambda: status() == "FAILURE", timeout=90)
            write_config(config, good)  # the token is fixed before (or while) the daemon retries
            ui.wait_for("the chain's message", lambda: webhook.received, timeout=150)
            time.sleep(3 * 5)  # three more ticks of the run sensors: time for a second message to come
    finally:
        webhook.shutdown()
        webhook.server_close()
    assert len(webhook.received) == 1, webhook.received
    sent = read_sent(tmp_path / "pmhub.duckdb")
    assert [(s.run_key, s.channel) for s in sent] == [(first, "slack")]
    runs, _unreadable = read_runs(run_log_file(tmp_path / "pmhub.duckdb"))
    chain = [r for r in runs if r.sync_key == first]
    assert len(chain) >= 2 and not chain[0].success  # the daemon did retry the failed run
    title = webhook.received[0]["blocks"][0]["text"]["text"]
    assert title.startswith("pmhub portfolio digest" if chain[-1].success else "pmhub sync failed"), title
    print(f"retry chain: {[(r.trigger, r.success) for r in chain]}; the one message: {title!r}")
