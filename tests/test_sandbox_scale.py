"""The scale knob: issue counts split like the sizes, and 10,000 issues generate and serve quickly.

The 100,000-issue scale is measured by `python -m sandbox.loadcheck`, not here.
"""

from __future__ import annotations

import base64
import json
import resource
import time
from collections import Counter

import pytest

from sandbox import SandboxServer, generate
from sandbox.credentials import ATLASSIAN_EMAIL, ATLASSIAN_TOKEN
from sandbox.serve import parse_scale, start_sandbox
from tests.conftest import ANCHOR

PORTFOLIO_KEYS = ("APL", "BOR", "DRC")
AUTH = {
    "authorization": "Basic " + base64.b64encode(f"{ATLASSIAN_EMAIL}:{ATLASSIAN_TOKEN}".encode()).decode(),
    "content-type": "application/json",
}


def test_jira_issues_is_split_in_the_size_proportions_and_noise_stays_small(portfolio):
    small = Counter(i.project_key for i in portfolio.issues)
    scaled = generate(seed=portfolio.seed, anchor=ANCHOR, jira_issues=1000)
    counts = Counter(i.project_key for i in scaled.issues)
    assert sum(counts[k] for k in PORTFOLIO_KEYS) == 1000 and counts["NOISE"] == small["NOISE"]
    total = sum(small[k] for k in PORTFOLIO_KEYS)
    for key in PORTFOLIO_KEYS:
        assert abs(counts[key] - 1000 * small[key] / total) <= 1
    assert generate(seed=portfolio.seed, anchor=ANCHOR, jira_issues=1000).fingerprint() == scaled.fingerprint()
    with pytest.raises(ValueError):
        generate(jira_issues=2)


def test_scale_option_accepts_sizes_and_issue_counts():
    assert parse_scale("small") == ("small", None)
    assert parse_scale("jira_issues=100000") == ("small", 100_000)
    assert parse_scale("large, jira_issues=5000") == ("large", 5000)
    for bad in ("huge", "jira_issues=many", "issues=5"):
        with pytest.raises(ValueError):
            parse_scale(bad)
    server = start_sandbox(0, 7, "jira_issues=300", 0, [], None, index_lag_minutes=1, jql_time_zone="Asia/Tokyo")
    try:
        assert sum(1 for i in server.portfolio.issues if i.project_key in PORTFOLIO_KEYS) == 300
    finally:
        server.stop()


def test_10000_issues_generate_and_serve_within_loose_bounds():
    """Measured ~2 s and ~70 MB on the 2-core machine; the bounds leave room for a slower CI."""
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB, a high-water mark
    started = time.monotonic()
    site = generate(seed=3, anchor=ANCHOR, jira_issues=10_000)
    elapsed = time.monotonic() - started
    peak_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert sum(1 for i in site.issues if i.project_key in PORTFOLIO_KEYS) == 10_000
    assert elapsed < 30, f"generating 10,000 issues took {elapsed:.1f} s"
    assert peak_after - peak_before < 600 * 1024, f"the peak grew {(peak_after - peak_before) / 1024:.0f} MB"
    assert peak_after < 3 * 2**20, "the test process passed 3 GB"
    assert sum(1 for i in site.issues if len(i.histories) > 40) > 100  # the changelog caps matter at scale
    server = SandboxServer(site)  # handle() directly: measures the sandbox, not the HTTP client
    ids_page = server.handle(
        "POST",
        "/rest/api/3/search/jql",
        AUTH,
        json.dumps({"jql": "project in (APL, BOR, DRC)", "fields": ["id"], "maxResults": 5000}).encode(),
    )
    first = json.loads(ids_page.body)
    assert len(first["issues"]) == 5000 and not first["isLast"]  # the ids-only census pages 5000
    batch = [i["id"] for i in first["issues"][:100]]
    started = time.process_time()
    page = server.handle(
        "POST",
        "/rest/api/3/issue/bulkfetch",
        AUTH,
        json.dumps({"issueIdsOrKeys": batch, "fields": ["*all"], "expand": ["changelog"]}).encode(),
    )
    cpu = time.process_time() - started
    assert page.status == 200 and len(json.loads(page.body)["issues"]) == 100
    assert cpu < 0.25, f"a 100-issue bulkfetch page took {cpu * 1000:.0f} ms of CPU"
    server.stop()
