"""pmhub against a Jira site shaped like a real one (sandbox `realistic` profile).

Issues of real size with long-tailed histories and worklogs, a team-managed project whose `simple`
board runs sprints, kanban boards, and sprints on a board whose filter names no project (so no
project's board listing shows it). The counts, and every closed sprint's figures in mart.velocity,
must equal the sandbox's ground truth; one issue grown to 5,000 histories syncs like the others.
"""

from __future__ import annotations

import pytest

from pipelines.run_sync import run_sync
from sandbox.generator import generate
from sandbox.server import SandboxServer
from tests.conftest import ANCHOR, write_config
from tests.test_jira_failure_modes import assert_counts_equal_truth, rows, scalar
from tests.test_metrics_truth import SPRINT_FIGURES

ISSUES = 900


@pytest.fixture(scope="module")
def realistic_sync(tmp_path_factory, sandbox_env):
    portfolio = generate(seed=5, anchor=ANCHOR, jira_issues=ISSUES, profile="realistic")
    folder = tmp_path_factory.mktemp("realistic")
    with SandboxServer(portfolio) as server:
        server.advance(2)
        config = write_config(folder / "pmhub.yaml", portfolio.pmhub_config(server.url))
        outcome = run_sync(config, folder / "w.duckdb", only=["jira"], as_of=ANCHOR)
        assert outcome.success, outcome.message
        yield server, config, folder / "w.duckdb"


def test_counts_equal_the_truth_on_a_realistic_site(realistic_sync):
    server, _config, db = realistic_sync
    assert_counts_equal_truth(server, db)
    long = max(len(i.histories) for i in server.portfolio.issues)
    assert long > 150  # the long tail is there, and landed whole
    assert (
        scalar(db, "SELECT max(n) FROM (SELECT count(*) AS n FROM raw.jira_issue_histories GROUP BY container)") == long
    )


def test_sprints_of_simple_boards_and_of_boards_no_project_lists_are_read(realistic_sync):
    server, _config, db = realistic_sync
    boards = dict(rows(db, "SELECT id, payload ->> '$.type' FROM raw.jira_boards"))
    assert {"scrum", "simple", "kanban"} <= set(boards.values())
    unlisted = [b for b, (located,) in _boards(db).items() if not located]
    assert unlisted  # the cross-project board, found through a sprint its issues name
    asked = [p for m, p in server.request_log if m == "GET" and p.startswith("/rest/agile/1.0/")]
    by_id = [p for p in asked if p.startswith("/rest/agile/1.0/sprint/")]
    # one sprint read by id per such board; then the board and its whole sprint list, not each sprint
    assert len(by_id) == len(unlisted)
    assert all(f"/rest/agile/1.0/board/{b}/sprint" in asked for b in unlisted)
    assert scalar(db, "SELECT count(*) FROM core.sprints") == server.ground_truth().sprints


def test_every_closed_sprint_in_velocity_equals_the_sprint_report_truth(realistic_sync):
    server, _config, db = realistic_sync
    cols = ", ".join(SPRINT_FIGURES)
    got = {
        r[0]: (r[1], dict(zip(SPRINT_FIGURES, r[2:], strict=True)))
        for r in rows(
            db,
            f"SELECT iteration_name, project_id, {cols} FROM mart.velocity "
            "WHERE iteration_kind = 'sprint' AND iteration_state = 'closed'",
        )
    }
    expected = {
        s.name: (p.project_id, {f: getattr(s, f) for f in SPRINT_FIGURES})
        for p in server.portfolio.ground_truth.projects
        for s in p.sprints
    }
    # Draco's sprints run on the cross-project board: they count as Draco's, as the truth says.
    assert any(project == "draco" for project, _f in expected.values())
    assert got == expected


def test_an_issue_with_5000_histories_syncs_whole(tmp_path, sandbox_env):
    portfolio = generate(seed=6, anchor=ANCHOR, jira_issues=300, profile="realistic")
    giant = next(i for i in portfolio.issues if i.project_key == "APL")
    with SandboxServer(portfolio) as server:
        server.mutations.grow_history(giant.id, 5000 - len(giant.histories), seed=3)
        server.advance(2)
        config = write_config(tmp_path / "pmhub.yaml", portfolio.pmhub_config(server.url))
        db = tmp_path / "w.duckdb"
        outcome = run_sync(config, db, only=["jira"], as_of=ANCHOR)
        assert outcome.success, outcome.message
        held = scalar(db, "SELECT count(*) FROM raw.jira_issue_histories WHERE container = ?", [str(giant.id)])
        assert held == len(server.issue(giant.id).histories) == 5000
        assert_counts_equal_truth(server, db)


def _boards(db):
    """Board id -> (whether a project location is held for it,)."""
    located = "SELECT id, payload ->> '$.location.projectId' IS NOT NULL FROM raw.jira_boards"
    return {b: (loc,) for b, loc in rows(db, located)}
