"""The live ground truth follows mutations and what was served; the control endpoints and request stats."""

from __future__ import annotations

from collections import Counter

import requests

from sandbox import SandboxServer
from sandbox.live_truth import truth_json

PORTFOLIO_KEYS = ("APL", "BOR", "DRC")


def serve_everything(jira, url):
    """What a full sync reads: an ids-only census of the portfolio, then every worklog."""
    census = jira.post(
        f"{url}/rest/api/3/search/jql", json={"jql": "project in (APL, BOR, DRC)", "fields": ["id"], "maxResults": 5000}
    ).json()
    since = 0
    while True:
        feed = jira.get(f"{url}/rest/api/3/worklog/updated", params={"since": since}).json()
        jira.post(f"{url}/rest/api/3/worklog/list", json={"ids": [v["worklogId"] for v in feed["values"]]})
        if feed["lastPage"]:
            return {int(i["id"]) for i in census["issues"]}
        since = feed["until"]


def status_items(issue):
    return sum(1 for h in issue.histories for item in h.items if item.field == "status")


def test_truth_at_start_is_the_generation_truth(portfolio):
    with SandboxServer(portfolio) as server:
        assert server.ground_truth() == portfolio.ground_truth
    truth = portfolio.ground_truth
    assert truth.jira_work_items == sum(1 for i in portfolio.issues if i.project_key in PORTFOLIO_KEYS)


def test_truth_keeps_a_row_for_every_served_issue_and_counts_why_it_left(portfolio, jira):
    base = portfolio.ground_truth
    noise = next(i for i in portfolio.issues if i.project_key == "NOISE" and i.worklogs)
    with SandboxServer(portfolio) as server:
        served = serve_everything(jira, server.url)
        deleted = server.delete_issues(2, seed=1)
        hidden = server.restrict_issues(1, seed=2).issue_ids
        out = server.move_issues(1, "NOISE", seed=3).issue_ids
        into = server.move_issues(1, "BOR", ids=[noise.id]).issue_ids
        created = server.create_issues(2, "APL", seed=4).issue_ids
        gone_logs = server.delete_worklogs(3, seed=5).worklog_ids
        touched = server.touch(0.05, seed=6)
        truth = server.ground_truth()
        assert set(deleted.issue_ids) | set(hidden) | set(out) <= served
        assert truth.work_items == base.work_items + len(into) + len(created)
        assert truth.jira_work_items == base.jira_work_items + len(into) + len(created)
        assert (truth.work_items_deleted, truth.work_items_not_visible, truth.work_items_moved) == (2, 1, 2)
        assert truth.jira_work_items_not_visible == truth.work_items_not_visible
        new_status = sum(
            status_items(server.issue(i)) - status_items(next(x for x in portfolio.issues if x.id == i))
            for i in touched.issue_ids
        )
        assert truth.status_changes == base.status_changes + status_items(noise) + new_status
        new_logs = [w for w in touched.worklog_ids if w > max(w.id for i in portfolio.issues for w in i.worklogs)]
        assert truth.worklogs == base.worklogs + len(noise.worklogs) + len(new_logs)
        assert truth.worklogs_deleted == len(gone_logs) + len(deleted.worklog_ids)
        assert truth.sprints == base.sprints and truth.documents == base.documents
        assert sum(p.items_total for p in truth.projects) < sum(p.items_total for p in base.projects) + 2
    with SandboxServer(portfolio) as unseen:  # nothing served yet: deleted issues leave no row behind
        unseen.delete_issues(2, seed=1)
        unseen.restrict_issues(1, seed=2)
        truth = unseen.ground_truth()
        assert truth.work_items == base.work_items - 3 and truth.work_items_deleted == 0
        assert truth.worklogs < base.worklogs and truth.worklogs_deleted == 0


def test_revoking_a_served_project_keeps_its_rows_as_not_visible(portfolio, jira):
    base = portfolio.ground_truth
    drc = [i for i in portfolio.issues if i.project_key == "DRC"]
    with SandboxServer(portfolio) as server:
        serve_everything(jira, server.url)
        server.revoke_project("DRC")
        truth = server.ground_truth()
        assert (truth.work_items, truth.status_changes, truth.worklogs) == (
            base.work_items,
            base.status_changes,
            base.worklogs,
        )
        assert truth.work_items_not_visible == len(drc) and truth.work_items_deleted == 0
        assert truth.project("draco").items_total == base.project("draco").items_total - len(drc)
    with SandboxServer(portfolio) as unseen:
        unseen.revoke_project("DRC")
        assert unseen.ground_truth().jira_work_items == base.jira_work_items - len(drc)


def test_mutate_truth_and_clock_over_http(portfolio, jira):
    with SandboxServer(portfolio) as server:
        url = f"{server.url}/_sandbox"
        operations = [
            {"op": "advance", "minutes": 30},
            {"op": "touch", "fraction": 0.02, "seed": 1},
            {"op": "create_issues", "n": 1, "project_key": "DRC"},
            {"op": "delete_issues", "ids": [portfolio.issues[0].id]},
            {"op": "move_issues", "n": 1, "to_project_key": "BOR", "seed": 2},
            {"op": "restrict_issues", "n": 1, "seed": 3},
            {"op": "delete_worklogs", "n": 1, "seed": 4},
            {"op": "revoke_project", "key": "NOISE"},
        ]
        results = requests.post(f"{url}/mutate", json={"operations": operations}).json()["results"]
        assert [r["op"] for r in results] == [op["op"] for op in operations]
        assert results[3]["issue_ids"] == [portfolio.issues[0].id] and results[4]["keys"]
        single = requests.post(f"{url}/mutate", json={"op": "touch", "fraction": 0.01, "seed": 9}).json()
        assert single["results"][0]["issue_ids"]
        assert requests.get(f"{url}/truth").json() == truth_json(server.ground_truth())
        assert requests.post(f"{url}/mutate", json={"op": "explode"}).status_code == 400
        assert requests.post(f"{url}/mutate", json={"op": "touch"}).status_code == 400
        assert requests.get(f"{url}/nothing").status_code == 404
        remote = server.handle("POST", "/_sandbox/mutate", {}, b'{"op": "touch", "fraction": 1}', client="10.1.2.3")
        assert remote.status == 403
        assert server.request_count == 0  # control requests are not vendor traffic


def test_stats_count_requests_per_route_template_and_describe_the_dataset(portfolio, jira):
    with SandboxServer(portfolio, faults=["429:/rest/api/3/myself:1:0"]) as server:
        first = portfolio.issues[0]
        for ref in (first.key, first.id):
            jira.get(f"{server.url}/rest/api/3/issue/{ref}")
        jira.post(f"{server.url}/rest/api/3/issue/bulkfetch", json={"issueIdsOrKeys": [first.key]})
        jira.get(f"{server.url}/rest/api/3/myself")  # throttled requests count too
        jira.get(f"{server.url}/rest/api/3/no-such-thing")
        stats = requests.get(f"{server.url}/_sandbox/stats").json()
        assert stats["requests_by_endpoint"] == {
            "GET /rest/api/3/issue/{issueIdOrKey}": 2,
            "GET /rest/api/3/myself": 1,
            "GET unmatched": 1,
            "POST /rest/api/3/issue/bulkfetch": 1,
        }
        dataset = stats["dataset"]
        # the site serves the register's Risk issues too (Portfolio.risk_issues)
        served = (*portfolio.issues, *portfolio.risk_issues)
        lengths = [len(i.histories) for i in served]
        assert dataset["jira_issues"] == len(served)
        assert dataset["jira_issues_by_project"] == dict(sorted(Counter(i.project_key for i in served).items()))
        assert dataset["histories_total"] == sum(lengths)
        assert dataset["issues_over_20_histories"] == sum(1 for n in lengths if n > 20) > 0
        assert dataset["histories_in_issues_over_20"] == sum(n for n in lengths if n > 20)
        assert dataset["issues_over_40_histories"] == sum(1 for n in lengths if n > 40) > 0
        assert dataset["worklogs"] == sum(len(i.worklogs) for i in served)
        assert dataset["boards"] == 4 and sum(dataset["sprints_by_board"].values()) == len(portfolio.sprints)
        # 26 fields, issuelinks, and the register's probability, impact and mitigation fields
        assert (dataset["fields"], dataset["statuses"], dataset["projects"]) == (30, 4, 4)
        assert requests.post(f"{server.url}/_sandbox/reset-stats").json() == {"reset": True}
        assert server.stats()["requests_by_endpoint"] == {}
        server.revoke_project("NOISE")
        assert server.stats()["dataset"]["jira_issues"] == len(served) - 25
