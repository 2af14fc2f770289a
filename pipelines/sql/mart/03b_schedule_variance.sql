-- Schedule variance in calendar days against baseline 0, per baselined item and per project:
-- forecast finish minus baseline finish (positive: late). An item's forecast finish is its finish
-- when done, else its scheduled finish (due_at, which a plan moves as work slips); a project's are
-- the latest of its items' baseline and forecast finishes.
WITH items AS (
    SELECT w.project_id, w.item_id, b.finish_at::DATE AS baseline_finish,
           coalesce(w.done_at, w.due_at)::DATE AS forecast_finish
    FROM core.baselines b JOIN core.work_items w USING (item_id)
    WHERE b.baseline_number = 0 AND b.finish_at IS NOT NULL AND NOT w.is_deleted
)
SELECT project_id, item_id, baseline_finish, forecast_finish,
       datediff('day', baseline_finish, forecast_finish) AS variance_days
FROM items
UNION ALL
SELECT project_id, NULL, max(baseline_finish), max(forecast_finish),
       datediff('day', max(baseline_finish), max(forecast_finish))
FROM items WHERE project_id IS NOT NULL
GROUP BY project_id
