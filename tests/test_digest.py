"""The Slack / Teams digest, delivered to a webhook receiver on 127.0.0.1: what it says about RAG
changes, P85 moves, stale sources and failed runs, and that each sync run is announced once per
channel, through `pmhub publish` re-runs and Dagster run retries alike."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from pipelines.cli import main
from pipelines.config_file import load_config
from pipelines.defs.sensors import _announce
from pipelines.demo import run_demo
from pipelines.digest import announce_run
from pipelines.digest.ledger import SentDigest, ledger_file, read_sent, record_sent
from pipelines.publish import published_file
from pipelines.run_log import RunRecord, append_run
from pipelines.status_pages import record_status_page_urls
from pipelines.warehouse import connect
from tests.conftest import warehouse_rows, write_config


class _Receiver(ThreadingHTTPServer):
    """Incoming webhooks as Slack (200 "ok") and Teams workflows (202) answer them; keeps what came."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, Any]]] = []
        super().__init__(("127.0.0.1", 0), _Handler)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/{path}"

    def payloads(self, channel: str) -> list[dict[str, Any]]:
        return [p for path, p in self.received if path == f"/{channel}"]


class _Handler(BaseHTTPRequestHandler):
    server: _Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((self.path, json.loads(body)))
        answer = b"ok" if self.path == "/slack" else b""
        self.send_response(200 if self.path == "/slack" else 202)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture()
def receiver() -> Iterator[_Receiver]:
    server = _Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def demo_warehouse(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("digest") / "demo.duckdb"
    outcome, _table = run_demo(db)
    assert outcome.success, outcome.message
    return db


@pytest.fixture()
def synced(tmp_path, demo_warehouse, receiver, monkeypatch) -> Path:
    """A copy of the demo's synced warehouse, its published snapshot and run log, with a config
    whose `publish:` webhooks point at the receiver (read from the environment, as secrets are)."""
    for name in (demo_warehouse.name, published_file(demo_warehouse).name, "demo.runs.jsonl"):
        shutil.copy(demo_warehouse.with_name(name), tmp_path / name)
    monkeypatch.setenv("SLACK_WEBHOOK_URL", receiver.url("slack"))
    monkeypatch.setenv("TEAMS_WEBHOOK_URL", receiver.url("teams"))
    return write_config(
        tmp_path / "pmhub.yaml",
        {
            "warehouse": "demo.duckdb",
            "publish": {"slack": {"webhook": "${SLACK_WEBHOOK_URL}"}, "teams": {"webhook": "${TEAMS_WEBHOOK_URL}"}},
        },
    )


def _lines(slack: dict[str, Any]) -> list[str]:
    return [line.removeprefix("• ") for line in slack["blocks"][1]["text"]["text"].splitlines()]


def _teams_lines(teams: dict[str, Any]) -> list[str]:
    body = teams["attachments"][0]["content"]["body"]
    return [block["text"].removeprefix("- ") for block in body[1:]]


def test_the_first_digest_names_every_project_and_a_rerun_sends_nothing(synced, receiver, capsys):
    db = synced.with_name("demo.duckdb")
    assert main(["publish", "--config", str(synced)]) == 0
    assert "sent to slack, teams" in capsys.readouterr().out
    (slack,), (teams,) = receiver.payloads("slack"), receiver.payloads("teams")
    portfolio = warehouse_rows(
        published_file(db), "SELECT name, rag_status, rag_reason FROM mart.portfolio ORDER BY name"
    )
    expected = [f"{name}: new → {rag} ({reason})" for name, rag, reason in portfolio]
    assert _lines(slack) == expected == _teams_lines(teams)
    assert slack["blocks"][0]["text"]["text"].startswith("pmhub portfolio digest, data as of ")
    assert teams["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert main(["publish", "--config", str(synced)]) == 0
    assert "was sent already" in capsys.readouterr().out
    assert len(receiver.received) == 2


def test_a_rag_change_and_a_p85_move_since_the_last_digest_are_news(synced, receiver):
    db = synced.with_name("demo.duckdb")
    apollo_rag, apollo_reason, apollo_p85 = warehouse_rows(
        published_file(db),
        "SELECT rag_status, rag_reason, forecast_p85 FROM mart.portfolio WHERE project_id = 'apollo'",
    )[0]
    current = {
        project: {"rag_status": rag, "rag_reason": reason, "forecast_p85": p85.isoformat() if p85 else None}
        for project, rag, reason, p85 in warehouse_rows(
            published_file(db), "SELECT project_id, rag_status, rag_reason, forecast_p85 FROM mart.portfolio"
        )
    }
    earlier = (apollo_p85 - timedelta(days=30)).isoformat()
    before = {**current, "apollo": {"rag_status": "green", "rag_reason": None, "forecast_p85": earlier}}
    record_sent(db, SentDigest("an-earlier-sync", "slack", "2026-11-01T02:00:00Z", True, before))
    sent = announce_run(load_config(synced), db, "this-sync", success=True)
    assert sent == ["slack", "teams"]
    assert _lines(receiver.payloads("slack")[0]) == [
        f"Apollo: green → {apollo_rag} ({apollo_reason})",
        f"Apollo: P85 finish {earlier} → {apollo_p85} (+30 days)",
    ]


def test_the_digest_links_the_status_page_the_last_publish_left(synced, receiver):
    db = synced.with_name("demo.duckdb")
    record_status_page_urls(db, {"confluence": "https://acme.atlassian.net/wiki/spaces/PMO/pages/42/Portfolio+status"})
    announce_run(load_config(synced), db, "sync-with-page", success=True)
    line = "status page: https://acme.atlassian.net/wiki/spaces/PMO/pages/42/Portfolio+status"
    assert _lines(receiver.payloads("slack")[0])[-1] == line == _teams_lines(receiver.payloads("teams")[0])[-1]


def test_stale_sources_and_a_failed_run_are_said(synced, receiver):
    db = synced.with_name("demo.duckdb")
    stale = "jira:sandbox APL: last read 2026-11-01 02:00 UTC, 48 h ago"
    with connect(published_file(db)) as conn:
        conn.execute("UPDATE mart.portfolio SET stale_containers = ? WHERE project_id = 'apollo'", [stale])
    announce_run(load_config(synced), db, "sync-1", success=True)
    assert f"stale or missing source: Apollo: {stale}" in _lines(receiver.payloads("slack")[0])
    reason = "jira:sandbox: HTTP 401 from GET /rest/api/3/myself — check the credentials configured for this source"
    append_run(
        db, RunRecord("sync-2", "sync", "pmhub sync", "2026-12-08T02:00:00Z", "2026-12-08T02:01:00Z", False, reason)
    )
    assert main(["publish", "--config", str(synced)]) == 0
    failure = receiver.payloads("slack")[-1]
    assert failure["blocks"][0]["text"]["text"] == "pmhub sync failed" and _lines(failure) == [reason]
    assert _teams_lines(receiver.payloads("teams")[-1]) == [reason]
    assert {(s.run_key, s.channel, s.success) for s in read_sent(db)} >= {("sync-2", "slack", False)}


def _sensor_context(run_id: str, tags: dict[str, str]) -> SimpleNamespace:
    logged: list[str] = []
    log = SimpleNamespace(info=logged.append, error=logged.append, warning=logged.append)
    return SimpleNamespace(dagster_run=SimpleNamespace(run_id=run_id, tags=tags), log=log, logged=logged)


def test_one_message_per_sync_through_dagster_run_retries(synced, receiver):
    """Dagster tags a failed run `dagster/will_retry` with the daemon's decision. Run R fails and is
    retried (R-1, tagged with root run R), then R-2 fails for good: one failure message. Run S fails,
    its retry S-1 succeeds: one digest, no failure. Run T fails where the instance retries nothing
    (no `will_retry`, though the job asks for retries): its failure is said at once."""
    asks = {"dagster/max_retries": "2"}
    runs = [
        ("R", {**asks, "dagster/will_retry": "true"}, False),
        ("R-1", {**asks, "dagster/retry_number": "1", "dagster/root_run_id": "R", "dagster/will_retry": "true"}, False),
        (
            "R-2",
            {**asks, "dagster/retry_number": "2", "dagster/root_run_id": "R", "dagster/will_retry": "false"},
            False,
        ),
        ("S", {**asks, "dagster/will_retry": "true"}, False),
        ("S-1", {**asks, "dagster/retry_number": "1", "dagster/root_run_id": "S"}, True),
        ("S-1", {**asks, "dagster/retry_number": "1", "dagster/root_run_id": "S"}, True),  # a sensor tick again
        ("T", {**asks}, False),
    ]
    for run_id, tags, success in runs:
        record = RunRecord(
            run_id,
            "sync",
            "dagster",
            "t0",
            "t1",
            success,
            "" if success else f"boom {run_id}",
            root_run_id=tags.get("dagster/root_run_id"),
        )
        _announce(_sensor_context(run_id, tags), str(synced), None, record)
    slack = receiver.payloads("slack")
    assert [p["blocks"][0]["text"]["text"].split(",")[0] for p in slack] == [
        "pmhub sync failed",
        "pmhub portfolio digest",
        "pmhub sync failed",
    ]
    assert _lines(slack[0]) == ["boom R-2"] and _lines(slack[2]) == ["boom T"]
    assert {(s.run_key, s.channel) for s in read_sent(synced.with_name("demo.duckdb"))} == {
        ("R", "slack"),
        ("R", "teams"),
        ("S", "slack"),
        ("S", "teams"),
        ("T", "slack"),
        ("T", "teams"),
    }


def test_a_webhook_url_never_shows_in_a_message(synced, receiver, monkeypatch, capsys):
    monkeypatch.setenv("SLACK_WEBHOOK_URL", receiver.url("slack").replace("/slack", "/T00/B00/secret-path-xyz"))
    receiver.shutdown()
    receiver.server_close()
    assert main(["publish", "--config", str(synced)]) == 1
    err = capsys.readouterr().err
    assert "slack webhook" in err and "secret-path-xyz" not in err and "127.0.0.1" not in err
    assert not ledger_file(synced.with_name("demo.duckdb")).exists()


def test_the_publish_section_is_validated_without_showing_a_webhook(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HOOK", "not a url secret-xyz")
    config = write_config(tmp_path / "pmhub.yaml", {"publish": {"slack": {"webhook": "${HOOK}"}}})
    assert main(["publish", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "publish.slack.webhook" in err and "secret-xyz" not in err


def test_the_digest_ledger_survives_a_torn_line(tmp_path):
    db = tmp_path / "w.duckdb"
    record_sent(db, SentDigest("a", "slack", "t", True, {}))
    with ledger_file(db).open("a", encoding="utf-8") as out:
        out.write('{"run_key": "b", "chan')
    assert [s.run_key for s in read_sent(db)] == ["a"]
