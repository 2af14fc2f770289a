"""The SQL macros the stage and mart SQL call: pmhub's own, and those each tool registers (`Tool.macros`)."""

from __future__ import annotations

import duckdb

from pipelines.sources import TOOLS

GENERIC_MACROS = (
    # API timestamps with an offset written `+0000` (Jira) or `Z`/`+00:00` (Trello, Confluence).
    r"""CREATE OR REPLACE TEMP MACRO pmhub_ts(s) AS
        TRY_CAST(regexp_replace(s, '([+-]\d\d)(\d\d)$', '\1:\2') AS TIMESTAMPTZ)""",
    # Monday-to-Friday days from date a to date b, both included (0 when b is before a).
    r"""CREATE OR REPLACE TEMP MACRO pmhub_weekdays(a, b) AS
        CASE WHEN b < a THEN 0 ELSE 5 * ((b - a + 1) // 7)
             + len(list_filter(range(((b - a + 1) % 7)::BIGINT), lambda k: (isodow(a) - 1 + k) % 7 < 5)) END""",
    # A number of days as an explanation says it: "1 day", "12 days".
    """CREATE OR REPLACE TEMP MACRO pmhub_days(n) AS CASE WHEN n = 1 THEN '1 day' ELSE printf('%d days', n) END""",
)


def all_macros() -> tuple[str, ...]:
    """Every macro definition, pmhub's and the tools', in registration order."""
    return GENERIC_MACROS + tuple(m for tool in TOOLS.values() for m in tool.macros)


def register_functions(conn: duckdb.DuckDBPyConnection) -> None:
    """Define the macros on `conn` (temporary: they live with the connection)."""
    for macro in all_macros():
        conn.execute(macro)
