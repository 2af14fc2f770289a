"""Fill `mart.forecast`: a Monte Carlo "when" per project on its recent daily throughput.

The history is the `forecast_history_days` days up to the as-of date, zero days included; an item
counts on the day of its last entry into done. Remaining items are those of the project that are not
done and not deleted. A project without a single live item (its containers are still empty) has no
dates: "nothing remains" would say it finished on the as-of date. Each project is simulated with its
own seed, made from the configured seed and the project id, so adding a project does not change
another's forecast.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import duckdb

from models.config import Settings
from models.forecast import MAX_DAYS, day_for_confidence, simulate_finish_days

METHOD = "monte_carlo_daily_throughput"
CONFIDENCES = (0.50, 0.85, 0.95)
NO_ITEMS = "no live work items"

_PROJECTS = """
SELECT p.project_id,
       count(w.item_id) FILTER (WHERE NOT w.is_deleted) AS live,
       count(w.item_id) FILTER (WHERE NOT w.is_deleted AND w.status_category IS DISTINCT FROM 'done') AS remaining,
       list(w.done_at::DATE) FILTER (
           WHERE NOT w.is_deleted AND w.status_category = 'done' AND w.done_at::DATE BETWEEN ? AND ?) AS done_days
FROM core.projects p LEFT JOIN core.work_items w USING (project_id)
GROUP BY 1 ORDER BY 1
"""


def write_forecast(conn: duckdb.DuckDBPyConnection, settings: Settings, as_of: date) -> int:
    """Replace `mart.forecast` with one row per project; returns the rows written."""
    days = settings.forecast_history_days
    first = as_of - timedelta(days=days - 1)
    rows = []
    for project_id, live, remaining, done_days in conn.execute(_PROJECTS, [first, as_of]).fetchall():
        per_day = Counter(done_days or [])
        history = [per_day.get(first + timedelta(days=n), 0) for n in range(days)]
        if live:
            dates, reason = _dates(history, int(remaining), settings, f"{settings.forecast_seed}:{project_id}", as_of)
        else:
            dates, reason = [None] * len(CONFIDENCES), NO_ITEMS
        rows.append((project_id, as_of, remaining, *dates, METHOD, days, sum(history), settings.forecast_runs, reason))
    conn.execute("DELETE FROM mart.forecast")
    if not rows:  # no project in the portfolio yet: nothing to forecast (executemany refuses no rows)
        return 0
    conn.executemany(
        """INSERT INTO mart.forecast (project_id, as_of, remaining_items, p50_date, p85_date, p95_date, method,
                                      history_days, items_done_in_history, runs, null_reason)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        rows,
    )
    return len(rows)


def _dates(
    history: list[int], remaining: int, settings: Settings, seed: str, as_of: date
) -> tuple[list[date | None], str | None]:
    if remaining == 0:
        return [as_of] * len(CONFIDENCES), "nothing remains"
    if sum(history) == 0:
        return [None] * len(CONFIDENCES), f"no item finished in the last {len(history)} days"
    finish = simulate_finish_days(history, remaining, settings.forecast_runs, seed)
    found = [day_for_confidence(finish, q) for q in CONFIDENCES]
    dates = [as_of + timedelta(days=d) if d is not None else None for d in found]
    reason = None if None not in found else f"some runs did not finish within {MAX_DAYS} days at this throughput"
    return dates, reason
