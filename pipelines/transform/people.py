"""`core.person_identities` and `core.people`: the accounts the tools showed, merged into people by
the rules of `models.identities`, before the core SQL maps assignees, authors and worklog owners
onto them. Configured capacities and leave go to `meta.cfg_people` and `meta.cfg_person_away`.
"""

from __future__ import annotations

from typing import Any

import duckdb

from models.config import PmhubConfig, person_slug
from models.identities import Account, ConfiguredPerson, resolve_people
from pipelines.meta_tables import replace_meta_table
from pipelines.transform.layers import fill

_ACCOUNTS = """
SELECT person_id, source_id, split_part(source_id, ':', 1), external_id, max(handle), max(display_name),
       lower(max(email)), max(account_realm)
FROM stage.people GROUP BY person_id, source_id, external_id ORDER BY person_id
"""


def configured_people(config: PmhubConfig) -> list[ConfiguredPerson]:
    """The config's `people:` as the resolver takes them."""
    return [ConfiguredPerson(f"person:{person_slug(p.name)}", p.name, tuple(p.handle_list())) for p in config.people]


def write_people_config(conn: duckdb.DuckDBPyConnection, config: PmhubConfig) -> None:
    """`meta.cfg_people` (capacity) and `meta.cfg_person_away` (leave, both ends included)."""
    people = [(f"person:{person_slug(p.name)}", p.name, p.hours_per_week, p.part_time) for p in config.people]
    replace_meta_table(
        conn, "cfg_people", "person_id VARCHAR, name VARCHAR, hours_per_week DOUBLE, part_time DOUBLE", people
    )
    away = [(f"person:{person_slug(p.name)}", a.start, a.end) for p in config.people for a in p.away]
    replace_meta_table(conn, "cfg_person_away", "person_id VARCHAR, day_from DATE, day_to DATE", away)


def build_people(conn: duckdb.DuckDBPyConnection, config: PmhubConfig) -> list[str]:
    """Fill `core.person_identities` and `core.people` from `stage.people`; the problems found
    (conflicting config, name-only likenesses)."""
    accounts = [Account(*row) for row in conn.execute(_ACCOUNTS).fetchall()]
    resolution = resolve_people(accounts, configured_people(config), [t.name for t in config.tools])
    rows: list[tuple[Any, ...]] = [
        (
            i.person_id,
            i.account.account_id,
            i.account.source_id,
            i.account.external_id,
            i.account.handle,
            i.account.display_name,
            i.account.email,
            i.matched_by,
        )
        for i in resolution.identities
    ]
    replace_meta_table(
        conn,
        "resolved_identities",
        "person_id VARCHAR, account_id VARCHAR, source_id VARCHAR, external_id VARCHAR, handle VARCHAR, "
        "display_name VARCHAR, email VARCHAR, matched_by VARCHAR",
        rows,
    )
    replace_meta_table(
        conn, "resolved_names", "person_id VARCHAR, display_name VARCHAR", list(resolution.names.items())
    )
    fill(conn, "core", "person_identities", "SELECT * FROM meta.resolved_identities")
    fill(
        conn,
        "core",
        "people",
        """SELECT n.person_id, n.display_name, c.person_id IS NOT NULL AS configured, c.hours_per_week,
                  coalesce(c.part_time, 1.0) AS part_time, count(i.account_id) AS identities
           FROM meta.resolved_names n
           LEFT JOIN meta.cfg_people c USING (person_id)
           LEFT JOIN meta.resolved_identities i USING (person_id)
           GROUP BY ALL""",
    )
    conn.execute("DROP TABLE meta.resolved_identities")
    conn.execute("DROP TABLE meta.resolved_names")
    return resolution.problems
