"""Which Jira issues an extract must read: the searches that select them, run side by side.

* Projects without a cursor (first run, or newly configured) are listed whole.
* For the others, one site-wide query from the least advanced cursor minus the overlap window
  (search is eventually consistent), bounded as JQL must be and written in epoch milliseconds (a
  bare date-time would be read in the account's own time zone).
* The overlap window is cut at the instants earlier runs started reading (`JiraState.
  issue_read_ms`). An issue last updated before a cut whose stored version was read after it holds
  that update already, so of the window only the issues a lagging search hid from those runs are
  read again: a nightly run re-reads what changed, not the half-day before it.
* A census of every id per group of projects (ids only, 5000 per page) finds the issues the
  warehouse lacks and those it holds that search no longer returns (see `jira_census`). Jira's
  approximate count of the same projects checks that the census lost no page.

Pages of one query can only be read one after another, so the queries run concurrently, and the
census is split into groups of projects of about equal size.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

from connectors.jira import JiraClient
from connectors.jira.settings import SEARCH_IDS_PAGE_SIZE
from connectors.parallel import ordered_map
from pipelines.sources.jira.config import JiraSource
from pipelines.sources.jira.state import JiraState

# Slack between a stored read's server time and what it is trusted to hold: JQL compares instants
# at minute precision, and the Date header and `updated` may come from different servers.
READ_MARGIN_MS = 5 * 60_000
# Each cut costs one search request; beyond this many, the oldest cuts are dropped (still exact,
# only more of the window is read again).
MAX_WINDOW_CUTS = 24
_ORDER = " ORDER BY updated ASC, id ASC"


@dataclass(frozen=True)
class _Search:
    """One JQL query and what its ids mean: changed, changed unless stored after `before_ms`, or census."""

    jql: str
    role: Literal["changed", "window", "census", "listing"]
    before_ms: int = 0


@dataclass
class IssueSelection:
    """Ids to read (in order, unique) and every id the census found in the projects."""

    changed: list[str] = field(default_factory=list)
    census: set[str] = field(default_factory=set)
    approximate_total: int = 0

    def coverage_warning(self, source_id: str) -> str | None:
        """A warning when the census listed clearly fewer issues than Jira's own count.

        Both read the same index, so they agree but for issues created or deleted between the
        requests; a larger gap means search pages were lost (the next census retries them).
        """
        missing = self.approximate_total - len(self.census)
        if missing <= max(5, self.approximate_total // 200):
            return None
        return (
            f"{source_id}: the census listed {len(self.census)} issues but Jira's approximate count is "
            f"{self.approximate_total}: {missing} may be missing until the next run lists them"
        )


def select_issues(
    source: JiraSource, client: JiraClient, state: JiraState, projects: Sequence[dict[str, Any]]
) -> IssueSelection:
    """Run the searches (concurrently) and combine their ids."""
    cursor_of = {str(p["key"]): state.cursors.get(f"issues_updated_ms:{p['id']}") for p in projects}
    followed = [p for p in projects if cursor_of[str(p["key"])] is not None]
    new_keys = [str(p["key"]) for p in projects if cursor_of[str(p["key"])] is None]
    searches = [
        _Search(f"project in ({', '.join(keys)}) ORDER BY id ASC", "census")
        for keys in census_groups(followed, state, client.http.max_workers)
    ]
    if new_keys:
        searches.append(_Search(f"project in ({', '.join(new_keys)}) ORDER BY id ASC", "listing"))
    since = 0
    if followed:
        since = min(int(str(cursor_of[str(p["key"])])) for p in followed) - int(source.overlap_hours * 3_600_000)
        searches += _updated_searches([str(p["key"]) for p in followed], since, state)

    all_keys = ", ".join(str(p["key"]) for p in projects)
    tasks: list[Callable[[], Any]] = [partial(_ids, client, s.jql) for s in searches]
    tasks.append(partial(client.approximate_count, f"project in ({all_keys})"))
    *results, approximate = ordered_map(lambda task: task(), tasks, client.http.max_workers)
    selection = IssueSelection(approximate_total=int(approximate))
    changed: list[str] = []
    for search, found in zip(searches, results, strict=True):
        if search.role in ("census", "listing"):
            selection.census.update(found)
        if search.role in ("changed", "listing"):
            changed += found
        elif search.role == "window":
            changed += (i for i in found if state.issue_read_ms.get(i, since) - READ_MARGIN_MS < search.before_ms)
    selection.changed = list(dict.fromkeys(changed))
    return selection


def _ids(client: JiraClient, jql: str) -> list[str]:
    return list(client.search_issue_ids(jql))


def _updated_searches(keys: list[str], since: int, state: JiraState) -> list[_Search]:
    query = f"project in ({', '.join(keys)}) AND updated >= "
    cuts = sorted({ms - READ_MARGIN_MS for ms in state.issue_read_ms.values() if ms - READ_MARGIN_MS > since})
    edges = [since, *cuts[-MAX_WINDOW_CUTS:]]
    searches = [_Search(f"{query}{edges[-1]}{_ORDER}", "changed")]
    for low, high in itertools.pairwise(edges):
        searches.append(_Search(f"{query}{low} AND updated < {high}{_ORDER}", "window", high))
    return searches


def census_groups(projects: Sequence[dict[str, Any]], state: JiraState, workers: int) -> list[list[str]]:
    """Project keys in groups of about equal known size, one census query each.

    No more groups than full census pages (each group ends in a partial page) nor than workers.
    """
    sizes = {str(p["key"]): len(state.known_issue_ids.get(str(p["id"]), ())) for p in projects}
    count = max(1, min(workers, len(sizes), math.ceil(sum(sizes.values()) / SEARCH_IDS_PAGE_SIZE)))
    groups: list[list[str]] = [[] for _ in range(count)]
    loads = [0] * count
    for key in sorted(sizes, key=lambda k: (-sizes[k], k)):
        lightest = loads.index(min(loads))
        groups[lightest].append(key)
        loads[lightest] += sizes[key]
    return [sorted(group) for group in groups if group]
