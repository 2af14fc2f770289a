"""The realistic profile: Jira issues shaped and sized like a real Cloud site's (sandbox.realistic).

The figures are checked at 10,000 portfolio issues, the scale sandbox.realistic states them at (the
boards and the giant issue are in test_sandbox_realistic_boards.py). The ground truth must still
hold: the profile's extra histories touch no field a figure reads.
"""

from __future__ import annotations

import base64
import itertools
import json
import statistics
import time
from datetime import timedelta

import pytest
import requests

from sandbox import SandboxServer, generate
from sandbox.credentials import ATLASSIAN_EMAIL, ATLASSIAN_TOKEN
from sandbox.jira_catalog import EPIC, POINTS_FIELD_NAMES, SPRINT_FIELD, STATUS_BY_ID
from sandbox.model import JiraIssue
from sandbox.replay import timeline
from tests.conftest import ANCHOR, assert_history_replays

PORTFOLIO_KEYS = ("APL", "BOR", "DRC")
HEADERS = {
    "content-type": "application/json",
    "authorization": "Basic " + base64.b64encode(f"{ATLASSIAN_EMAIL}:{ATLASSIAN_TOKEN}".encode()).decode(),
}
AUTH = (ATLASSIAN_EMAIL, ATLASSIAN_TOKEN)
PMHUB_FIELDS = ["*all", "-worklog", "-comment"]
# Fields whose changes the ground truth replays: only the scrum simulation may write them.
TRUTH_FIELDS = {"status", "resolution", "assignee", SPRINT_FIELD, *POINTS_FIELD_NAMES}
CLOUD_SYSTEM_FIELDS = (
    "issuetype",
    "project",
    "fixVersions",
    "aggregatetimespent",
    "resolution",
    "resolutiondate",
    "workratio",
    "lastViewed",
    "watches",
    "issuerestriction",
    "priority",
    "labels",
    "aggregatetimeoriginalestimate",
    "timeestimate",
    "versions",
    "issuelinks",
    "assignee",
    "status",
    "components",
    "creator",
    "subtasks",
    "reporter",
    "aggregateprogress",
    "progress",
    "votes",
    "environment",
    "duedate",
    "statuscategorychangedate",
    "timetracking",
    "attachment",
    "security",
    "summary",
    "description",
    "timeoriginalestimate",
    "updated",
    "created",
    "timespent",
)


def portfolio_issues(site) -> list[JiraIssue]:
    return [i for i in site.issues if i.project_key in PORTFOLIO_KEYS]


@pytest.fixture(scope="module")
def site():
    """10,000 portfolio issues, timed: generation must stay quick at this scale."""
    started = time.monotonic()
    generated = generate(seed=7, anchor=ANCHOR, jira_issues=10_000, profile="realistic")
    generated.__dict__["_seconds"] = time.monotonic() - started  # frozen dataclass: stash the timing aside
    return generated


@pytest.fixture(scope="module")
def served(site):
    """Every portfolio issue as POST /issue/bulkfetch serves it to pmhub (100 per call), parsed, with
    the server's CPU seconds for the 100 calls."""
    server = SandboxServer(site)  # handle() directly: measures the sandbox, not an HTTP client
    ids = [str(i.id) for i in portfolio_issues(site)]
    issues, cpu = [], 0.0
    for start in range(0, len(ids), 100):
        body = {"issueIdsOrKeys": ids[start : start + 100], "fields": PMHUB_FIELDS, "expand": ["changelog"]}
        began = time.process_time()
        page = server.handle("POST", "/rest/api/3/issue/bulkfetch", HEADERS, json.dumps(body).encode())
        cpu += time.process_time() - began
        assert page.status == 200
        issues += json.loads(page.body)["issues"]
    server.stop()
    return issues, cpu


def test_generation_and_serving_stay_cheap(site, served):
    """Measured ~2.5 s to generate and ~1.5 s of server CPU for the 100 calls; loose bounds for CI."""
    _issues, cpu = served
    assert site.__dict__["_seconds"] < 30
    assert cpu < 8


def test_bulkfetch_payloads_average_about_18_kb_with_a_long_tail(served):
    issues, _cpu = served
    sizes = [len(json.dumps(i, separators=(",", ":"), ensure_ascii=False).encode()) for i in issues]
    assert len(sizes) == 10_000
    assert 15_000 <= statistics.mean(sizes) <= 23_000
    assert 120_000 <= max(sizes) <= 320_000
    assert statistics.median(sizes) < statistics.mean(sizes)  # skewed right, as real issues are


def test_changelogs_have_a_long_tail_on_fields_no_figure_reads(site):
    issues = portfolio_issues(site)
    lengths = sorted(len(i.histories) for i in issues)
    assert 0.015 <= sum(1 for n in lengths if n >= 150) / len(lengths) <= 0.03
    assert sum(1 for n in lengths if n > 1000) >= 1
    assert lengths[len(lengths) // 2] <= 12
    for issue in issues:
        kinds = [{item.field in TRUTH_FIELDS for item in h.items} for h in issue.histories]
        assert all(len(k) == 1 for k in kinds), issue.key  # no history mixes simulated and extra changes
        if len(issue.histories) >= 150:  # the tail is made of extra histories, not of simulated ones
            assert sum(1 for k in kinds if k == {True}) < 60, issue.key


def test_histories_replay_to_the_fields_and_ids_grow_with_time(site):
    for issue in site.issues:
        assert_history_replays(issue, site.now)
        times = [h.created for h in issue.histories]
        assert times == sorted(times) and max(times, default=issue.created) < site.now
        assert issue.updated == max([issue.created, *times, *(w.updated for w in issue.worklogs)]), issue.key
    stamped = sorted((h.created, h.id) for i in site.issues for h in i.histories)
    assert all(a[1] < b[1] for a, b in itertools.pairwise(stamped))


def test_sprint_reports_balance_and_the_planted_scenarios_are_there(site):
    for project in site.ground_truth.projects:
        if project.project_id == "cygnus":
            continue
        assert len(project.planted) == 4, project.project_id
        for sprint in project.sprints:
            plus = sprint.committed_points + sprint.added_points + sprint.estimate_change_points
            minus = sprint.completed_points + sprint.not_completed_points + sprint.removed_points
            assert plus == pytest.approx(minus), sprint.name


def test_worklogs_have_a_tail_and_lie_in_the_work_the_history_shows(site):
    issues = portfolio_issues(site)
    counts = [len(i.worklogs) for i in issues]
    assert sum(1 for n in counts if n <= 5) / len(counts) >= 0.85
    assert sum(1 for n in counts if n > 100) >= 5
    for issue in issues:
        if not issue.worklogs:
            continue
        states = timeline(issue)
        working = [  # logged work starts on a whole minute, so up to a minute before the transition
            (at - timedelta(minutes=1), nxt[0] if nxt else site.now)
            for (at, state), nxt in zip(states, [*states[1:], None], strict=True)
            if STATUS_BY_ID[state.status_id].category.key == "indeterminate"
        ]
        for worklog in issue.worklogs:
            assert any(start <= worklog.started <= end for start, end in working), (issue.key, worklog.id)
    truth = site.ground_truth
    assert truth.worklogs == sum(counts)
    hours = {
        p.jira_key: sum(w.seconds for i in issues if i.project_key == p.jira_key for w in i.worklogs) / 3600
        for p in site.projects
        if p.jira_key
    }
    for project in site.projects:
        if project.jira_key:
            assert truth.project(project.id).worklog_hours == pytest.approx(hours[project.jira_key])


def test_most_issues_were_last_updated_long_ago(site):
    issues = portfolio_issues(site)
    now = site.now
    recent = sum(1 for i in issues if i.updated >= now - timedelta(hours=12)) / len(issues)
    day = sum(1 for i in issues if i.updated >= now - timedelta(hours=24)) / len(issues)
    assert 0.002 <= recent < 0.02
    assert 0.005 <= day <= 0.03
    assert (now - min(i.created for i in issues)).days >= 365


def test_issues_carry_every_field_of_a_cloud_site(site, served):
    issues, _cpu = served
    with SandboxServer(site) as server:
        catalogue = {f["id"]: f for f in requests.get(f"{server.url}/rest/api/3/field", auth=AUTH).json()}
    custom_defs = [f for f in catalogue.values() if f["custom"]]
    assert 50 <= len(custom_defs) <= 150
    scoped = {f["id"] for f in custom_defs if "scope" in f}
    assert scoped and all(catalogue[s]["scope"]["project"]["id"] == "10001" for s in scoped)
    nulls, customs, nodes = 0, 0, set()
    for issue in issues:
        fields = issue["fields"]
        assert set(fields) <= set(catalogue), issue["key"]
        assert all(name in fields for name in CLOUD_SYSTEM_FIELDS), issue["key"]
        mine = [v for k, v in fields.items() if k.startswith("customfield_")]
        customs += len(mine)
        nulls += sum(1 for v in mine if v is None)
        assert bool(scoped & set(fields)) == issue["key"].startswith("BOR-"), issue["key"]
        if fields["description"]:
            assert fields["description"]["type"] == "doc"
            nodes |= {node["type"] for node in fields["description"]["content"]}
            nodes |= {n["type"] for node in fields["description"]["content"] for n in node.get("content", [])}
    assert 0.8 <= nulls / customs <= 0.95
    assert {"paragraph", "bulletList", "codeBlock", "heading", "mention"} <= nodes
    assert sum(1 for i in issues if "parent" in i["fields"]) > 1000
    assert any(i["fields"]["issuetype"]["name"] == EPIC for i in issues)
    assert any(i["fields"]["issuelinks"] for i in issues) and any(i["fields"]["attachment"] for i in issues)
    assert any(i["fields"]["customfield_10000"] != "{}" for i in issues)  # development summaries
