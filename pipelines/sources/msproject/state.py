"""What a plan extract starts from: the SHA-256 of every plan file the warehouse holds as live.

A plan whose file still has that hash is not read again (reading a large `.mpp` starts a JVM and
takes seconds); a plan the warehouse holds whose file is gone gets a tombstone. `held_state` reads
it from the warehouse after each load (see `pipelines.sources.jira.state` for why it travels
through a file).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Self

import duckdb

from pipelines.extract.common import SourceState


@dataclass(frozen=True)
class MsProjectState(SourceState):
    """plan_hashes: plan file name → SHA-256 of the file the warehouse holds it from. reread: read
    every plan again whatever its hash (a full refresh)."""

    plan_hashes: dict[str, str] = field(default_factory=dict)
    reread: bool = False

    @classmethod
    def from_json(cls, data: dict[str, Any] | None, full_refresh: bool = False) -> Self:
        data = data or {}
        return cls(
            cursors=cls.cursors_from_json(data, full_refresh),
            plan_hashes={str(k): str(v) for k, v in data.get("plan_hashes", {}).items()},
            reread=full_refresh,
        )


_LIVE_PLANS = """
    SELECT p.source_id, p.id, p.payload ->> '$.plan.sha256'
    FROM raw.msproject_plans p
    ANTI JOIN raw.msproject_plan_tombstones t ON t.source_id = p.source_id AND t.id = p.id AND t.batch_id >= p.batch_id
    ORDER BY 1, 2
"""


def held_state(conn: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    """Per plan source, the hash of each live plan."""
    state: defaultdict[str, dict[str, Any]] = defaultdict(dict)
    for source_id, plan, sha256 in conn.execute(_LIVE_PLANS).fetchall():
        state[str(source_id)].setdefault("plan_hashes", {})[str(plan)] = str(sha256)
    return dict(state)
