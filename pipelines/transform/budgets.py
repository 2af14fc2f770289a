"""`core.budgets`: each project's budget, from the first place that gives one.

1. The config (`budget:` of a portfolio project) wins.
2. Else what a tool's documents say (`Tool.budgets`: a Confluence charter page's Page Properties).
3. Else the baseline of the project's items (plan tasks), when its baseline 0 holds a cost: BAC is
   that cost (items rolling others up left out), planned from the earliest baseline start to the
   latest baseline finish; `source` is 'baseline'.
"""

from __future__ import annotations

import duckdb

from pipelines.sources import TOOLS

_CONFIG_BUDGETS = """
INSERT INTO core.budgets BY NAME
SELECT project_id, currency, bac, start_date AS planned_start, end_date AS planned_end,
       'config' AS source, planned_sprints
FROM meta.cfg_budgets
"""

_BASELINE_BUDGETS = """
INSERT INTO core.budgets BY NAME
SELECT w.project_id, coalesce(min(b.currency), 'XXX') AS currency, sum(b.cost) AS bac,
       min(b.start_at)::DATE AS planned_start, max(b.finish_at)::DATE AS planned_end, 'baseline' AS source
FROM core.baselines b JOIN core.work_items w USING (item_id)
WHERE b.baseline_number = 0 AND NOT b.rolls_up AND NOT w.is_deleted AND w.project_id IS NOT NULL
  AND w.project_id NOT IN (SELECT project_id FROM core.budgets)
GROUP BY w.project_id
HAVING sum(b.cost) > 0 AND min(b.start_at) IS NOT NULL AND max(b.finish_at) IS NOT NULL
"""


def build_budgets(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Rebuild `core.budgets`; returns what could not be read, and why (e.g. a charter page missing)."""
    conn.execute("DELETE FROM core.budgets")
    conn.execute(_CONFIG_BUDGETS)
    problems = [p for tool in TOOLS.values() for p in tool.budgets(conn)]
    conn.execute(_BASELINE_BUDGETS)
    return problems
