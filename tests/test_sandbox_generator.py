"""The generated portfolio: deterministic, internally consistent, and described by its ground truth."""

from __future__ import annotations

import base64
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests
import yaml

from sandbox import generate
from sandbox.credentials import ATLASSIAN_EMAIL, ATLASSIAN_TOKEN, TRELLO_KEY, TRELLO_TOKEN
from sandbox.jira_catalog import SPRINT_FIELD, STATUS_BY_ID, STORY_POINTS_FIELD
from sandbox.serve import start_sandbox
from sandbox.truth import state_at
from tests.conftest import assert_history_replays


def test_generation_is_deterministic_per_seed_size_and_anchor(portfolio):
    seed, size, anchor = portfolio.seed, portfolio.size, portfolio.anchor
    again = generate(seed=seed, size=size, anchor=anchor)
    assert again == portfolio and again.fingerprint() == portfolio.fingerprint()
    assert generate(seed=seed + 1, size=size, anchor=anchor).fingerprint() != portfolio.fingerprint()
    assert generate(seed=seed, size=size, anchor=anchor + timedelta(days=1)).fingerprint() != portfolio.fingerprint()


def test_every_generated_timestamp_is_before_now(portfolio):
    now = portfolio.now
    stamps = [
        t
        for i in portfolio.issues
        for t in (i.created, i.updated, *(h.created for h in i.histories), *(w.updated for w in i.worklogs))
    ]
    stamps += [a.date for b in portfolio.trello_boards for a in b.actions]
    stamps += [v.created_at for s in portfolio.spaces for p in s.pages for v in p.versions]
    finished = [s for s in portfolio.sprints if s.state != "active"]
    stamps += [t for s in finished for t in (s.start, s.end, s.complete, s.created) if t]
    assert max(stamps) < now


def test_medium_has_a_board_with_more_than_1000_actions():
    anchor = date(2026, 3, 2)
    medium = generate(seed=7, size="medium", anchor=anchor)
    assert max(len(b.actions) for b in medium.trello_boards) > 1000
    assert len(medium.issues) > 3.5 * len(generate(seed=7, size="small", anchor=anchor).issues)


def test_issue_histories_replay_to_the_current_fields(portfolio):
    for issue in portfolio.issues:
        assert_history_replays(issue, portfolio.now)
        assert (issue.resolution_date is not None) == (STATUS_BY_ID[issue.status_id].category.key == "done")
    sprint_items = [it for i in portfolio.issues for h in i.histories for it in h.items if it.field_id == SPRINT_FIELD]
    assert any(it.from_value and "," in (it.to_value or "") for it in sprint_items)  # carried over: "1" -> "1, 2"
    assert any(it.field_id == STORY_POINTS_FIELD for i in portfolio.issues for h in i.histories for it in h.items)


def test_trello_history_replays_to_each_cards_current_list(portfolio):
    for board in portfolio.trello_boards:
        where, closed = {}, {}
        for action in board.actions:
            data = action.data
            if action.type == "createCard":
                where[data["card"]["id"]], closed[data["card"]["id"]] = data["list"]["id"], False
            elif action.type == "updateCard" and "listAfter" in data:
                assert where[data["card"]["id"]] == data["listBefore"]["id"]
                where[data["card"]["id"]] = data["listAfter"]["id"]
            elif action.type == "updateCard" and data.get("old", {}).get("closed") is False:
                closed[data["card"]["id"]] = True
        assert where == {c.id: c.list_id for c in board.cards}
        assert closed == {c.id: c.closed for c in board.cards}
        assert all(int(a.id[:8], 16) == int(a.date.timestamp()) for a in board.actions)


@pytest.mark.parametrize(("seed", "anchor"), [(1, date(2026, 1, 13)), (2, date(2026, 6, 6)), (3, date(2027, 2, 1))])
def test_other_seeds_and_anchors_keep_the_invariants(seed, anchor):
    other = generate(seed=seed, size="small", anchor=anchor)
    for issue in other.issues:
        assert_history_replays(issue, other.now)
        assert issue.updated < other.now
    assert all(a.date < other.now for b in other.trello_boards for a in b.actions)
    states = Counter((s.board_id, s.state) for s in other.sprints)
    scrum = [p.board_id for p in other.jira_projects if p.board_type == "scrum"]
    assert all(states[(b, "active")] == 1 and states[(b, "future")] == 1 for b in scrum)
    assert all(p.planned_start < anchor < p.planned_end for p in other.ground_truth.projects)


def test_sprint_truth_follows_the_sprint_report_definitions(portfolio):
    apollo = portfolio.ground_truth.project("apollo")
    assert len(apollo.sprints) >= 4 and all(s.committed_points > 0 for s in apollo.sprints)
    first = apollo.sprints[0]
    in_sprint = [i for i in portfolio.issues if first.sprint_id in i.sprint_ids]
    done_then = [
        i
        for i in in_sprint
        if STATUS_BY_ID[state_at(i, first.complete).status_id].category.key == "done"
        and first.sprint_id in state_at(i, first.complete).sprint_ids
    ]
    assert first.completed_items == len(done_then)
    project_totals = Counter(i.project_key for i in portfolio.issues)
    assert apollo.items_total == project_totals["APL"] + len(portfolio.trello_boards[0].cards)


def test_pmhub_config_follows_the_contract(portfolio):
    config = portfolio.pmhub_config("http://127.0.0.1:9999/")
    jira_source, trello, confluence = (config["sources"][k][0] for k in ("jira", "trello", "confluence"))
    assert jira_source == {
        "name": "sandbox",
        "url": "http://127.0.0.1:9999",
        "email": "${PMHUB_SANDBOX_EMAIL}",
        "token": "${PMHUB_SANDBOX_TOKEN}",
        "projects": ["APL", "BOR", "DRC"],
        "risk_issue_type": "Risk",
    }
    assert trello["key"] == "${PMHUB_SANDBOX_TRELLO_KEY}" and len(trello["boards"]) == 4
    assert confluence["url"] == "http://127.0.0.1:9999/wiki" and confluence["spaces"] == ["PMO"]
    by_id = {p["id"]: p for p in config["portfolio"]}
    assert set(by_id) == {"apollo", "borealis", "control", "cygnus", "draco"} and "jira" not in by_id["cygnus"]
    assert "jira" not in by_id["control"]  # the control project (sandbox.plant_signals): one board
    assert by_id["draco"]["confluence"] == [
        {"source": "sandbox", "space": "PMO", "page_title": "Draco charter", "risk_register": "Draco risk register"}
    ]
    assert by_id["apollo"]["confluence"][0]["risk_label"] == "risk-apollo"
    assert all("budget" not in p for p in config["portfolio"])
    assert config["rates"]["default_hourly"] == 95 and list(config["rates"]["people"].values()) == [120]
    assert portfolio.sandbox_env() == {
        "PMHUB_SANDBOX_EMAIL": ATLASSIAN_EMAIL,
        "PMHUB_SANDBOX_TOKEN": ATLASSIAN_TOKEN,
        "PMHUB_SANDBOX_TRELLO_KEY": TRELLO_KEY,
        "PMHUB_SANDBOX_TRELLO_TOKEN": TRELLO_TOKEN,
    }


def test_start_sandbox_writes_a_config_and_prints_the_exports(tmp_path: Path, capsys):
    out = tmp_path / "pmhub.yaml"
    server = start_sandbox(0, 7, "small", 0, [], out)
    try:
        config = yaml.safe_load(out.read_text())
        assert config["sources"]["jira"][0]["url"] == server.url
        printed = capsys.readouterr().out
        assert server.url in printed and f"export PMHUB_SANDBOX_TOKEN={ATLASSIAN_TOKEN}" in printed
        token = base64.b64encode(f"{ATLASSIAN_EMAIL}:{ATLASSIAN_TOKEN}".encode()).decode()
        assert requests.get(f"{server.url}/rest/api/3/myself", headers={"Authorization": f"Basic {token}"}).ok
    finally:
        server.stop()
    with pytest.raises(ValueError):
        start_sandbox(0, 7, "huge", 0, [], None)
