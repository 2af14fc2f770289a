"""Who is over-allocated in the coming weeks, in a few lines (`pmhub demo` prints them under the
portfolio, after the top risks of `pipelines.risk_summary`)."""

from __future__ import annotations

import duckdb

# Weeks ahead of the sync date's week shown, and lines per list before "… and N more".
WEEKS_SHOWN = 4
LINES = 8


def _capped(lines: list[str]) -> list[str]:
    return lines[:LINES] + ([f"  … and {len(lines) - LINES} more"] if len(lines) > LINES else [])


def overallocated_people(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Each person overallocated in the sync date's week or the next `WEEKS_SHOWN`, worst week first."""
    rows = conn.execute(
        """SELECT coalesce(l.display_name, l.person_id), l.week, l.utilisation, l.capacity_hours, l.work_hours,
                  l.utilisation_basis, l.active_projects, s.overallocated_above
           FROM mart.people_load l CROSS JOIN meta.settings s
           WHERE l.overallocated
             AND l.week BETWEEN date_trunc('week', s.as_of)::DATE AND date_trunc('week', s.as_of)::DATE + 7 * ?
           QUALIFY row_number() OVER (PARTITION BY l.person_id ORDER BY l.utilisation DESC NULLS FIRST, l.week) = 1
           ORDER BY l.utilisation DESC NULLS FIRST, 1""",
        [WEEKS_SHOWN],
    ).fetchall()
    if not rows:
        return []
    threshold = rows[0][7]
    lines = [
        f"  {name}: week of {week.isoformat()}, {work:.0f} h of work "
        + ("with no capacity (away)" if share is None else f"= {share:.0%} of {capacity:.0f} h")
        + f" ({basis}), {projects} project{'s' if projects != 1 else ''}"
        for name, week, share, capacity, work, basis, projects, _t in rows
    ]
    head = f"Over-allocated (planned or committed work above {threshold:.0%} of capacity, next {WEEKS_SHOWN} weeks):"
    return [head, *_capped(lines)]
