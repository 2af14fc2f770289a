-- Burn-up as of the end of each UTC day, from the project's first item to the sync date: scope is
-- every item created by then and not deleted by then; done is status category "done" at that moment
-- (from status history); points are each item's estimate at that moment.
WITH s AS (SELECT as_of FROM meta.settings),
items AS (
    SELECT item_id, project_id, created_at, is_deleted, deleted_at
    FROM core.work_items WHERE project_id IS NOT NULL
), days AS (
    SELECT i.project_id,
           unnest(generate_series(min(i.created_at)::DATE, any_value(s.as_of), INTERVAL 1 DAY))::DATE AS as_of
    FROM items i, s GROUP BY i.project_id
), grid AS (
    SELECT d.project_id, d.as_of, (d.as_of + INTERVAL 1 DAY)::TIMESTAMPTZ AS day_end, i.item_id
    FROM days d
    JOIN items i ON i.project_id = d.project_id AND i.created_at < (d.as_of + INTERVAL 1 DAY)::TIMESTAMPTZ
    WHERE NOT (i.is_deleted AND i.deleted_at < (d.as_of + INTERVAL 1 DAY)::TIMESTAMPTZ)
), with_status AS (
    SELECT g.*, h.category FROM grid g
    ASOF LEFT JOIN stage.status_history h ON h.item_id = g.item_id AND g.day_end > h.valid_from
), with_points AS (
    SELECT w.*, p.points FROM with_status w
    ASOF LEFT JOIN stage.points_history p ON p.item_id = w.item_id AND w.day_end > p.valid_from
), totals AS (
    SELECT project_id, as_of, count(*) AS items_total,
           count(*) FILTER (WHERE category = 'done') AS items_done,
           sum(points) AS points_total,
           sum(points) FILTER (WHERE category = 'done') AS points_done,
           count(points) AS estimated
    FROM with_points GROUP BY ALL
)
SELECT project_id, as_of, items_total, items_done, points_total,
       CASE WHEN points_total IS NOT NULL THEN coalesce(points_done, 0) END AS points_done,
       items_done / items_total AS pct_complete_items,
       coalesce(points_done, 0) / nullif(points_total, 0) AS pct_complete_points,
       estimated / items_total AS estimate_coverage
FROM totals
