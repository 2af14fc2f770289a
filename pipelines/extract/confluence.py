"""Extract Confluence spaces and their pages (storage-format bodies) through REST v2."""

from __future__ import annotations

from connectors.confluence import ConfluenceClient
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
        pages = writer.write(
            "confluence_pages",
            client.iter_pages(str(space["id"])),
            updated=lambda p: (p.get("version") or {}).get("createdAt"),
            container=str(space["id"]),
        )
        progress.info("%s space %s: %d pages", writer.source_id, space.get("key"), pages)
    result.counts = dict(writer.counts)
    return result
