"""Point and bulk reads cap what they embed and refuse oversized requests the way Jira Cloud does."""

from __future__ import annotations

import pytest

from sandbox import SandboxServer, generate
from tests.conftest import ANCHOR

PORTFOLIO_KEYS = ("APL", "BOR", "DRC")


@pytest.fixture(scope="module")
def big():
    """A site with more portfolio issues than one 1000-issue bulk fetch."""
    site = generate(seed=5, anchor=ANCHOR, jira_issues=1200)
    with SandboxServer(site) as server:
        yield site, server


def test_get_issue_embeds_the_40_most_recent_histories_where_search_embeds_20(portfolio, sandbox, jira):
    busy = max(portfolio.issues, key=lambda i: len(i.histories))
    assert len(busy.histories) > 40
    body = jira.get(f"{sandbox.url}/rest/api/3/issue/{busy.key}", params={"expand": "changelog"}).json()
    changelog = body["changelog"]
    assert changelog["total"] == len(busy.histories) and changelog["startAt"] == 0
    assert changelog["maxResults"] == len(changelog["histories"]) == 40
    assert [h["id"] for h in changelog["histories"]] == [str(h.id) for h in reversed(busy.histories)][:40]
    assert body["key"] == busy.key and body["id"] == str(busy.id) and "summary" in body["fields"]  # default *all
    found = jira.post(
        f"{sandbox.url}/rest/api/3/search/jql",
        json={"jql": f"project = {busy.project_key}", "fields": ["key"], "expand": "changelog", "maxResults": 100},
    ).json()
    embedded = next(i for i in found["issues"] if i["key"] == busy.key)["changelog"]
    assert len(embedded["histories"]) == 20 and embedded["total"] == len(busy.histories)
    without = jira.get(f"{sandbox.url}/rest/api/3/issue/{busy.id}", params={"fields": "summary"}).json()
    assert "changelog" not in without and set(without["fields"]) == {"summary"}


def test_bulkfetch_embeds_at_most_40_histories_too(portfolio, sandbox, jira):
    busy = [i for i in portfolio.issues if len(i.histories) > 40][:3]
    body = jira.post(
        f"{sandbox.url}/rest/api/3/issue/bulkfetch",
        json={"issueIdsOrKeys": [i.key for i in busy], "fields": ["status"], "expand": ["changelog"]},
    ).json()
    assert [i["id"] for i in body["issues"]] == sorted(str(i.id) for i in busy)
    for served, issue in zip(body["issues"], sorted(busy, key=lambda i: i.id), strict=True):
        assert len(served["changelog"]["histories"]) == 40 and served["changelog"]["total"] == len(issue.histories)


def test_embedded_worklog_field_caps_at_20_and_reports_the_total(portfolio, sandbox, jira):
    heavy = next(i for i in portfolio.issues if len(i.worklogs) > 20 and i.project_key in PORTFOLIO_KEYS)
    url = sandbox.url
    views = [
        jira.get(f"{url}/rest/api/3/issue/{heavy.key}").json(),
        jira.post(f"{url}/rest/api/3/issue/bulkfetch", json={"issueIdsOrKeys": [heavy.key]}).json()["issues"][0],
        jira.post(
            f"{url}/rest/api/3/issue/bulkfetch", json={"issueIdsOrKeys": [heavy.key], "fields": ["*navigable"]}
        ).json()["issues"][0],
    ]
    page = jira.get(
        f"{url}/rest/api/3/search/jql",
        params={"jql": f"project = {heavy.project_key}", "fields": "worklog", "maxResults": 100},
    ).json()["issues"]
    views += [i for i in page if i["id"] == str(heavy.id)]
    assert len(views) == 4
    for view in views:
        worklog = view["fields"]["worklog"]
        assert (worklog["startAt"], worklog["maxResults"], worklog["total"]) == (0, 20, len(heavy.worklogs))
        assert [w["id"] for w in worklog["worklogs"]] == [str(w.id) for w in heavy.worklogs[:20]]


def test_bulkfetch_allows_1000_issues_only_with_an_explicit_single_valued_field_list(big, jira):
    site, server = big
    url = f"{server.url}/rest/api/3/issue/bulkfetch"
    ids = [str(i.id) for i in site.issues if i.project_key in PORTFOLIO_KEYS][:1000]
    ok = jira.post(url, json={"issueIdsOrKeys": ids, "fields": ["summary", "status", "customfield_10016"]})
    assert ok.status_code == 200
    issues = ok.json()["issues"]
    assert [i["id"] for i in issues] == sorted(ids, key=int) and set(issues[0]["fields"]) == {
        "summary",
        "status",
        "customfield_10016",
    }
    refused = [
        {"fields": ["summary"], "expand": ["changelog"]},
        {"fields": ["summary", "worklog"]},
        {"fields": ["*all"]},
        {"fields": ["-description"]},
        {},
        {"fields": [f"customfield_{n}" for n in range(101)]},
    ]
    for extra in refused:
        response = jira.post(url, json={"issueIdsOrKeys": ids, **extra})
        assert response.status_code == 400, extra
        assert "up to 100 issues" in response.json()["errorMessages"][0]
    assert jira.post(url, json={"issueIdsOrKeys": ids[:100], "expand": ["changelog"]}).status_code == 200
    assert jira.post(url, json={"issueIdsOrKeys": ids[:101]}).status_code == 400
    assert jira.post(url, json={"issueIdsOrKeys": [*ids, "1"], "fields": ["summary"]}).status_code == 400
    assert jira.post(url, json={"issueIdsOrKeys": []}).status_code == 400


def test_bulkfetch_lists_unknown_ids_in_issue_errors_and_resolves_keys_in_any_case(portfolio, sandbox, jira):
    first = next(i for i in portfolio.issues if i.project_key == "APL")
    body = jira.post(
        f"{sandbox.url}/rest/api/3/issue/bulkfetch",
        json={"issueIdsOrKeys": [first.key.lower(), str(first.id), "APL-99999", "1"], "fields": ["summary"]},
    )
    assert body.status_code == 200
    payload = body.json()
    assert [i["key"] for i in payload["issues"]] == [first.key]  # one issue, asked for twice
    assert [e["id"] for e in payload["issueErrors"]] == ["APL-99999", "1"]
    with SandboxServer(portfolio, bulkfetch_issue_errors=False) as quiet:
        body = jira.post(f"{quiet.url}/rest/api/3/issue/bulkfetch", json={"issueIdsOrKeys": ["APL-99999"]}).json()
    assert body == {"issues": [], "issueErrors": []}


def test_approximate_count_counts_what_search_returns(portfolio, sandbox, jira):
    url = f"{sandbox.url}/rest/api/3/search/approximate-count"
    for key in PORTFOLIO_KEYS:
        expected = sum(1 for i in portfolio.site_issues if i.project_key == key)
        assert jira.post(url, json={"jql": f"project = {key}"}).json() == {"count": expected}
    assert jira.post(url, json={"jql": "order by updated"}).status_code == 400
    assert jira.post(url, json={"jql": "project = NOPE"}).status_code == 400


def test_get_project_by_key_or_id_and_404_for_unknown(portfolio, sandbox, jira):
    project = portfolio.jira_projects[0]
    for ref in (project.key, project.id):
        body = jira.get(f"{sandbox.url}/rest/api/3/project/{ref}").json()
        assert (body["key"], body["id"], body["lead"]["accountId"]) == (project.key, project.id, project.lead)
    missing = jira.get(f"{sandbox.url}/rest/api/3/project/{project.key.lower()}")  # keys are case-sensitive
    assert missing.status_code == 404 and missing.json()["errorMessages"]


def test_ids_only_search_pages_5000_issues(big, jira):
    site, server = big
    # 1200 issues fit one ids-only page; with fields the cap stays 100.
    jql = "project in (APL, BOR, DRC) ORDER BY updated ASC, id ASC"
    ids = jira.post(
        f"{server.url}/rest/api/3/search/jql", json={"jql": jql, "fields": ["id"], "maxResults": 5000}
    ).json()
    risks = len(site.risk_issues)  # the register's Risk issues come on top of the 1200 work items
    assert ids["isLast"] and len(ids["issues"]) == 1200 + risks and all(set(i) == {"id"} for i in ids["issues"])
    expected = sorted((i for i in site.site_issues if i.project_key in PORTFOLIO_KEYS), key=lambda i: (i.updated, i.id))
    assert [i["id"] for i in ids["issues"]] == [str(i.id) for i in expected]
    with_fields = jira.post(
        f"{server.url}/rest/api/3/search/jql", json={"jql": jql, "fields": ["summary"], "maxResults": 5000}
    ).json()
    assert len(with_fields["issues"]) == 100 and not with_fields["isLast"]
