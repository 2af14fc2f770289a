"""The realistic profile's boards, sprints by id, sprint truth, a planted giant issue and the option
that selects the profile (sandbox.realistic), on a site of 1,500 portfolio issues."""

from __future__ import annotations

import argparse

import pytest
import requests

from sandbox import SandboxServer, generate
from sandbox.credentials import ATLASSIAN_EMAIL, ATLASSIAN_TOKEN
from sandbox.realistic import RELEASE_TRAIN
from sandbox.serve import add_serve_arguments, start_sandbox
from tests.conftest import ANCHOR

AUTH = (ATLASSIAN_EMAIL, ATLASSIAN_TOKEN)


@pytest.fixture(scope="module")
def small():
    return generate(seed=7, anchor=ANCHOR, jira_issues=1_500, profile="realistic")


def test_boards_of_every_kind_and_sprints_by_id(small):
    boards = {b.name: b for b in small.jira_boards}
    train = boards[RELEASE_TRAIN]
    assert {b.type for b in small.jira_boards} == {"scrum", "kanban", "simple"}
    assert train.project_key is None and boards["BOR board"].type == "simple"
    drc = next(p for p in small.jira_projects if p.key == "DRC")
    assert drc.board_id == train.id
    with SandboxServer(small) as server:
        url = f"{server.url}/rest/agile/1.0"
        listed = requests.get(f"{url}/board", params={"projectKeyOrId": "DRC"}, auth=AUTH).json()["values"]
        assert {b["type"] for b in listed} == {"kanban"} and train.id not in {b["id"] for b in listed}
        every = requests.get(f"{url}/board", auth=AUTH).json()["values"]
        assert "location" not in next(b for b in every if b["id"] == train.id)
        for board in small.jira_boards:
            assert requests.get(f"{url}/board/{board.id}", auth=AUTH).json()["type"] == board.type
            sprints = requests.get(f"{url}/board/{board.id}/sprint", auth=AUTH)
            assert sprints.status_code == (400 if board.type == "kanban" else 200), board.name
        bor = requests.get(f"{server.url}/rest/api/3/project/BOR", auth=AUTH).json()
        assert (bor["simplified"], bor["style"]) == (True, "next-gen")
        held = sorted({s for i in small.issues if i.project_key == "DRC" for s in i.sprint_ids})
        sprint = requests.get(f"{url}/sprint/{held[0]}", auth=AUTH).json()
        assert sprint["originBoardId"] == train.id and sprint["id"] == held[0]
        missing = requests.get(f"{url}/sprint/999999", auth=AUTH)
        assert missing.status_code == 404 and missing.json()["errorMessages"]


def test_the_truth_counts_every_sprint_of_the_portfolio_projects(small):
    boards = {p.board_id for p in small.jira_projects if p.in_portfolio}
    train = next(b.id for b in small.jira_boards if b.name == RELEASE_TRAIN)
    assert train in boards
    assert small.ground_truth.sprints == sum(1 for s in small.sprints if s.board_id in boards)
    held = {s for i in small.issues if i.project_key == "DRC" for s in i.sprint_ids}
    assert all(s.id in held for s in small.sprints if s.board_id == train)  # each is found from an issue


def test_grow_history_plants_a_giant_issue_and_leaves_the_truth(small):
    target = next(i for i in small.issues if i.project_key == "APL" and not i.worklogs)
    with SandboxServer(small) as server:
        before = server.ground_truth()
        newest = max(h.id for i in small.issues for h in i.histories)
        grown = requests.post(
            f"{server.url}/_sandbox/mutate",
            json={"op": "grow_history", "issue_id": target.id, "n": 5000 - len(target.histories)},
        )
        assert grown.json()["results"][0]["issue_ids"] == [target.id]
        issue = server.issue(target.id)
        assert len(issue.histories) == 5000 and issue.updated == issue.histories[-1].created
        assert min(h.id for h in issue.histories[len(target.histories) :]) > newest
        assert server.ground_truth() == before
        size, token = 0, None
        while True:
            body = {
                "issueIdsOrKeys": [str(target.id)],
                "maxResults": 10000,
                **({"nextPageToken": token} if token else {}),
            }
            page = requests.post(f"{server.url}/rest/api/3/changelog/bulkfetch", json=body, auth=AUTH)
            size += len(page.content)
            token = page.json().get("nextPageToken")
            if not token:
                break
        assert size > 2_000_000
        one = requests.get(f"{server.url}/rest/api/3/issue/{target.key}", params={"expand": "changelog"}, auth=AUTH)
        assert one.json()["changelog"]["total"] == 5000


def test_grow_history_works_on_a_demo_site_too(portfolio):
    """The demo site has no automation field: the giant issue is re-ranked over and over."""
    target = portfolio.issues[0]
    with SandboxServer(portfolio) as server:
        before = server.ground_truth()
        server.mutations.grow_history(target.id, 300, seed=1)
        grown = server.issue(target.id).histories[len(target.histories) :]
        assert len(grown) == 300 and {i.field for h in grown for i in h.items} == {"Rank"}
        assert server.ground_truth() == before
        with pytest.raises(ValueError):
            server.mutations.grow_history(999_999, 10)


def test_the_profile_is_opt_in_and_selectable_everywhere(portfolio):
    assert portfolio.profile == "demo" and [b.type for b in portfolio.boards()] == ["scrum", "scrum", "scrum", "kanban"]
    parser = argparse.ArgumentParser()
    add_serve_arguments(parser)
    assert parser.parse_args([]).profile == "demo"
    assert parser.parse_args(["--profile", "realistic"]).profile == "realistic"
    with pytest.raises(ValueError):
        generate(anchor=ANCHOR, profile="huge")  # type: ignore[arg-type]
    server = start_sandbox(0, 7, "jira_issues=300", 0, [], None, profile="realistic")
    try:
        assert server.portfolio.profile == "realistic" and len(server.portfolio.jira_boards) == 6
    finally:
        server.stop()
