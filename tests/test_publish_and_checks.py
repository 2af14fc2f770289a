"""The published snapshot and the blocking checks (issue 6): analysts read a file no sync blocks,
and bad core data never reaches the marts or the snapshot."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest
import yaml

from pipelines.cli import main
from pipelines.integrity import orphan_references, unexplained_drops
from pipelines.publish import published_file
from pipelines.run_sync import run_sync
from tests.conftest import ANCHOR, write_config
from tests.metric_warehouse import MetricWarehouse
from tests.test_jira_failure_modes import site

JIRA_ITEMS = "SELECT count(*) FROM core.work_items WHERE source_id = 'jira:sandbox'"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_reader_holding_the_published_file_neither_blocks_the_sync_nor_sees_it_half_done(tmp_path, sandbox_env):
    with site(tmp_path, sandbox_env) as (server, config, db):
        first = run_sync(config, db, only=["jira"], as_of=ANCHOR)
        assert first.success, first.message
        published = published_file(db)
        reader = duckdb.connect(str(published), read_only=True)
        before = reader.execute(JIRA_ITEMS).fetchone()[0]
        server.advance(60)
        server.create_issues(7, "APL", seed=3)
        server.advance(2)
        outcome = run_sync(config, db, only=["jira"], as_of=ANCHOR)
        assert outcome.success, outcome.message
        # each extract's metadata gives the cursor window it read: from where the last run ended
        windows = [r.metadata["jira_landing"]["per_source"]["jira:sandbox"] for r in (first, outcome)]
        assert windows[0]["cursors_from"] == {} and windows[0]["cursors_to"]
        assert windows[1]["cursors_from"] == windows[0]["cursors_to"] != windows[1]["cursors_to"]
        assert {"requests", "retries", "duration_s"} <= set(outcome.metadata["jira_landing"])
        assert reader.execute(JIRA_ITEMS).fetchone()[0] == before  # the old snapshot, whole
        reader.close()
        with duckdb.connect(str(published), read_only=True) as reopened:
            assert reopened.execute(JIRA_ITEMS).fetchone()[0] == before + 7
        assert not list(tmp_path.glob(".*.partial"))


def test_a_failing_blocking_check_stops_the_marts_and_keeps_the_snapshot(tmp_path, sandbox_env, capsys):
    with site(tmp_path, sandbox_env) as (server, config, db):
        assert main(["sync", "--config", str(config), "--db", str(db), "--only", "jira"]) == 0
        published = published_file(db)
        kept = _digest(published)
        with duckdb.connect(str(db), read_only=True) as conn:
            marts_before = conn.execute("SELECT count(*) FROM mart.project_progress").fetchone()[0]
        broken = yaml.safe_load(config.read_text())
        broken["sources"]["jira"][0]["story_points_field"] = "customfield_99999"
        write_config(config, broken)
        server.advance(60)
        server.create_issues(5, "APL", seed=4)
        capsys.readouterr()
        assert main(["sync", "--config", str(config), "--db", str(db), "--only", "jira"]) != 0
        err = capsys.readouterr().err
        assert "check story_points_resolved failed on core_tables" in err
        assert "customfield_99999 from config does not exist on the site" in err
        assert _digest(published) == kept
        assert main(["status", "--db", str(db)]) != 0
        status = capsys.readouterr().out
        assert "check story_points_resolved failed on core_tables" in status, status
        assert "customfield_99999 from config does not exist on the site" in status
        with duckdb.connect(str(db), read_only=True) as conn:
            # the loader and core ran (the new issues are there), the marts did not
            assert conn.execute(JIRA_ITEMS).fetchone()[0] > 0
            assert conn.execute("SELECT count(*) FROM mart.project_progress").fetchone()[0] == marts_before


def test_orphan_references_are_found_and_named():
    w = MetricWarehouse.empty(["p"], ANCHOR)
    w.item("I1", "p", "2024-03-01")
    w.conn.execute(
        "INSERT INTO core.containers (container_id, source_id, tool, external_id) "
        "VALUES ('jira:x:project:p', 'jira:x', 'jira', 'p')"
    )
    assert orphan_references(w.conn) == []
    w.conn.execute("INSERT INTO core.status_changes (item_id, changed_at) VALUES ('GHOST', now())")
    w.conn.execute("UPDATE core.work_items SET project_id = 'nowhere'")
    assert orphan_references(w.conn) == [
        "1 rows of core.work_items.project_id point to no core.projects row (e.g. nowhere)",
        "1 rows of core.status_changes.item_id point to no core.work_items row (e.g. GHOST)",
    ]


@pytest.mark.parametrize(
    ("now", "problem"),
    [
        ({"core.work_items": (1000, 0)}, False),
        ({"core.work_items": (950, 50)}, False),  # 50 fewer live rows, 50 more flagged deleted
        ({"core.work_items": (920, 0)}, False),  # 8 % gone unexplained: within 10 %
        ({"core.work_items": (850, 0)}, True),  # 15 % gone unexplained
        ({"core.work_items": (699, 200)}, True),  # 301 fewer, 200 explained: 101 > 10 % of 1000
    ],
)
def test_row_count_drops_beyond_the_share_without_deletions_fail(now, problem):
    found = unexplained_drops({"core.work_items": (1000, 0)}, now, 0.1)
    assert bool(found) is problem, found
