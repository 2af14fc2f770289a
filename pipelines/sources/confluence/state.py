"""What a Confluence extract starts from: the committed cursors and the pages the warehouse holds.

`held_state` reads it from the warehouse after each load; `ConfluenceState.from_json` reads it back
at the next extract (see `pipelines.sources.jira.state` for why it travels through a file).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Self

import duckdb

from pipelines.extract.common import SourceState

# The cursor an extract sets to the server's time before its first read: the next run's CQL search
# asks for pages modified since then.
PAGE_READ_CURSOR = "pages_read_ms"


@dataclass(frozen=True)
class ConfluenceState(SourceState):
    """known_page_versions: space id → {page id: version number} of the live pages held (the next
    extract fetches the bodies of pages whose version moved on and looks up those the space no
    longer lists). known_page_labels: page id → names of the labels held for it (live pages with
    labels; adding a label makes no new page version, so a CQL label search is compared with them).
    """

    known_page_versions: dict[str, dict[str, int]] = field(default_factory=dict)
    known_page_labels: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None, full_refresh: bool = False) -> Self:
        data = data or {}
        return cls(
            cursors=cls.cursors_from_json(data, full_refresh),
            known_page_versions={} if full_refresh else dict(data.get("known_page_versions", {})),
            known_page_labels={k: list(v) for k, v in data.get("known_page_labels", {}).items()},
        )


_LIVE_PAGES = """
    SELECT p.source_id, p.container, list(p.id ORDER BY p.id),
           list(TRY_CAST(p.payload ->> '$.version.number' AS INTEGER) ORDER BY p.id)
    FROM raw.confluence_pages p
    ANTI JOIN raw.confluence_page_tombstones t ON t.source_id = p.source_id AND t.id = p.id AND t.batch_id >= p.batch_id
    GROUP BY 1, 2 ORDER BY 1, 2
"""

_PAGE_LABELS = """
    WITH live AS (
        SELECT p.source_id, p.id FROM raw.confluence_pages p
        ANTI JOIN raw.confluence_page_tombstones t
          ON t.source_id = p.source_id AND t.id = p.id AND t.batch_id >= p.batch_id
    ), named AS (
        SELECT l.source_id, l.id, unnest(from_json(l.payload -> '$.labels', '["JSON"]')) ->> '$.name' AS name
        FROM raw.confluence_page_labels l SEMI JOIN live USING (source_id, id)
    )
    SELECT source_id, id, list(DISTINCT name ORDER BY name) FROM named
    WHERE name IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2
"""


def held_state(conn: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    """Per Confluence source, the live pages per space with their versions, and their labels."""
    state: defaultdict[str, dict[str, Any]] = defaultdict(dict)
    for source_id, space_id, ids, versions in conn.execute(_LIVE_PAGES).fetchall():
        state[str(source_id)].setdefault("known_page_versions", {})[str(space_id)] = dict(
            zip((str(i) for i in ids), (int(v or 0) for v in versions), strict=True)
        )
    for source_id, page_id, names in conn.execute(_PAGE_LABELS).fetchall():
        state[str(source_id)].setdefault("known_page_labels", {})[str(page_id)] = [str(n) for n in names]
    return dict(state)
