"""Our Jira sync against a sandbox that reproduces each failure mode of the real API (issue 3).

Each test starts its own sandbox (mutations change its state), syncs through the real pipeline and
compares the warehouse with the sandbox's own ground truth.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from pipelines.run_sync import run_sync
from pipelines.sources import TOOLS
from pipelines.warehouse import connect, extract_state, write_extract_state
from sandbox.generator import generate
from sandbox.server import SandboxServer
from tests.conftest import ANCHOR, write_config


@contextmanager
def site(tmp_path: Path, sandbox_env, config_overrides=None, **server_kwargs) -> Iterator[tuple]:
    variants = ("story_point_fields", "sprint_field_format")
    generate_kwargs = {k: server_kwargs.pop(k) for k in variants if k in server_kwargs}
    tmp_path.mkdir(parents=True, exist_ok=True)
    portfolio = generate(seed=11, size="small", anchor=ANCHOR, **generate_kwargs)
    with SandboxServer(portfolio, **server_kwargs) as server:
        config = portfolio.pmhub_config(server.url, **(config_overrides or {}))
        path = write_config(tmp_path / "pmhub.yaml", config)
        yield server, path, tmp_path / "w.duckdb"


def sync(config: Path, db: Path, **kwargs):
    outcome = run_sync(config, db, only=["jira"], as_of=ANCHOR, **kwargs)
    assert outcome.success, outcome.message
    return outcome


def scalar(db: Path, sql: str, params=()):
    with connect(db, read_only=True) as conn:
        return conn.execute(sql, list(params)).fetchone()[0]


def rows(db: Path, sql: str, params=()):
    with connect(db, read_only=True) as conn:
        return conn.execute(sql, list(params)).fetchall()


JIRA_ITEMS = "SELECT count(*) FROM core.work_items WHERE source_id = 'jira:sandbox'"


def assert_counts_equal_truth(server: SandboxServer, db: Path) -> None:
    truth = server.ground_truth()
    assert scalar(db, JIRA_ITEMS) == truth.jira_work_items
    jira_changes = scalar(db, "SELECT count(*) FROM core.status_changes WHERE item_id LIKE 'jira:%'")
    assert jira_changes == truth.jira_status_changes
    assert scalar(db, "SELECT count(*) FROM core.worklogs") == truth.worklogs
    assert scalar(db, "SELECT count(*) FROM core.sprints") == truth.sprints


def test_changelogs_are_complete_beyond_the_embedded_caps(tmp_path, sandbox_env):
    with site(tmp_path, sandbox_env) as (server, config, db):
        sync(config, db)
        assert_counts_equal_truth(server, db)
        # every issue keeps exactly Jira's `total` histories, also those over 20 and 40
        short = scalar(
            db,
            """
            SELECT count(*) FROM raw.jira_issues
            WHERE json_array_length(payload -> '$.changelog.histories') <> (payload ->> '$.changelog.total')::INT""",
        )
        assert short == 0
        assert scalar(db, "SELECT count(*) FROM raw.jira_issues WHERE (payload ->> '$.changelog.total')::INT > 40") > 0


def test_incremental_run_after_changes_in_a_new_york_account(tmp_path, sandbox_env):
    """A bare JQL datetime would be read in America/New_York; epoch-ms bounds are not."""
    with site(tmp_path, sandbox_env, jql_time_zone="America/New_York") as (server, config, db):
        sync(config, db)
        server.advance(60)
        touched = server.touch(0.05, seed=3)
        server.advance(2)
        sync(config, db)
        assert_counts_equal_truth(server, db)
        stale = rows(
            db,
            """
            SELECT w.external_id FROM core.work_items w
            WHERE w.external_id IN (SELECT unnest(?::VARCHAR[])) AND w.updated_at < ?""",
            [[str(i) for i in touched.issue_ids], server.clock.now() - timedelta(minutes=3)],
        )
        assert stale == []


def test_index_lag_hides_fresh_changes_for_one_run_without_false_tombstones(tmp_path, sandbox_env):
    with site(tmp_path, sandbox_env, index_lag_minutes=5) as (server, config, db):
        sync(config, db)
        server.advance(60)
        touched = server.touch(0.05, seed=4)
        sync(config, db)  # the touched issues are invisible to search now
        assert scalar(db, "SELECT count(*) FROM core.work_items WHERE is_deleted") == 0
        server.advance(10)
        sync(config, db)  # the overlap window re-reads them once search caught up
        assert_counts_equal_truth(server, db)
        expected = {str(i): server.issue_updated(i) for i in touched.issue_ids}
        got = dict(
            rows(
                db,
                "SELECT external_id, updated_at FROM core.work_items WHERE external_id IN "
                "(SELECT unnest(?::VARCHAR[]))",
                [list(expected)],
            )
        )
        assert got == expected


def test_overlap_window_rereads_only_what_the_last_read_could_not_hold(tmp_path, sandbox_env):
    """The overlap re-reads a lagging change (the index still showed the old version); not fresh issues."""
    with site(tmp_path, sandbox_env, index_lag_minutes=30) as (server, config, db):
        server.advance(31)  # the index has caught up with everything generated
        sync(config, db)
        late, early = [i.id for i in server.portfolio.issues if i.project_key == "APL"][:2]
        server.advance(30)
        server.touch(0, ids=[early])
        server.advance(30)
        server.touch(0, ids=[late])
        server.advance(10)  # the index holds `early` now, `late` only as its old version
        sync(config, db)
        assert landed_by_last_jira_batch(db) == {str(early)}
        server.advance(31)
        sync(config, db)
        # `late` changed before the last read but was missed by its search: read now. `early` is
        # in the same overlap window, but its stored version was read after it changed: skipped.
        assert landed_by_last_jira_batch(db) == {str(late)}
        stored = dict(
            rows(
                db,
                "SELECT external_id, updated_at FROM core.work_items WHERE external_id IN (?, ?)",
                [str(late), str(early)],
            )
        )
        assert stored == {str(i): server.issue_updated(i) for i in (late, early)}
        assert_counts_equal_truth(server, db)


def landed_by_last_jira_batch(db: Path) -> set[str]:
    last = "SELECT batch_id FROM meta.batches WHERE source_id = 'jira:sandbox' ORDER BY loaded_at DESC LIMIT 1"
    return {r[0] for r in rows(db, f"SELECT id FROM raw.jira_issues WHERE batch_id = ({last})")}


def test_deleted_moved_revoked_and_restricted_issues(tmp_path, sandbox_env):
    with site(tmp_path, sandbox_env) as (server, config, db):
        sync(config, db)
        server.advance(60)
        deleted = server.delete_issues(3, seed=5).issue_ids
        moved_in = server.move_issues(2, "BOR", seed=6).issue_ids
        moved_out = server.move_issues(1, "NOISE", seed=7).issue_ids
        restricted = server.restrict_issues(2, seed=8).issue_ids
        server.advance(2)
        sync(config, db)
        assert_counts_equal_truth(server, db)
        reasons = dict(rows(db, "SELECT external_id, deletion_reason FROM core.work_items WHERE is_deleted"))
        # Jira answers both with 404 ("not found or no permission"): only what the API tells is recorded.
        assert reasons == {str(i): "not_found" for i in (*deleted, *restricted)}
        for issue_id in [*moved_in, *moved_out]:
            key, _container, deleted_flag = rows(
                db, "SELECT key, container_id, is_deleted FROM core.work_items WHERE external_id = ?", [str(issue_id)]
            )[0]
            assert key == server.issue_key(issue_id) and not deleted_flag
        assert scalar(db, "SELECT count(*) - count(DISTINCT item_id) FROM core.work_items") == 0
        # a whole project whose Browse permission is revoked: its issues become not_visible, loudly
        server.revoke_project("DRC")
        server.advance(2)
        outcome = sync(config, db)
        assert outcome.metadata["jira_landing"]["warnings"] == 1
        assert_counts_equal_truth(server, db)
        drc_hidden = scalar(
            db, "SELECT count(*) FROM core.work_items WHERE key LIKE 'DRC-%' AND deletion_reason = 'not_visible'"
        )
        assert drc_hidden == server.ground_truth().jira_work_items_not_visible - len(restricted)


def test_worklog_edits_deletions_and_the_last_minute(tmp_path, sandbox_env):
    with site(tmp_path, sandbox_env) as (server, config, db):
        sync(config, db)
        server.advance(60)
        touched = server.touch(0.1, seed=9)
        removed = server.delete_worklogs(4, seed=10).worklog_ids
        # the deleted feed also lists worklogs that still exist: they must not be tombstoned
        misreported = server.misreport_worklog_deletions(3, seed=16).worklog_ids
        # worklog/updated leaves out the minute before "now": changes 30 s old are not served yet
        server.advance(0.5)
        sync(config, db)
        server.advance(5)
        sync(config, db)
        assert_counts_equal_truth(server, db)
        gone = {r[0] for r in rows(db, "SELECT worklog_id FROM core.worklogs WHERE is_deleted")}
        assert gone == {f"jira:sandbox:worklog:{i}" for i in removed}
        assert not set(misreported) & set(removed) and len(misreported) == 3
        hours = dict(rows(db, "SELECT worklog_id, hours FROM core.worklogs WHERE NOT is_deleted"))
        for worklog_id, seconds in server.worklog_seconds(touched.worklog_ids).items():
            assert hours[f"jira:sandbox:worklog:{worklog_id}"] == pytest.approx(seconds / 3600)


def test_both_story_point_fields_resolved_per_project_and_override_wins(tmp_path, sandbox_env):
    with site(tmp_path, sandbox_env, story_point_fields="both") as (server, config, db):
        sync(config, db)
        mapping = dict(rows(db, "SELECT project_key, field_id FROM meta.field_mapping WHERE purpose = 'story_points'"))
        assert len(set(mapping.values())) == 2  # each project uses its own field
        assert all(
            m == "values"
            for (m,) in rows(db, "SELECT matched_by FROM meta.field_mapping WHERE purpose = 'story_points'")
        )
        truth = {p.project_id: p.points_total for p in server.ground_truth().projects if p.points_total}
        got = dict(
            rows(
                db,
                "SELECT project_id, sum(story_points) FROM core.work_items WHERE source_id = "
                "'jira:sandbox' AND NOT is_deleted GROUP BY 1",
            )
        )
        assert {k: got[k] for k in truth} == pytest.approx(truth)
    with site(
        tmp_path / "o",
        sandbox_env,
        story_point_fields="both",
        config_overrides={"story_points_field": "customfield_10016"},
    ) as (_server, config, db):
        sync(config, db)
        assert rows(
            db, "SELECT project_key, field_id, matched_by FROM meta.field_mapping WHERE purpose = 'story_points'"
        ) == [(None, "customfield_10016", "config")]


def test_legacy_sprint_strings_give_the_same_membership_as_json(tmp_path, sandbox_env):
    memberships = []
    for fmt in ("json", "legacy"):
        folder = tmp_path / fmt
        folder.mkdir()
        with site(folder, sandbox_env, sprint_field_format=fmt) as (_server, config, db):
            sync(config, db)
            memberships.append(
                rows(
                    db,
                    "SELECT sprint_id, item_id, added_at, removed_at, points_at_start "
                    "FROM core.sprint_membership ORDER BY ALL",
                )
            )
    assert memberships[0] == memberships[1] and len(memberships[0]) > 100


def test_429_bursts_are_waited_out_and_recorded(tmp_path, sandbox_env):
    faults = ["429:/rest/api/3/issue/bulkfetch:2:0", "429:/rest/api/3/search/jql:2:1"]
    with site(tmp_path, sandbox_env, faults=faults) as (server, config, db):
        outcome = sync(config, db)
        meta = outcome.metadata["jira_landing"]
        assert meta["throttled"] == 4 and meta["retries"] == 4
        assert meta["wait_seconds"] >= 4  # Retry-After 0 still waits at least 1 s
        assert_counts_equal_truth(server, db)


def test_census_fetches_issues_the_warehouse_lacks_whatever_their_updated(tmp_path, sandbox_env):
    with site(tmp_path, sandbox_env) as (server, config, db):
        sync(config, db)
        with connect(db) as conn:
            # an old issue (outside any overlap window) went missing from the warehouse
            oldest = conn.execute("SELECT id FROM raw.jira_issues ORDER BY updated LIMIT 1").fetchone()[0]
            conn.execute("DELETE FROM raw.jira_issues WHERE id = ?", [oldest])
            write_extract_state(db, extract_state(conn, [tool.held_state for tool in TOOLS.values()]))
        server.advance(60)
        sync(config, db)
        assert (
            scalar(db, "SELECT count(*) FROM core.work_items WHERE external_id = ? AND NOT is_deleted", [oldest]) == 1
        )
        assert_counts_equal_truth(server, db)


def test_incremental_staging_gives_the_same_tables_as_a_full_rebuild(tmp_path, sandbox_env):
    tables = (
        "core.work_items",
        "core.status_changes",
        "core.sprint_membership",
        "core.people",
        "core.worklogs",
        "core.cost_entries",
        "mart.project_progress",
    )
    with site(tmp_path, sandbox_env) as (server, config, db):
        sync(config, db)
        server.advance(60)
        server.touch(0.1, seed=12)
        server.delete_issues(2, seed=13)
        server.move_issues(2, "BOR", seed=14)
        server.delete_worklogs(3, seed=15)
        server.advance(2)
        outcome = sync(config, db)
        assert outcome.metadata["core_tables"]["stage.incremental"] == 1
        incremental = {t: sorted(rows(db, f"SELECT * FROM {t}"), key=repr) for t in tables}
        with connect(db) as conn:
            conn.execute("DELETE FROM meta.stage_state")  # forces a full parse on the next build
            conn.execute("DELETE FROM meta.parsed_state")
        outcome = sync(config, db)
        assert outcome.metadata["core_tables"]["stage.incremental"] == 0
        for table in tables:
            assert sorted(rows(db, f"SELECT * FROM {table}"), key=repr) == incremental[table], table


def test_a_changed_field_mapping_reparses_that_projects_issues(tmp_path, sandbox_env):
    with site(tmp_path, sandbox_env, story_point_fields="both") as (server, config, db):
        sync(config, db)  # BOR keeps its points in customfield_10028, the others in customfield_10016
        bor_points = "SELECT count(story_points) FROM core.work_items WHERE key LIKE 'BOR-%'"
        assert scalar(db, bor_points) > 0
        overridden = server.portfolio.pmhub_config(server.url, story_points_field="customfield_10016")
        write_config(config, overridden)
        outcome = sync(config, db)
        assert outcome.metadata["core_tables"]["stage.incremental"] == 1
        assert scalar(db, bor_points) == 0  # BOR's issues were parsed again with the new field
