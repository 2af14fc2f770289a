"""What a Trello extract starts from: the committed cursors and the cards the warehouse holds as live.

`held_state` reads it from the warehouse after each load; `TrelloState.from_json` reads it back at
the next extract (see `pipelines.sources.jira.state` for why it travels through a file).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Self

import duckdb

from pipelines.extract.common import SourceState


@dataclass(frozen=True)
class TrelloState(SourceState):
    """known_card_ids: board id → ids of the cards the warehouse holds there as live; the next
    extract looks up those the board no longer lists."""

    known_card_ids: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None, full_refresh: bool = False) -> Self:
        data = data or {}
        return cls(
            cursors=cls.cursors_from_json(data, full_refresh),
            known_card_ids={k: list(v) for k, v in data.get("known_card_ids", {}).items()},
        )


_LIVE_CARDS = """
    SELECT c.source_id, c.container, list(c.id ORDER BY c.id)
    FROM raw.trello_cards c
    ANTI JOIN raw.trello_card_tombstones t ON t.source_id = c.source_id AND t.id = c.id AND t.batch_id >= c.batch_id
    GROUP BY 1, 2 ORDER BY 1, 2
"""


def held_state(conn: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    """Per Trello source, the live card ids per board."""
    state: defaultdict[str, dict[str, Any]] = defaultdict(dict)
    for source_id, board_id, ids in conn.execute(_LIVE_CARDS).fetchall():
        state[str(source_id)].setdefault("known_card_ids", {})[str(board_id)] = [str(i) for i in ids]
    return dict(state)
