"""Extract Confluence spaces and their pages (storage-format bodies) through REST v2.

A space seen for the first time is listed whole, bodies included. After that each run asks two
things and trusts neither alone:

* v1 CQL search (v2 has none) for the pages modified since the last run read, less an overlap;
* the space's page listing without bodies, a census that carries every page's version number.

A page is fetched (by id, with its body) when its v2 version differs from the one held: that
confirms each CQL candidate, and the census also catches what CQL cannot show — pages trashed,
purged or moved away, and changes the search index does not hold yet (field notes #8: returned
`lastmodified` values fall outside the queried range). A changed page CQL did not list is still
fetched, and reported. Pages the warehouse holds that the space no longer lists are looked up:
trashed or purged → tombstoned as deleted; found in another space → landed there. Each page read
also brings its versions and labels. Labels change without a new version, so when charters are
named by label a CQL label search finds pages whose charter labels changed, and their labels are
read again. Where v1 search is gone (410) the census alone decides, and the run says so.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.confluence import ConfluenceClient, cql
from connectors.errors import ApiError
from connectors.parallel import ordered_map
from pipelines.extract.common import ExtractResult, epoch_ms, parse_api_time, require_visible
from pipelines.landing import LandingWriter
from pipelines.progress import progress
from pipelines.sources.confluence.config import ConfluenceSource
from pipelines.sources.confluence.state import PAGE_READ_CURSOR, ConfluenceState

# Edits saved while the last run was reading, and clock skew between us and the site.
READ_OVERLAP = timedelta(hours=1)


def extract_confluence(
    source: ConfluenceSource,
    client: ConfluenceClient,
    state: ConfluenceState,
    writer: LandingWriter,
    *,
    charter_labels: Collection[str] = (),
) -> ExtractResult:
    """Land the source's spaces and their new or changed pages; `charter_labels` are the labels
    the portfolio names charter pages by, watched for changes on unchanged pages."""
    result = ExtractResult(writer.source_id)
    spaces = list(client.iter_spaces(source.spaces))
    require_visible(writer.source_id, "space", source.spaces, (s["key"] for s in spaces))
    writer.write("confluence_spaces", spaces)
    known_keys = [str(s["key"]) for s in spaces if str(s["id"]) in state.known_page_versions]
    since = _since(state)
    listed = _search(client, result, cql.modified_since(known_keys, since) if known_keys and since else None)
    labelled = _search(
        client, result, cql.labelled(known_keys, charter_labels) if known_keys and charter_labels else None
    )
    # Changes saved after the search began are the census's to find, not a miss of the search.
    searched_at = client.http.first_server_time or datetime.now(UTC)
    read: list[str] = []
    for space in spaces:
        space_id = str(space["id"])
        known = state.known_page_versions.get(space_id)
        if known is None:
            pages = _land_pages(writer, _noting_ids(client.iter_pages(space_id), read))
            progress.info("%s space %s: %d pages", writer.source_id, space.get("key"), pages)
            continue
        stubs = {str(p["id"]): p for p in client.iter_page_stubs(space_id)}
        changed = [page_id for page_id, stub in stubs.items() if known.get(page_id) != _version(stub)]
        _land_pages(writer, client.iter_pages_by_id(changed))
        read += changed
        missed = [
            page_id
            for page_id in changed
            if listed is not None and page_id not in listed and _saved_at(stubs[page_id]) < searched_at
        ]
        if missed:
            result.warnings.append(
                f"{writer.source_id}: space {space.get('key')}: CQL search did not list {len(missed)} changed "
                f"page(s) (ids {', '.join(missed[:5])}); the version census found and read them"
            )
        gone = _vanished_pages(client, writer, sorted(set(known) - set(stubs)))
        progress.info(
            "%s space %s: %d pages listed, %d changed, %d gone",
            writer.source_id,
            space.get("key"),
            len(stubs),
            len(changed),
            gone,
        )
    _land_history(client, writer, read)
    if labelled is not None:
        relabelled = _relabelled(state, set(charter_labels), labelled, set(read))
        _land_labels(client, writer, relabelled)
    if client.http.first_server_time is not None:
        result.cursors[PAGE_READ_CURSOR] = str(epoch_ms(client.http.first_server_time))
    result.counts = dict(writer.counts)
    return result


def _since(state: ConfluenceState) -> datetime | None:
    """When the last run started reading, less the overlap; None when no run recorded it."""
    read_ms = state.cursors.get(PAGE_READ_CURSOR)
    if read_ms is None:
        return None
    return datetime.fromtimestamp(int(read_ms) / 1000, UTC) - READ_OVERLAP


def _search(client: ConfluenceClient, result: ExtractResult, query: str | None) -> set[str] | None:
    """Ids of the pages a CQL query finds; None when not asked or v1 search is gone (410)."""
    if query is None:
        return None
    try:
        return {str(c["id"]) for c in client.search_pages(query)}
    except ApiError as exc:
        if exc.status != 410:
            raise
        gone = (
            f"{client.http.source}: v1 CQL search answered 410 (removed on this site): changes are found by the "
            "version census alone, and a label changed on an unchanged page waits for its next edit"
        )
        if gone not in result.warnings:  # the label search meets the same 410
            result.warnings.append(gone)
        return None


def _relabelled(
    state: ConfluenceState,
    watched: set[str],
    labelled_now: set[str],
    read: set[str],
) -> list[str]:
    """Live pages not read this run whose watched labels CQL sees differently from what is held."""
    live = {page_id for pages in state.known_page_versions.values() for page_id in pages}
    held = {page_id for page_id, names in state.known_page_labels.items() if watched & set(names)}
    return sorted(((labelled_now ^ held) & live) - read)


def _land_pages(writer: LandingWriter, pages: Any) -> int:
    return writer.write(
        "confluence_pages",
        pages,
        updated=lambda p: (p.get("version") or {}).get("createdAt"),
        container=lambda p: str(p.get("spaceId")),
    )


def _noting_ids(pages: Iterator[dict[str, Any]], ids: list[str]) -> Iterator[dict[str, Any]]:
    for page in pages:
        ids.append(str(page["id"]))
        yield page


def _land_history(client: ConfluenceClient, writer: LandingWriter, page_ids: list[str]) -> None:
    """Every version (with who and when) and the labels of these pages, asked concurrently."""

    def read(page_id: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        return list(client.page_versions(page_id)), list(client.page_labels(page_id))

    for page_id, (versions, labels) in zip(page_ids, ordered_map(read, page_ids, client.http.max_workers), strict=True):
        writer.write(
            "confluence_page_versions",
            versions,
            key=lambda v: f"{page_id}:{v.get('number')}",
            updated=lambda v: v.get("createdAt"),
            container=page_id,
        )
        _write_labels(writer, page_id, labels)


def _land_labels(client: ConfluenceClient, writer: LandingWriter, page_ids: list[str]) -> None:
    """The labels alone of these pages (their content did not change)."""
    found = ordered_map(lambda page_id: list(client.page_labels(page_id)), page_ids, client.http.max_workers)
    for page_id, labels in zip(page_ids, found, strict=True):
        _write_labels(writer, page_id, labels)


def _write_labels(writer: LandingWriter, page_id: str, labels: list[dict[str, Any]]) -> None:
    writer.write("confluence_page_labels", [{"pageId": page_id, "labels": labels}], key=lambda r: r["pageId"])


def _version(page: dict[str, Any]) -> int:
    return int((page.get("version") or {}).get("number") or 0)


def _saved_at(page: dict[str, Any]) -> datetime:
    """When the page's current version was saved (v2 ``version.createdAt``); the epoch if not given."""
    saved = (page.get("version") or {}).get("createdAt")
    return parse_api_time(str(saved)) if saved else datetime.fromtimestamp(0, UTC)


def _vanished_pages(client: ConfluenceClient, writer: LandingWriter, page_ids: list[str]) -> int:
    """Look up pages a space stopped listing; land moved ones, tombstone the rest. Returns tombstones."""
    if not page_ids:
        return 0
    moved: list[dict[str, Any]] = []
    tombstones: list[dict[str, Any]] = []
    detected = datetime.now(UTC).isoformat()
    for page_id, (status, page) in zip(
        page_ids, ordered_map(client.lookup_page, page_ids, client.http.max_workers), strict=True
    ):
        if status == 200 and page is not None and page.get("status") in ("current", "archived"):
            moved.append(page)
        elif page is None:
            # 404 is "not found, or the calling user does not have permission to view it": a purged
            # page and one whose restrictions now exclude this account look the same.
            tombstones.append({"id": page_id, "reason": "not_found", "detail": "404", "detected_at": detected})
        else:  # trashed, or deleted: the API says so itself
            tombstones.append(
                {"id": page_id, "reason": "deleted", "detail": page.get("status"), "detected_at": detected}
            )
    _land_pages(writer, moved)
    writer.write("confluence_page_tombstones", tombstones)
    return len(tombstones)
