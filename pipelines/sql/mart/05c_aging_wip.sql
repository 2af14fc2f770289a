-- Aging work in progress (Vacanti; metrics.md §3.2): each item in progress on the sync date, its
-- age since it started in the day convention of mart.flow (inclusive: started today = 1 day), set
-- against its project's cycle times of finished items. Percentiles are nearest-rank: the P% one is
-- the smallest cycle time that at least P% of finished items did not exceed. age_band says where
-- the age lies; NULL (and NULL percentiles) while the project has finished nothing.
WITH s AS (SELECT * FROM meta.settings),
cycle AS (
    SELECT project_id, list_sort(list(cycle_time_days)) AS days, count(*) AS n
    FROM mart.flow WHERE cycle_time_days IS NOT NULL AND project_id IS NOT NULL GROUP BY 1
), pct AS (
    SELECT project_id, days[ceil(0.50 * n)::INT] AS p50, days[ceil(0.85 * n)::INT] AS p85,
           days[ceil(0.95 * n)::INT] AS p95
    FROM cycle
), aged AS (
    SELECT w.item_id, w.project_id, w.key, w.title, w.status, w.started_at, w.url,
           date_diff('day', w.started_at::DATE, s.as_of) + s.flow_day_offset AS age_days
    FROM core.work_items w CROSS JOIN s
    WHERE w.status_category = 'in_progress' AND NOT w.is_deleted AND w.project_id IS NOT NULL
      AND w.started_at IS NOT NULL AND w.started_at::DATE <= s.as_of
)
SELECT a.item_id, a.project_id, a.key, a.title, a.status, a.started_at, a.age_days,
       p.p50 AS cycle_p50_days, p.p85 AS cycle_p85_days, p.p95 AS cycle_p95_days,
       CASE WHEN p.p50 IS NULL THEN NULL
            WHEN a.age_days > p.p95 THEN 'over p95' WHEN a.age_days > p.p85 THEN 'p85 to p95'
            WHEN a.age_days > p.p50 THEN 'p50 to p85' ELSE 'within p50' END AS age_band,
       a.url
FROM aged a LEFT JOIN pct p USING (project_id)
