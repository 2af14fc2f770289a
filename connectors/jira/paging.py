"""Jira's two paging schemes, with loop guards.

* Offset: ``startAt``/``maxResults`` with ``isLast`` (project search, agile boards and sprints).
* Token: ``nextPageToken`` in a POST body (enhanced JQL search, bulk changelogs).

Neither ever infers the last page from a short page: Jira documents that it may return fewer
items than asked for ("API may return fewer items per page where a large number of fields are
requested"), and clients that stopped on a short page lost everything after it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from connectors.http import HttpClient


def iter_offset_pages(
    http: HttpClient, path: str, params: Mapping[str, Any], page_size: int
) -> Iterator[dict[str, Any]]:
    """Yield the ``values`` of every page of a startAt/maxResults/isLast endpoint.

    Stops on ``isLast: true``. When a response has no ``isLast`` at all, stops on an empty page
    or once ``total`` is reached. Raises `PaginationError` when a page does not start where asked
    (the server ignores ``startAt``: we would loop) or is empty while ``isLast`` is false.
    """
    url = http.resolve(path)
    start = 0
    while True:
        page = http.get_json(path, {**params, "startAt": start, "maxResults": page_size}, expect="object")
        values = page.get("values")
        if not isinstance(values, list):
            raise http.shape_error(url, f"expected a 'values' list in the page at startAt={start}")
        if page.get("startAt", start) != start:
            raise http.pagination_error(url, f"asked for startAt={start} but the page starts at {page.get('startAt')}")
        yield from values
        is_last = page.get("isLast")
        if is_last is True:
            return
        if not values:
            if is_last is False:
                raise http.pagination_error(url, f"empty page at startAt={start} but isLast is false")
            return
        total = page.get("total")
        if is_last is None and isinstance(total, int) and start + len(values) >= total:
            return
        start += len(values)


def iter_token_pages(http: HttpClient, path: str, body: Mapping[str, Any], items_key: str) -> Iterator[list[Any]]:
    """POST `body` to `path` and follow ``nextPageToken``; yield each page's `items_key` list.

    A page without that list is a shape error, never an empty page. ``warnings`` a page carries
    (Jira flags result sets it truncated there) are recorded as shortfalls in the client's stats,
    so the run reports them.

    The last page is the one with ``isLast: true`` or without a ``nextPageToken``: with no token
    there is nothing to ask for next, so a response missing both is also the end (documented
    behaviour: "If this result represents the last or the only page this token will be null").
    A token seen before, or an empty page that still carries a token, raises `PaginationError`
    (both made other clients loop forever or duplicate data; see field notes #2).
    """
    url = http.resolve(path)
    request = dict(body)
    seen: set[str] = set()
    while True:
        page = http.post_json(path, request, expect="object")
        items = page.get(items_key)
        if not isinstance(items, list):
            raise http.shape_error(url, f"expected a '{items_key}' list", method="POST")
        for warning in page.get("warnings") or ():
            http.stats.add_shortfall(_warning_text(path, warning), 1)
        yield items
        token = page.get("nextPageToken")
        if page.get("isLast") is True or not token:
            return
        if token in seen:
            raise http.pagination_error(url, f"nextPageToken {str(token)[:24]!r} was returned twice", method="POST")
        if not items:
            raise http.pagination_error(
                url, "an empty page still carries a nextPageToken and isLast is not true", method="POST"
            )
        seen.add(token)
        request["nextPageToken"] = token


def _warning_text(path: str, warning: Any) -> str:
    if not isinstance(warning, dict):
        return f"pages of {path} with a warning: {str(warning)[:200]}"
    kind, message = warning.get("type") or "WARNING", warning.get("message") or ""
    return f"pages of {path} Jira flagged {kind} ({str(message)[:200]}): the results may be incomplete"
