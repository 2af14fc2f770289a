"""Realistic-profile responses match the vendor's official OpenAPI documents, as the demo ones do.

Issues with every Cloud field (epics, links, attachments, comments, team-managed fields), the field
catalogue with project-scoped fields, boards of every kind, their sprint lists and GET /sprint/{id},
which declares no response schema and is checked against SprintBean like the board's sprint list.
"""

from __future__ import annotations

import json

import pytest
import requests
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

from sandbox import SandboxServer, generate
from sandbox.credentials import ATLASSIAN_EMAIL, ATLASSIAN_TOKEN
from sandbox.jira_catalog import EPIC
from tests.conftest import ANCHOR
from tests.test_sandbox_openapi import apis, component_errors, raw_specs  # noqa: F401 - fixtures

AUTH = (ATLASSIAN_EMAIL, ATLASSIAN_TOKEN)


@pytest.fixture(scope="module")
def realistic():
    site = generate(seed=7, anchor=ANCHOR, jira_issues=600, profile="realistic")
    with SandboxServer(site) as server:
        yield site, server


def _valid(apis, vendor: str, response: requests.Response) -> None:  # noqa: F811 - the fixture
    assert response.status_code == 200, response.text
    apis[vendor].validate_response(RequestsOpenAPIRequest(response.request), RequestsOpenAPIResponse(response))


# IssueBean's `fields` accepts anything; these fields are checked against the component Jira
# documents for their value elsewhere (one value, or each item of a list). An issue's links name one
# side only (jirametrics/spec/testdata/SP-15.json), where IssueLink, the link resource, requires both:
# their type and linked issue are checked instead.
FIELD_SCHEMAS = {
    "comment": "PageOfComments",
    "attachment": "Attachment",
    "fixVersions": "Version",
    "versions": "Version",
    "components": "ComponentJsonBean",
    "watches": "Watchers",
    "votes": "Votes",
    "timetracking": "TimeTrackingDetails",
    "assignee": "UserDetails",
    "reporter": "UserDetails",
    "creator": "UserDetails",
    "issuetype": "IssueTypeDetails",
    "status": "StatusDetails",
    "priority": "Priority",
}


def _field_errors(spec, issue) -> list[str]:
    errors = component_errors(spec, "jira", "PageOfChangelogs", issue["changelog"])
    for name, component in FIELD_SCHEMAS.items():
        value = issue["fields"].get(name)
        for item in value if isinstance(value, list) else [] if value is None else [value]:
            errors += [f"{issue['key']} {name} {e}" for e in component_errors(spec, "jira", component, item)]
    for link in issue["fields"].get("issuelinks") or []:
        (side,) = {"inwardIssue", "outwardIssue"} & set(link)
        errors += component_errors(spec, "jira", "IssueLinkType", link["type"])
        errors += component_errors(spec, "jira", "LinkedIssue", link[side])
    return errors


def test_realistic_issues_and_fields_match_the_spec(realistic, apis, raw_specs):  # noqa: F811 - the fixtures
    site, server = realistic
    url = f"{server.url}/rest/api/3"
    _valid(apis, "jira", requests.get(f"{url}/field", auth=AUTH))
    _valid(apis, "jira", requests.get(f"{url}/project/search", auth=AUTH))
    busiest = max(site.issues, key=lambda i: len(i.histories))
    picks = [busiest, next(i for i in site.issues if i.issue_type == EPIC)]
    picks += [next(i for i in site.issues if i.project_key == key) for key in ("APL", "BOR", "DRC", "NOISE")]
    for issue in picks:
        _valid(apis, "jira", requests.get(f"{url}/issue/{issue.key}", params={"expand": "changelog"}, auth=AUTH))
    ids = [str(i.id) for i in site.issues[:100]]
    for fields in (["*all", "-worklog", "-comment"], ["*all"]):
        body = {"issueIdsOrKeys": ids, "fields": fields, "expand": ["changelog"]}
        page = requests.post(f"{url}/issue/bulkfetch", json=body, auth=AUTH)
        _valid(apis, "jira", page)
    served = page.json()["issues"]
    for name in ("issuelinks", "attachment", "fixVersions", "components"):
        assert any(i["fields"][name] for i in served), name  # the sample holds every kind of value
    assert any(i["fields"]["comment"]["comments"] for i in served)
    assert [e for issue in served for e in _field_errors(raw_specs["jira"], issue)] == []
    search = {"jql": "project = BOR ORDER BY updated", "maxResults": 50, "fields": ["*all"]}
    _valid(apis, "jira", requests.post(f"{url}/search/jql", json=search, auth=AUTH))
    changelog = {"issueIdsOrKeys": [str(busiest.id)], "maxResults": 1000}
    _valid(apis, "jira", requests.post(f"{url}/changelog/bulkfetch", json=changelog, auth=AUTH))


def test_boards_sprint_lists_and_sprints_by_id_match_the_spec(realistic, apis, raw_specs):  # noqa: F811
    site, server = realistic
    url = f"{server.url}/rest/agile/1.0"
    _valid(apis, "agile", requests.get(f"{url}/board", auth=AUTH))
    _valid(apis, "agile", requests.get(f"{url}/board", params={"projectKeyOrId": "DRC"}, auth=AUTH))
    declared = raw_specs["agile"]["paths"]["/rest/agile/1.0/sprint/{sprintId}"]["get"]["responses"]["200"]
    assert "schema" not in declared.get("content", {}).get("application/json", {}), "the spec now has a schema"
    example = set(json.loads(declared["content"]["application/json"]["example"]))
    for board in site.jira_boards:
        _valid(apis, "agile", requests.get(f"{url}/board/{board.id}", auth=AUTH))
        listed = requests.get(f"{url}/board/{board.id}/sprint", auth=AUTH)
        if board.type == "kanban":
            assert listed.status_code == 400
            assert component_errors(raw_specs["jira"], "jira", "ErrorCollection", listed.json()) == []
            continue
        for sprint in listed.json()["values"]:
            assert component_errors(raw_specs["agile"], "agile", "SprintBean", sprint) == []
            alone = requests.get(f"{url}/sprint/{sprint['id']}", auth=AUTH).json()
            assert alone == sprint and set(alone) <= example | {"createdDate"}
            assert component_errors(raw_specs["agile"], "agile", "SprintBean", alone) == []
    missing = requests.get(f"{url}/sprint/424242", auth=AUTH)
    assert missing.status_code == 404
    assert component_errors(raw_specs["jira"], "jira", "ErrorCollection", missing.json()) == []


def test_realistic_site_variants_match_the_spec(apis):  # noqa: F811 - the fixture
    """Both story points fields and the legacy Sprint strings, on realistic issues."""
    site = generate(
        seed=7,
        anchor=ANCHOR,
        jira_issues=300,
        profile="realistic",
        story_point_fields="both",
        sprint_field_format="legacy",
    )
    busy = next(i for i in site.issues if i.project_key == "BOR" and i.sprint_ids and i.story_points)
    with SandboxServer(site) as server:
        catalogue = requests.get(f"{server.url}/rest/api/3/field", auth=AUTH)
        _valid(apis, "jira", catalogue)
        assert {"customfield_10016", "customfield_10028"} <= {f["id"] for f in catalogue.json()}
        issue = requests.get(f"{server.url}/rest/api/3/issue/{busy.key}", params={"expand": "changelog"}, auth=AUTH)
        _valid(apis, "jira", issue)
        assert issue.json()["fields"]["customfield_10020"][0].startswith(
            "com.atlassian.greenhopper.service.sprint.Sprint@"
        )
        assert issue.json()["fields"]["customfield_10028"] == busy.story_points  # BOR keeps its points there
