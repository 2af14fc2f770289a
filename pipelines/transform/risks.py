"""`core.risks`: the risk register of every tool (`Tool.risks`: Jira issues of the risk type,
Confluence risk pages and register tables), with each owner's account resolved to a person.

owner_id is the person `core.person_identities` gives the owner's account, else the person of an
account with the same id in the same realm (an Atlassian accountId mentioned on a Confluence page is
the person of that Jira account: `stage.people.account_realm`), else the account id itself (an
account no other table names); NULL when the risk names no owner. A value a tool could
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
    "status_category VARCHAR, unreadable VARCHAR, owner_realm VARCHAR, owner_external VARCHAR"
)

_RESOLVE_OWNERS = """
INSERT INTO core.risks BY NAME
WITH realm AS (  -- accounts whose own id names one person across sources (an Atlassian accountId)
    SELECT sp.account_realm, sp.external_id, min(pi.person_id) AS person_id
    FROM stage.people sp JOIN core.person_identities pi ON pi.account_id = sp.person_id
    WHERE sp.account_realm IS NOT NULL
    GROUP BY ALL
)
SELECT r.* EXCLUDE (owner_realm, owner_external),
       coalesce(pi.person_id, m.person_id, r.owner_account_id) AS owner_id
FROM risks_read r
LEFT JOIN core.person_identities pi ON pi.account_id = r.owner_account_id
LEFT JOIN realm m ON m.account_realm = r.owner_realm AND m.external_id = r.owner_external
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
