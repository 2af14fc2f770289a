"""Whole issue change histories: when an embedded changelog is not enough, and the bulk endpoint.

Histories embedded in issue answers are capped (20 on search/jql, 40 on issue GETs and bulkfetch):
an issue with a long history silently loses its *oldest* transitions, which are exactly what cycle
time, time-in-status and sprint scope need (field notes #4). `needs_history` says when an embed
cannot be shown whole; `stream_changelogs` then reads every history of up to 1000 issues per
request sequence from ``POST /rest/api/3/changelog/bulkfetch`` (oldest first, paged by
``nextPageToken``) and hands them on page by page, so no history of any length is held whole.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from typing import Any

from connectors.http import HttpClient
from connectors.jira import settings
from connectors.jira.paging import iter_token_pages
from connectors.parallel import interleaved

History = dict[str, Any]

MISSING_CHANGELOG = "issues without the changelog their request expanded (read from changelog/bulkfetch instead)"


def needs_history(issue: dict[str, Any], cap: int = settings.EMBEDDED_HISTORIES) -> bool:
    """True unless the issue's embedded changelog is provably its whole history.

    It is not when it is absent or has no ``histories`` list (the server ignored the expand), when
    ``total`` exceeds the histories embedded, or when as many histories are embedded as the cap:
    Jira's document describes ``PageOfChangelogs.total`` as "the number of results on the page", so
    a full page with ``total`` equal to its length proves nothing.
    """
    changelog = issue.get("changelog")
    histories = changelog.get("histories") if isinstance(changelog, dict) else None
    if not isinstance(changelog, dict) or not isinstance(histories, list):
        return True
    total = changelog.get("total")
    return len(histories) >= cap or (isinstance(total, int) and total > len(histories))


def stream_changelogs(
    http: HttpClient,
    issue_ids: Sequence[str],
    field_ids: Sequence[str] = (),
    sizes: Mapping[str, int] | None = None,
) -> Iterator[tuple[str, list[History]]]:
    """Yield ``(issue_id, histories)`` as bulkfetch pages arrive: every history of each issue once,
    possibly over several pairs (one issue's histories can straddle pages), oldest first per issue.

    Pass issue *ids* (not keys): results are matched by the ``issueId`` Jira returns; issues without
    history yield nothing. Groups of 1000 ids are read concurrently (each group's pages one after
    another) and one page at a time waits to be taken, so memory does not grow with the number or
    length of the histories. `field_ids` filters to at most 10 fields. `sizes`: the
    number of histories each issue is known to have at least; with it the ids are split into as
    many groups as there are workers or pages to read, of about equal weight, so a few long
    histories are read side by side rather than one page after another.
    """
    if len(field_ids) > settings.CHANGELOG_FIELDS_MAX:
        raise ValueError(
            f"changelog bulkfetch filters by at most {settings.CHANGELOG_FIELDS_MAX} field ids, got {len(field_ids)}"
        )
    ids = list(dict.fromkeys(str(i) for i in issue_ids))
    groups = balanced_groups(ids, sizes or {}, http.max_workers)
    pages = partial(_group_pages, http, field_ids=tuple(field_ids))
    for page in interleaved(pages, groups, http.max_workers):
        yield from page


def balanced_groups(ids: Sequence[str], sizes: Mapping[str, int], workers: int) -> list[list[str]]:
    """`ids` in groups of at most 1000 (one bulkfetch request sequence each), no more groups than
    the histories need pages (each group ends in a partial page) nor than workers, unless 1000 ids
    per group needs more; issues spread by their known size, heaviest first."""
    if not ids:
        return []
    weight = {i: max(1, sizes.get(i, 1)) for i in ids}
    pages = math.ceil(sum(weight.values()) / settings.CHANGELOG_PAGE_SIZE)
    count = max(math.ceil(len(ids) / settings.CHANGELOG_ISSUES_PER_CALL), min(workers, pages))
    groups: list[list[str]] = [[] for _ in range(count)]
    loads = [0] * count
    for issue_id in sorted(ids, key=lambda i: -weight[i]):
        open_groups = [g for g in range(count) if len(groups[g]) < settings.CHANGELOG_ISSUES_PER_CALL]
        lightest = min(open_groups, key=lambda g: loads[g])
        groups[lightest].append(issue_id)
        loads[lightest] += weight[issue_id]
    return [g for g in groups if g]


def _group_pages(
    http: HttpClient, issue_ids: Sequence[str], field_ids: Sequence[str]
) -> Iterator[list[tuple[str, list[History]]]]:
    """One bulkfetch request sequence (≤1000 ids): per page, the histories it holds per issue."""
    body: dict[str, Any] = {"issueIdsOrKeys": list(issue_ids), "maxResults": settings.CHANGELOG_PAGE_SIZE}
    if field_ids:
        body["fieldIds"] = list(field_ids)
    seen: set[str] = set()
    for entries in iter_token_pages(http, settings.CHANGELOG_BULKFETCH, body, "issueChangeLogs"):
        page: list[tuple[str, list[History]]] = []
        for entry in entries:
            fresh = []
            for history in entry.get("changeHistories") or []:
                # A page boundary may repeat a history; never count one twice.
                key = str(history.get("id"))
                if history.get("id") is None or key not in seen:
                    seen.add(key)
                    fresh.append(history)
            if fresh:
                page.append((str(entry.get("issueId")), fresh))
        yield page
