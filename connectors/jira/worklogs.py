"""Incremental worklogs: ids changed or deleted since a watermark, then bodies in bulk.

``/worklog/updated`` and ``/worklog/deleted`` list ``{worklogId, updatedTime}`` from oldest to
newest, 1000 per page, linked by an absolute ``nextPage`` URL until ``lastPage``. They omit the
minute before the request, so callers re-read with an overlap (field notes #13). Bodies come from
``POST /worklog/list`` (≤1000 ids per call) instead of one request per issue.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any

from connectors.http import HttpClient
from connectors.jira import settings
from connectors.parallel import chunked, ordered_map


class WorklogFeed:
    """The ids a worklog change feed lists from `since_ms`, page by page as they are read.

    Iterating yields each page's ids (oldest first; an id repeated across pages only once); once
    the feed is read to its end, `watermark` is the last page's ``until`` (epoch ms of its newest
    entry), never less than `since_ms`, so it is safe to store as the next run's ``since``.
    """

    def __init__(self, http: HttpClient, path: str, since_ms: int) -> None:
        self._http = http
        self._path = path
        self.watermark = int(since_ms)

    def __iter__(self) -> Iterator[list[int]]:
        http = self._http
        url = http.resolve(self._path)
        target: str = self._path
        params: dict[str, Any] | None = {"since": self.watermark}
        listed: set[int] = set()
        seen: set[str] = set()
        while True:
            page = http.get_json(target, params, expect="object")
            values = page.get("values")
            if not isinstance(values, list) or not all(isinstance(v, dict) and "worklogId" in v for v in values):
                raise http.shape_error(url, "expected a 'values' list of {worklogId, updatedTime} entries")
            fresh = [i for i in dict.fromkeys(int(v["worklogId"]) for v in values) if i not in listed]
            listed.update(fresh)
            yield fresh
            if isinstance(page.get("until"), int):
                self.watermark = max(self.watermark, page["until"])
            last_page, next_page = page.get("lastPage"), page.get("nextPage")
            if last_page is True or (last_page is None and not next_page):
                return
            if not next_page:
                raise http.pagination_error(url, "lastPage is false but there is no nextPage link")
            if not values:
                raise http.pagination_error(url, "an empty page claims more pages (lastPage is false)")
            # Followed verbatim: it carries the server's own `since` for the next page.
            next_url = http.resolve(str(next_page))
            if next_url in seen:
                raise http.pagination_error(url, "nextPage link repeated")
            seen.add(next_url)
            target, params, url = next_url, None, next_url


def changed_worklog_ids(http: HttpClient, path: str, since_ms: int) -> tuple[list[int], int]:
    """Follow a worklog change feed from `since_ms` to its end: (ids oldest first, watermark)."""
    feed = WorklogFeed(http, path, since_ms)
    ids = [i for page in feed for i in page]
    return ids, feed.watermark


def fetch_worklogs(http: HttpClient, worklog_ids: Iterable[int]) -> Iterator[dict[str, Any]]:
    """Yield full worklog objects for `worklog_ids` (deduplicated), batches fetched concurrently.

    The ids are read lazily, so a feed still being paged (`WorklogFeed`) overlaps with the bodies
    of the ids it already gave. Ids that no longer exist (deleted meanwhile) or that this account may
    not see are simply absent from the answer.
    """
    fetch = partial(_fetch_batch, http)
    for batch in ordered_map(fetch, chunked(_unique(worklog_ids), settings.WORKLOGS_PER_CALL), http.max_workers):
        yield from batch


def _unique(ids: Iterable[int]) -> Iterator[int]:
    seen: set[int] = set()
    for raw in ids:
        value = int(raw)
        if value not in seen:
            seen.add(value)
            yield value


def _fetch_batch(http: HttpClient, ids: list[int]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = http.post_json(settings.WORKLOG_LIST, {"ids": ids}, expect="array")
    return result
