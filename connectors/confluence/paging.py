"""Confluence v2 cursor pagination.

Each page says where the next one is: ``_links.next`` in the body and/or a ``Link: <...>;
rel="next"`` header, a *relative* URL such as ``/wiki/api/v2/pages?limit=250&cursor=...``. We
follow it verbatim — never extracting and re-sending the cursor by hand, which broke other
clients (whole URL used as cursor, trailing params kept, field notes #8) — joined onto our
configured base so neither ``/wiki/wiki`` nor a lost gateway host can happen (`urls.join_url`).
``_links.base`` is deliberately ignored: it names the site host, which is the wrong host behind
the api.atlassian.com gateway or a proxy.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from connectors.answers import describe, lacking
from connectors.http import HttpClient


def iter_cursor_pages(
    http: HttpClient, path: str, params: Mapping[str, Any] | None = None, require: Sequence[str] = ()
) -> Iterator[dict[str, Any]]:
    """Yield every item of ``results`` across pages until a page has no next link.

    A next link seen before raises `PaginationError` instead of looping. `require`: dotted paths
    every item must carry because the request asked for them (e.g. ``body.storage`` for
    ``body-format=storage``); an item without them raises `IncompleteAnswerError`.
    """
    target = http.resolve(path)
    query: Mapping[str, Any] | None = params
    seen: set[str] = set()
    while True:
        response = http.get(target, query)
        page = http.decode_json(response, expect="object")
        results = page.get("results")
        if not isinstance(results, list):
            raise http.shape_error(response.url, "expected a 'results' list")
        missing = lacking(results, require)
        if missing:
            raise http.incomplete_error(
                response.url, describe(missing, len(results), "results") + " although asked for"
            )
        yield from results
        links = page.get("_links")
        next_link = links.get("next") if isinstance(links, dict) else None
        next_link = next_link or response.links.get("next", {}).get("url")
        if not next_link:
            return
        next_url = http.resolve(str(next_link))
        if next_url in seen:
            raise http.pagination_error(response.url, f"next link repeated: {next_link}")
        seen.add(next_url)
        target, query = next_url, None
