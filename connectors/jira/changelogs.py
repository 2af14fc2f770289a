"""Complete issue change histories via ``POST /rest/api/3/changelog/bulkfetch``.

Histories embedded in search results are capped (20 on search/jql, 40 on issue GETs): an issue
with a long history silently loses its *oldest* transitions, which are exactly what cycle time,
time-in-status and sprint scope need (field notes #4). Bulk fetch returns every history of up to
1000 issues per call, oldest first, paged by ``nextPageToken``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from typing import Any

from connectors.http import HttpClient
from connectors.jira import settings
from connectors.jira.paging import iter_token_pages
from connectors.parallel import chunked, ordered_map

History = dict[str, Any]


def fetch_changelogs(
    http: HttpClient, issue_ids: Sequence[str], field_ids: Sequence[str] = ()
) -> Iterator[tuple[str, list[History]]]:
    """Yield ``(issue_id, histories oldest first)`` for every requested issue, in input order.

    Pass issue *ids* (not keys): results are matched by the ``issueId`` Jira returns. Issues
    without history yield an empty list. Batches of 1000 ids run concurrently.
    """
    if len(field_ids) > settings.CHANGELOG_FIELDS_MAX:
        raise ValueError(
            f"changelog bulkfetch filters by at most {settings.CHANGELOG_FIELDS_MAX} field ids, got {len(field_ids)}"
        )
    ids = list(dict.fromkeys(str(i) for i in issue_ids))
    fetch = partial(fetch_batch, http, field_ids=tuple(field_ids))
    batches = chunked(ids, settings.CHANGELOG_ISSUES_PER_CALL)
    for result in ordered_map(fetch, batches, http.max_workers):
        yield from result


def fetch_batch(
    http: HttpClient, issue_ids: Sequence[str], field_ids: Sequence[str] = ()
) -> list[tuple[str, list[History]]]:
    """One bulkfetch request sequence (≤1000 ids), merging all its pages per issue."""
    histories: dict[str, list[History]] = {issue_id: [] for issue_id in issue_ids}
    seen: dict[str, set[str]] = {}
    body: dict[str, Any] = {"issueIdsOrKeys": list(issue_ids), "maxResults": settings.CHANGELOG_PAGE_SIZE}
    if field_ids:
        body["fieldIds"] = list(field_ids)
    for page in iter_token_pages(http, settings.CHANGELOG_BULKFETCH, body, "issueChangeLogs"):
        for entry in page:
            issue_id = str(entry.get("issueId"))
            target = histories.setdefault(issue_id, [])
            ids_seen = seen.setdefault(issue_id, set())
            for history in entry.get("changeHistories") or []:
                history_id = str(history.get("id"))
                # One issue's histories can straddle a page boundary; never count one twice.
                if history.get("id") is not None and history_id in ids_seen:
                    continue
                ids_seen.add(history_id)
                target.append(history)
    return list(histories.items())


def complete_changelogs(http: HttpClient, issues: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Yield `issues` with truncated embedded changelogs made complete.

    An issue is truncated when ``changelog.total`` exceeds ``len(changelog.histories)``. Complete
    issues pass straight through; truncated ones are held until 1000 of them (or the end of the
    input) can share one bulkfetch sequence, so a site needs about one call per 1000 long
    histories rather than one per 1000 issues read. Memory stays bounded by that batch. Completed
    issues are updated in place: ``histories`` becomes the full list (oldest first), ``startAt`` 0
    and ``maxResults`` = ``total``; they come after the issues that passed through.
    """
    pending: list[dict[str, Any]] = []
    for issue in issues:
        if not is_truncated(issue):
            yield issue
            continue
        pending.append(issue)
        if len(pending) == settings.CHANGELOG_ISSUES_PER_CALL:
            yield from _complete_group(http, pending)
            pending = []
    if pending:
        yield from _complete_group(http, pending)


def is_truncated(issue: dict[str, Any]) -> bool:
    """True when the issue's embedded changelog holds fewer histories than its ``total``."""
    changelog = issue.get("changelog")
    if not isinstance(changelog, dict):
        return False
    total = changelog.get("total")
    return isinstance(total, int) and total > len(changelog.get("histories") or [])


def _complete_group(http: HttpClient, group: list[dict[str, Any]]) -> list[dict[str, Any]]:
    truncated = {str(issue.get("id")): issue for issue in group if is_truncated(issue)}
    if truncated:
        for issue_id, histories in fetch_batch(http, list(truncated)):
            if issue_id in truncated:
                _replace_histories(truncated[issue_id]["changelog"], histories)
    return group


def _replace_histories(changelog: dict[str, Any], fetched: list[History]) -> None:
    fetched_ids = {str(h.get("id")) for h in fetched}
    # Embedded histories the bulk view lacks are kept (appended) rather than dropped: the two
    # views have disagreed before (estuary/connectors#5204).
    extra = [h for h in changelog.get("histories") or [] if str(h.get("id")) not in fetched_ids]
    merged = fetched + extra
    # `total` is never lowered: a shortfall stays visible to completeness checks downstream.
    total = max(int(changelog.get("total") or 0), len(merged))
    changelog.update(histories=merged, startAt=0, total=total, maxResults=total)
