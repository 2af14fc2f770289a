"""The register's top open risks in a few lines (`pmhub demo` prints them under the portfolio).

Exposures in money and in score (1-25) are not comparable, so each kind is ranked on its own; a
risk whose exposure could not be worked out (a value unreadable or missing) is always listed, with
the reason, never ranked as zero.
"""

from __future__ import annotations

import duckdb

_TOP = """
SELECT p.name, coalesce(r.key || ' ' || e.title, e.title), e.exposure, e.exposure_unit, e.currency,
       e.overdue, e.no_owner, e.unreadable
FROM mart.risk_exposure e
JOIN core.risks r USING (risk_id)
LEFT JOIN core.projects p ON p.project_id = e.project_id
QUALIFY e.exposure IS NULL
     OR row_number() OVER (PARTITION BY e.exposure_unit ORDER BY e.exposure DESC, e.risk_id) <= ?
ORDER BY e.exposure IS NULL, e.exposure_unit, e.exposure DESC, e.risk_id
"""


def top_risks(conn: duckdb.DuckDBPyConnection, per_kind: int = 3) -> list[str]:
    """Lines naming the largest open exposures in money and in score, then those with none."""
    rows = conn.execute(_TOP, [per_kind]).fetchall()
    if not rows:
        return []
    lines = ["", "Top open risks (mart.risk_exposure):"]
    for project, name, exposure, unit, currency, overdue, no_owner, unreadable in rows:
        if exposure is None:
            size = f"exposure unknown ({unreadable})"
        elif unit == "money":
            size = f"{exposure:,.0f} {currency or ''}".rstrip()
        else:
            size = f"score {exposure:g} of 25"
        flags = [f for f, on in (("mitigation overdue", overdue), ("no owner", no_owner)) if on]
        lines.append(f"  {project or '—'}: {name}: {size}" + (f" ({', '.join(flags)})" if flags else ""))
    return lines
