"""What a Jira extract starts from: the committed cursors and what the warehouse holds of the site.

`held_state` reads it from the warehouse after each load (the loader mirrors it to the state file,
because extracts never open DuckDB); `JiraState.from_json` reads it back at the next extract.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Self

import duckdb

from pipelines.extract.common import SourceState

# The cursor an extract sets to the server's time before its first read of issues.
ISSUE_READ_CURSOR = "issues_read_ms"


@dataclass(frozen=True)
class JiraState(SourceState):
    """known_issue_ids: project id → ids of the issues the warehouse holds as live (for the census).
    project_keys: project id → key at the last load. issue_read_ms: issue id → the server instant
    (epoch ms) at which the run that landed its stored version started reading: that version holds
    every change made before then. sprint_states: sprint id → state of each sprint held (a closed
    one never changes again; the others move on by themselves). unlisted_board_ids: boards held
    that no project lists.
    """

    known_issue_ids: dict[str, list[str]] = field(default_factory=dict)
    project_keys: dict[str, str] = field(default_factory=dict)
    issue_read_ms: dict[str, int] = field(default_factory=dict)
    sprint_states: dict[int, str] = field(default_factory=dict)
    unlisted_board_ids: list[int] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None, full_refresh: bool = False) -> Self:
        data = data or {}
        reads: dict[str, list[str]] = {} if full_refresh else data.get("issue_reads", {})
        return cls(
            cursors=cls.cursors_from_json(data, full_refresh),
            known_issue_ids={k: list(v) for k, v in data.get("known_issue_ids", {}).items()},
            project_keys=dict(data.get("project_keys", {})),
            issue_read_ms={issue_id: int(read_ms) for read_ms, ids in reads.items() for issue_id in ids},
            sprint_states={int(k): str(v) for k, v in data.get("sprint_states", {}).items()},
            unlisted_board_ids=[int(i) for i in data.get("unlisted_board_ids", [])],
        )


# Per source and project, the live issues held: the container column holds the issue's project id
# (parsing 100,000 payloads here would cost seconds on every load); rows landed before it was
# recorded fall back to the payload.
_KNOWN_ISSUES = """
    WITH live AS (
        SELECT i.source_id, i.project_id, i.id
        FROM (
            SELECT source_id, container AS project_id, id, batch_id
            FROM raw.jira_issues WHERE container IS NOT NULL
            UNION ALL  -- apart, so that the payloads of the other rows are not read
            SELECT source_id, payload ->> '$.fields.project.id', id, batch_id
            FROM raw.jira_issues WHERE container IS NULL
        ) i
        ANTI JOIN raw.jira_issue_tombstones t
          ON t.source_id = i.source_id AND t.id = i.id AND t.batch_id >= i.batch_id
    )
    SELECT l.source_id, l.project_id, any_value(p.payload ->> '$.key'), list(l.id ORDER BY l.id)
    FROM live l
    LEFT JOIN raw.jira_projects p ON p.source_id = l.source_id AND p.id = l.project_id
    GROUP BY 1, 2 ORDER BY 1, 2
"""

# Per source and read instant (the server time a batch's extract started reading), the issues whose
# stored row that batch landed.
_ISSUE_READS = """
    WITH reads AS (
        SELECT batch_id, TRY_CAST((manifest -> 'cursors') ->> ? AS BIGINT) AS read_ms FROM meta.batches
    )
    SELECT i.source_id, r.read_ms, list(i.id ORDER BY i.id)
    FROM raw.jira_issues i JOIN reads r ON r.batch_id = i.batch_id
    WHERE r.read_ms IS NOT NULL
    GROUP BY 1, 2 ORDER BY 1, 2
"""

# Per source, the sprints held and their state: the next extract refreshes those no board lists
# that are not closed, and reads no closed one again.
_SPRINTS = """
    SELECT source_id, list(id ORDER BY id), list(coalesce(payload ->> '$.state', '') ORDER BY id)
    FROM raw.jira_sprints GROUP BY 1 ORDER BY 1
"""

# Per source, the boards held that no project lists (no location, e.g. a cross-project board): the
# next extract lists their sprints again.
_UNLISTED_BOARDS = """
    SELECT source_id, list(id ORDER BY id) FROM raw.jira_boards
    WHERE payload ->> '$.location.projectId' IS NULL GROUP BY 1 ORDER BY 1
"""


def held_state(conn: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    """Per Jira source: the live issue ids per project id (so the next census finds issues that
    vanished: deleted, moved, hidden), when each stored issue was read (so overlap-window issues
    whose stored version is already current are skipped), the sprints held with their states and
    the boards no project lists."""
    state: defaultdict[str, dict[str, Any]] = defaultdict(dict)
    for source_id, project_id, project_key, ids in conn.execute(_KNOWN_ISSUES).fetchall():
        entry = state[str(source_id)]
        entry.setdefault("known_issue_ids", {})[str(project_id)] = [str(i) for i in ids]
        if project_key is not None:  # None: a project known only through an issue that moved there
            entry.setdefault("project_keys", {})[str(project_id)] = str(project_key)
    for source_id, ids, states in conn.execute(_SPRINTS).fetchall():
        state[str(source_id)]["sprint_states"] = {str(i): str(s) for i, s in zip(ids, states, strict=True)}
    for source_id, ids in conn.execute(_UNLISTED_BOARDS).fetchall():
        state[str(source_id)]["unlisted_board_ids"] = [int(i) for i in ids if str(i).isdigit()]
    for source_id, read_ms, ids in conn.execute(_ISSUE_READS, [ISSUE_READ_CURSOR]).fetchall():
        state[str(source_id)].setdefault("issue_reads", {})[str(read_ms)] = [str(i) for i in ids]
    return dict(state)
