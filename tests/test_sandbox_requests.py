"""The sandbox refuses what the vendors' documents forbid, with the vendor's own error body.

Every request is held to the official OpenAPI request description (sandbox.request_contract). These
are the shapes pmhub or a peer has actually got wrong: a string where an array is required (the
bulkfetch `expand` that lost every changelog), an exploded array sent comma-joined, a page size over
the documented maximum, a body key the schema does not allow, a parameter the API would silently
ignore, a body that is not JSON.
"""

from __future__ import annotations

import hashlib
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import requests

from sandbox.credentials import ATLASSIAN_EMAIL, ATLASSIAN_TOKEN, TRELLO_KEY, TRELLO_TOKEN
from sandbox.payload_faults import parse_payload_fault
from sandbox.request_contract import RequestContract
from sandbox.vendor_specs import PATCHES, SPEC_FILES, load_spec
from tests.test_sandbox_openapi import component_errors

AUTH = (ATLASSIAN_EMAIL, ATLASSIAN_TOKEN)
TRELLO = {"key": TRELLO_KEY, "token": TRELLO_TOKEN}

# (what, method, path template, query, JSON body, words the error must contain)
JIRA_BAD: list[tuple[str, str, str, dict[str, Any], Any, str]] = [
    (
        "string expand on bulkfetch",
        "POST",
        "/rest/api/3/issue/bulkfetch",
        {},
        {"issueIdsOrKeys": ["APL-1"], "fields": ["*all"], "expand": "changelog"},
        "'changelog' is not of type 'array'",
    ),
    (
        "unknown body key on bulkfetch",
        "POST",
        "/rest/api/3/issue/bulkfetch",
        {},
        {"issueIdsOrKeys": ["APL-1"], "expandChangelog": True},
        "'expandChangelog' was unexpected",
    ),
    (
        "unknown body key on search/jql",
        "POST",
        "/rest/api/3/search/jql",
        {},
        {"jql": "project = APL", "startAt": 50},
        "'startAt' was unexpected",
    ),
    (
        "changelog page size over 10000",
        "POST",
        "/rest/api/3/changelog/bulkfetch",
        {},
        {"issueIdsOrKeys": ["APL-1"], "maxResults": 20000},
        "20000 is greater than the maximum of 10000",
    ),
    (
        "over 1000 issues in one changelog bulkfetch",
        "POST",
        "/rest/api/3/changelog/bulkfetch",
        {},
        {"issueIdsOrKeys": [str(i) for i in range(1001)]},
        "is too long",
    ),
    (
        "worklog ids as strings",
        "POST",
        "/rest/api/3/worklog/list",
        {},
        {"ids": ["10001"]},
        "'10001' is not of type 'integer'",
    ),
    (
        "project page size over 100",
        "GET",
        "/rest/api/3/project/search",
        {"maxResults": 101},
        None,
        "101 is greater than the maximum of 100",
    ),
    ("non-numeric since", "GET", "/rest/api/3/worklog/updated", {"since": "yesterday"}, None, "since"),
    (
        "a parameter the API would ignore",
        "GET",
        "/rest/api/3/issue/APL-1",
        {"expandChangelog": "true"},
        None,
        "Unknown query parameter 'expandChangelog'",
    ),
    ("sprint states outside the set", "GET", "/rest/agile/1.0/board/1/sprint", {"state": "open"}, None, "state"),
    ("non-numeric board id", "GET", "/rest/agile/1.0/board/APL/sprint", {}, None, "boardId"),
]


@pytest.mark.parametrize("case", JIRA_BAD, ids=[c[0] for c in JIRA_BAD])
def test_jira_refuses_a_malformed_request_with_its_error_collection(case, sandbox):
    _what, method, path, query, body, words = case
    response = requests.request(method, f"{sandbox.url}{path}", params=query, json=body, auth=AUTH, timeout=10)
    assert response.status_code == 400, response.text
    assert component_errors(load_spec("jira"), "jira", "ErrorCollection", response.json()) == []
    assert words in response.json()["errorMessages"][0]


def test_a_bulkfetch_expand_given_as_an_array_is_served(sandbox):
    body = {"issueIdsOrKeys": ["APL-1"], "fields": ["summary"], "expand": ["changelog"]}
    response = requests.post(f"{sandbox.url}/rest/api/3/issue/bulkfetch", json=body, auth=AUTH, timeout=10)
    assert response.status_code == 200 and "changelog" in response.json()["issues"][0]


def test_a_body_that_is_not_json_is_unsupported_media(sandbox):
    response = requests.post(
        f"{sandbox.url}/rest/api/3/search/jql",
        data="jql=project%20%3D%20APL",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        auth=AUTH,
        timeout=10,
    )
    assert response.status_code == 415 and "application/json" in response.json()["errorMessages"][0]


def test_a_missing_required_body_is_refused(sandbox):
    response = requests.post(f"{sandbox.url}/rest/api/3/worklog/list", auth=AUTH, timeout=10)
    assert response.status_code == 400 and "body" in response.json()["errorMessages"][0].lower()


CONFLUENCE_BAD = [
    ("comma-joined status", {"status": "current,archived"}, "'current,archived' is not one of"),
    ("page size over 250", {"limit": 500}, "500 is greater than the maximum of 250"),
    ("unknown body format", {"body-format": "markdown"}, "'markdown' is not one of"),
]


@pytest.mark.parametrize("case", CONFLUENCE_BAD, ids=[c[0] for c in CONFLUENCE_BAD])
def test_confluence_refuses_a_malformed_request_with_its_v2_error(case, sandbox, portfolio):
    _what, query, words = case
    space = portfolio.spaces[0].id
    response = requests.get(f"{sandbox.url}/wiki/api/v2/spaces/{space}/pages", params=query, auth=AUTH, timeout=10)
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["status"] == 400 and error["code"] == "INVALID_REQUEST_PARAMETER" and words in error["detail"]


def test_an_exploded_status_list_is_served(sandbox, portfolio):
    space = portfolio.spaces[0].id
    query = [("status", "current"), ("status", "archived"), ("limit", "250")]
    response = requests.get(f"{sandbox.url}/wiki/api/v2/spaces/{space}/pages", params=query, auth=AUTH, timeout=10)
    assert response.status_code == 200 and response.json()["results"]


TRELLO_BAD = [
    ("labels page size over 1000", "labels", {"limit": 1001}, "1001 is greater than the maximum of 1000"),
    ("cards page size over 1000", "cards/all", {"limit": 5000}, "5000 is greater than the maximum of 1000"),
    ("a card filter outside the set", "cards/everything", {}, "'everything' is not one of"),
    ("a parameter the API would ignore", "lists", {"customFieldItems": "true"}, "Unknown query parameter"),
]


@pytest.mark.parametrize("case", TRELLO_BAD, ids=[c[0] for c in TRELLO_BAD])
def test_trello_refuses_a_malformed_request_with_its_text_error(case, sandbox, portfolio):
    _what, child, query, words = case
    board = portfolio.trello_boards[0].id
    response = requests.get(f"{sandbox.url}/1/boards/{board}/{child}", params={**TRELLO, **query}, timeout=10)
    assert response.status_code == 400 and response.headers["Content-Type"].startswith("text/plain")
    assert words in response.text


def test_every_served_route_is_an_operation_of_its_vendors_document(sandbox):
    # SandboxServer builds one RequestContract per vendor API, which refuses a route the document
    # lacks; a made-up route shows that the refusal is real.
    assert sandbox.routes()
    with pytest.raises(ValueError, match="not an operation of the jira OpenAPI document"):
        RequestContract("jira", [("GET", "/rest/api/3/issue/{issueIdOrKey}/history")])


def test_the_specs_are_the_vendors_documents_byte_for_byte():
    folder = resources.files("sandbox") / "specs"
    sums = dict(
        reversed(line.split()) for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines() if line
    )
    provenance = (folder / "PROVENANCE.txt").read_text(encoding="utf-8")
    for name, _base in SPEC_FILES.values():
        digest = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        assert sums[name] == digest and f"{name} |" in provenance and f"sha256={digest}" in provenance


def test_every_patch_says_what_it_changes_and_why():
    assert len({p.what for p in PATCHES}) == len(PATCHES)
    assert all(p.vendor in SPEC_FILES and len(p.evidence) > 40 for p in PATCHES)
    # Evidence in the repository is named by its path, and is there.
    root = Path(__file__).resolve().parents[1]
    cited = {m for p in PATCHES for m in re.findall(r"tests/fixtures/[\w./*-]+", p.evidence)}
    assert cited and all(list(root.glob(path.rstrip("/") if "*" in path else path)) for path in cited), cited


def test_payload_fault_specs_parse_as_documented():
    ignore = parse_payload_fault("ignore-expand:/rest/api/3/issue/bulkfetch:changelog")
    assert (ignore.kind, ignore.argument, ignore.remaining) == ("ignore-expand", "changelog", None)
    drop = parse_payload_fault("drop-field:^/1/boards/[^/]+/cards/all$:*.customFieldItems:2")
    assert (drop.pattern.pattern, drop.argument, drop.remaining) == (
        "^/1/boards/[^/]+/cards/all$",
        "*.customFieldItems",
        2,
    )
    cut = parse_payload_fault("cut-page:/rest/api/3/worklog/list:100")
    assert (cut.argument, cut.remaining) == ("100", None)  # with one number after the regex, it is what to keep
    assert parse_payload_fault("page-total:/rest/api/3/issue/bulkfetch:3").remaining == 3
    for bad in ("drop-field:/x", "cut-page:/x:many", "page-total:(", "nothing:/x"):
        with pytest.raises(ValueError, match="fault"):
            parse_payload_fault(bad)
