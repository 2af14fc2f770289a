"""Extract Confluence spaces and their pages (storage-format bodies) through REST v2.

A space seen for the first time is listed whole, bodies included. After that each run lists the
space's pages without bodies, a census that carries every page's version number: only pages whose
version moved on (or that are new) are fetched with their bodies, by id. This is exact where a
v1 CQL `lastmodified` window is not (field notes #8: returned values fall outside the queried
range, and CQL dates are read in the account's time zone). Pages the warehouse holds that the
space no longer lists are looked up: trashed or purged → tombstoned as deleted; found in another
space → landed there. Each page read (new or changed) also brings its versions and labels.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from connectors.confluence import ConfluenceClient
from connectors.parallel import ordered_map
from models.config import ConfluenceSource
from pipelines.extract.common import ExtractResult, SourceState, require_visible
from pipelines.landing import LandingWriter
from pipelines.progress import progress


def extract_confluence(
    source: ConfluenceSource, client: ConfluenceClient, state: SourceState, writer: LandingWriter
) -> ExtractResult:
    result = ExtractResult(writer.source_id)
    spaces = list(client.iter_spaces(source.spaces))
    require_visible(writer.source_id, "space", source.spaces, (s["key"] for s in spaces))
    writer.write("confluence_spaces", spaces)
    for space in spaces:
        space_id = str(space["id"])
        known = state.known_page_versions.get(space_id)
        if known is None:
            landed: list[str] = []
            pages = _land_pages(writer, _noting_ids(client.iter_pages(space_id), landed))
            _land_history(client, writer, landed)
            progress.info("%s space %s: %d pages", writer.source_id, space.get("key"), pages)
            continue
        stubs = {str(p["id"]): _version(p) for p in client.iter_page_stubs(space_id)}
        changed = [page_id for page_id, version in stubs.items() if known.get(page_id) != version]
        _land_pages(writer, client.iter_pages_by_id(changed))
        _land_history(client, writer, changed)
        gone = _vanished_pages(client, writer, sorted(set(known) - set(stubs)))
        progress.info(
            "%s space %s: %d pages listed, %d changed, %d gone",
            writer.source_id,
            space.get("key"),
            len(stubs),
            len(changed),
            gone,
        )
    result.counts = dict(writer.counts)
    return result


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
    """Every version (with who and when) and the labels of these pages, asked concurrently.

    Labels are read with the page's content: adding a label does not make a new version, so a
    label changed on an otherwise unchanged page shows on the next edit (or a full refresh).
    """

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
        writer.write("confluence_page_labels", [{"pageId": page_id, "labels": labels}], key=lambda r: r["pageId"])


def _version(page: dict[str, Any]) -> int:
    return int((page.get("version") or {}).get("number") or 0)


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
        else:
            detail = "purged" if page is None else str(page.get("status"))
            tombstones.append({"id": page_id, "reason": "deleted", "detail": detail, "detected_at": detected})
    _land_pages(writer, moved)
    writer.write("confluence_page_tombstones", tombstones)
    return len(tombstones)
