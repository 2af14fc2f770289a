"""Site variants: two story-point fields used by different projects, and legacy sprint strings."""

from __future__ import annotations

import re

from sandbox import SandboxServer, generate
from sandbox.jira_catalog import CLASSIC_POINTS_FIELD, SPRINT_FIELD, STORY_POINTS_FIELD
from sandbox.truth import state_at
from tests.conftest import ANCHOR

LEGACY = re.compile(
    r"^com\.atlassian\.greenhopper\.service\.sprint\.Sprint@[0-9a-f]+\[id=(?P<id>\d+),rapidViewId=(?P<board>\d+),"
    r"state=(?P<state>[A-Z]+),name=(?P<name>.*),goal=(?P<goal>.*),startDate=(?P<start>[^,]*),endDate=(?P<end>[^,]*),"
    r"completeDate=(?P<complete>[^,]*),sequence=(?P=id)\]$"
)


def all_issues(jira, url, jql, fields):
    issues, token = [], None
    while True:
        body = {"jql": jql, "fields": fields, "maxResults": 100, **({"nextPageToken": token} if token else {})}
        page = jira.post(f"{url}/rest/api/3/search/jql", json=body).json()
        issues += page["issues"]
        token = page.get("nextPageToken")
        if page["isLast"]:
            return issues


def test_both_story_point_fields_exist_and_each_project_fills_exactly_one(jira):
    site = generate(seed=7, anchor=ANCHOR, story_point_fields="both")
    with SandboxServer(site) as server:
        fields = {f["id"]: f for f in jira.get(f"{server.url}/rest/api/3/field").json()}
        assert fields[STORY_POINTS_FIELD]["name"] == "Story point estimate"
        assert fields[STORY_POINTS_FIELD]["schema"]["custom"] == "com.pyxis.greenhopper.jira:jsw-story-points"
        assert fields[CLASSIC_POINTS_FIELD]["name"] == "Story Points"
        assert fields[CLASSIC_POINTS_FIELD]["schema"] == {
            "type": "number",
            "custom": "com.atlassian.jira.plugin.system.customfieldtypes:float",
            "customId": 10028,
        }
        used = {}
        for key in ("APL", "BOR", "DRC", "NOISE"):
            issues = all_issues(jira, server.url, f"project = {key}", [STORY_POINTS_FIELD, CLASSIC_POINTS_FIELD])
            filled = {
                f for i in issues for f in (STORY_POINTS_FIELD, CLASSIC_POINTS_FIELD) if i["fields"][f] is not None
            }
            assert len(filled) == 1, key  # values in exactly one field per project
            used[key] = filled.pop()
        assert used == {
            "APL": STORY_POINTS_FIELD,
            "BOR": CLASSIC_POINTS_FIELD,
            "DRC": STORY_POINTS_FIELD,
            "NOISE": STORY_POINTS_FIELD,
        }
        bor = [i for i in site.issues if i.project_key == "BOR"]
        items = {(it.field, it.field_id) for i in bor for h in i.histories for it in h.items if "oint" in it.field}
        assert items == {("Story Points", CLASSIC_POINTS_FIELD)}  # the changelog names the field actually used
        for issue in site.issues:  # the truth replays both fields
            assert state_at(issue, site.now).points == issue.story_points
        config = site.pmhub_config(server.url, story_points_field=CLASSIC_POINTS_FIELD)
        assert config["sources"]["jira"][0]["story_points_field"] == CLASSIC_POINTS_FIELD
        assert "story_points_field" not in site.pmhub_config(server.url)["sources"]["jira"][0]


def test_default_site_has_only_the_estimate_field(portfolio, sandbox, jira):
    ids = {f["id"] for f in jira.get(f"{sandbox.url}/rest/api/3/field").json()}
    assert STORY_POINTS_FIELD in ids and CLASSIC_POINTS_FIELD not in ids
    sprint = next(f for f in jira.get(f"{sandbox.url}/rest/api/3/field").json() if f["id"] == SPRINT_FIELD)
    assert sprint["schema"]["items"] == "json"


def test_legacy_sprint_field_serves_greenhopper_strings_with_raw_commas(jira):
    site = generate(seed=7, anchor=ANCHOR, sprint_field_format="legacy")
    sprints = {s.id: s for s in site.sprints}
    with SandboxServer(site) as server:
        sprint_field = next(f for f in jira.get(f"{server.url}/rest/api/3/field").json() if f["id"] == SPRINT_FIELD)
        assert sprint_field["schema"]["items"] == "string"
        seen = {}
        for key in ("APL", "BOR", "DRC"):
            for issue in all_issues(jira, server.url, f"project = {key}", [SPRINT_FIELD]):
                for text in issue["fields"][SPRINT_FIELD] or []:
                    match = LEGACY.match(text)
                    assert match, text
                    seen[int(match["id"])] = match
    assert seen
    for sprint_id, match in seen.items():
        sprint = sprints[sprint_id]
        assert (int(match["board"]), match["state"], match["name"]) == (
            sprint.board_id,
            sprint.state.upper(),
            sprint.name,
        )
        assert match["goal"] == (sprint.goal if sprint.goal is not None else "<null>")
        assert (match["start"] == "<null>") == (sprint.start is None)
        assert (match["complete"] == "<null>") == (sprint.complete is None)
    goals = [m["goal"] for m in seen.values()]
    assert any("," in g for g in goals) and any(g.endswith(",") for g in goals) and "<null>" in goals
    future = next(m for m in seen.values() if m["state"] == "FUTURE")
    assert (future["start"], future["end"], future["goal"]) == ("<null>", "<null>", "<null>")
    assert any(",,startDate=" in m.string for m in seen.values())  # a goal ending in a comma, as the brief's example


def test_json_sprint_field_has_the_same_sprints_and_omits_an_unset_goal(portfolio, sandbox, jira):
    issues = all_issues(jira, sandbox.url, "project = APL", [SPRINT_FIELD])
    values = {s["id"]: s for i in issues for s in i["fields"][SPRINT_FIELD] or []}
    future = [s for s in values.values() if s["state"] == "future"]
    assert future and all("goal" not in s and "startDate" not in s for s in future)
    assert any("," in s.get("goal", "") for s in values.values())
