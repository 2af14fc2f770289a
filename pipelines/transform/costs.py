"""`core.cost_entries`: every cost fact of a portfolio project, in its budget's currency.

Worklogs of any tool are priced at their author's rate (`rates.people`, keyed by any of the person's
account ids or handles, or their configured name; else `rates.default_hourly`)
on their work date. Costs a tool records on an item itself (`stage.item_costs`: a Trello card's
hours or cost field) are taken as they are, hours priced at the rate of the person it names.
Deleted worklogs and items, and items in no project, cost nothing here.
"""

from __future__ import annotations

import duckdb

from pipelines.transform.layers import fill

_COST_ENTRIES = """
WITH person_rates AS (
    -- a person's rate is the one `rates.people` gives any of their accounts (by account id or
    -- handle) or, for a person of the `people:` section, their name; the highest where several do
    SELECT i.person_id, max(r.hourly) AS hourly
    FROM core.person_identities i
    JOIN core.people p USING (person_id)
    JOIN meta.cfg_rates r
      ON r.person_ext IN (i.external_id, i.handle) OR (p.configured AND r.person_ext = p.display_name)
    GROUP BY 1
), priced AS (
    SELECT item_id, started_at::DATE AS incurred_on, hours, NULL AS amount, person_id, 'worklog' AS basis,
           true AS from_worklog
    FROM core.worklogs WHERE NOT is_deleted
    UNION ALL
    SELECT item_id, incurred_on, hours, amount, person_id, basis, false
    FROM stage.item_costs WHERE coalesce(amount, hours) IS NOT NULL
)
SELECT w.project_id, c.item_id, c.incurred_on,
       coalesce(c.amount, c.hours * coalesce(r.hourly, s.default_hourly)) AS amount, b.currency,
       CASE WHEN c.amount IS NOT NULL THEN printf('%s %g', c.basis, c.amount)
            ELSE printf('%s %.2fh x %g/h', c.basis, c.hours, coalesce(r.hourly, s.default_hourly)) END AS basis
FROM priced c
JOIN core.work_items w ON w.item_id = c.item_id
LEFT JOIN core.budgets b ON b.project_id = w.project_id
LEFT JOIN core.person_identities a ON a.account_id = c.person_id
LEFT JOIN person_rates r ON r.person_id = coalesce(a.person_id, c.person_id)
CROSS JOIN meta.settings s
-- hours logged stay spent when their item is deleted later; a value on a deleted item is gone with it
WHERE w.project_id IS NOT NULL AND (c.from_worklog OR NOT w.is_deleted)
"""


def build_cost_entries(conn: duckdb.DuckDBPyConnection) -> int:
    """Rebuild `core.cost_entries` (after `core.budgets`, whose currency each entry takes)."""
    return fill(conn, "core", "cost_entries", _COST_ENTRIES)
