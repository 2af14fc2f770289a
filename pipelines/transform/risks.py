"""`core.risks`: the risk register of every tool (`Tool.risks`: Jira issues of the risk type,
Confluence risk pages and register tables), with each owner's account resolved to a person.

owner_id is the person `core.person_identities` gives the owner's account, else the account id
itself (an account no other table names); NULL when the risk names no owner. A value a tool could
not read stays NULL, and the tool's problem line (issue or page, field, what was written) goes to
`meta.data_problems` (step 'risks'): the other risks load as usual.
"""

from __future__ import annotations

import duckdb

from pipelines.sources import TOOLS

_COLUMNS = (
    "risk_id VARCHAR, project_id VARCHAR, source VARCHAR, title VARCHAR, key VARCHAR, url VARCHAR, "
    "probability DOUBLE, probability_scale VARCHAR, impact DOUBLE, impact_scale VARCHAR, currency VARCHAR, "
    "owner_account_id VARCHAR, owner_name VARCHAR, mitigation VARCHAR, due_at TIMESTAMPTZ, status VARCHAR, "
    "status_category VARCHAR, unreadable VARCHAR"
)

_RESOLVE_OWNERS = """
INSERT INTO core.risks BY NAME
SELECT r.*, coalesce(pi.person_id, r.owner_account_id) AS owner_id
FROM risks_read r
LEFT JOIN core.person_identities pi ON pi.account_id = r.owner_account_id
ORDER BY r.risk_id
"""


def build_risks(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Rebuild `core.risks`; returns what could not be read, one line per value (issue or page, field)."""
    conn.execute("DELETE FROM core.risks")
    conn.execute(f"CREATE OR REPLACE TEMP TABLE risks_read ({_COLUMNS})")
    problems: list[str] = []
    seen: set[str] = set()
    for tool in TOOLS.values():
        entries, found = tool.risks(conn)
        problems += found
        rows = []
        for entry in entries:
            if entry.risk_id in seen:
                problems.append(f"risk {entry.risk_id} ({entry.title!r}) is read twice; kept the first")
                continue
            seen.add(entry.risk_id)
            rows.append(entry.row())
        if rows:
            marks = ", ".join("?" for _ in rows[0])
            conn.executemany(f"INSERT INTO risks_read VALUES ({marks})", rows)  # noqa: S608 - fixed table
    conn.execute(_RESOLVE_OWNERS)
    conn.execute("DROP TABLE risks_read")
    return problems
