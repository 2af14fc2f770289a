-- Burn-up as of the end of each UTC day, from the project's first item to the sync date: scope is
-- every item created by then and not deleted by then; done is status category "done" at that moment
-- (from status history); points are each item's estimate at that moment.
-- Computed from events, not items x days: each item's history is cut into segments where its
-- status category and estimate are constant; a segment [from, to) is the item's state at the end
-- of days from::DATE .. to::DATE - 1, so it adds its values on from::DATE and removes them on
-- to::DATE, and a running sum per project gives every day.
WITH s AS (SELECT as_of FROM meta.settings),
items AS (
    SELECT item_id, project_id, CASE WHEN is_deleted THEN deleted_at END AS gone_at
    FROM core.work_items WHERE project_id IS NOT NULL
), instants AS (
    SELECT item_id, valid_from AS at FROM stage.status_history
    UNION
    SELECT item_id, valid_from FROM stage.points_history
), states AS (
    SELECT i.item_id, i.at, h.category FROM instants i
    ASOF LEFT JOIN stage.status_history h ON h.item_id = i.item_id AND i.at >= h.valid_from
), valued AS (
    SELECT st.item_id, st.at, st.category, p.points FROM states st
    ASOF LEFT JOIN stage.points_history p ON p.item_id = st.item_id AND st.at >= p.valid_from
), segments AS (
    SELECT it.project_id, v.at AS seg_from, v.category, v.points,
           -- least() skips NULLs: a segment ends at the next change or at deletion, else never
           least(lead(v.at) OVER (PARTITION BY v.item_id ORDER BY v.at), it.gone_at) AS seg_to
    FROM valued v JOIN items it USING (item_id)
    WHERE it.gone_at IS NULL OR v.at < it.gone_at
), events AS (
    SELECT project_id, seg_from::DATE AS day, 1 AS items, (category = 'done')::INT AS done,
           points, CASE WHEN category = 'done' THEN points END AS done_points, (points IS NOT NULL)::INT AS estimated
    FROM segments
    UNION ALL
    SELECT project_id, seg_to::DATE, -1, -(category = 'done')::INT,
           -points, -CASE WHEN category = 'done' THEN points END, -(points IS NOT NULL)::INT
    FROM segments WHERE seg_to IS NOT NULL
), daily AS (
    SELECT project_id, day, sum(items) AS items, sum(done) AS done, sum(points) AS points,
           sum(done_points) AS done_points, sum(estimated) AS estimated
    FROM events GROUP BY ALL
), days AS (
    SELECT project_id, unnest(generate_series(min(day), any_value(s.as_of), INTERVAL 1 DAY))::DATE AS as_of
    FROM daily, s GROUP BY project_id
), running AS (
    SELECT d.project_id, d.as_of,
           sum(coalesce(e.items, 0)) OVER w AS items_total,
           sum(coalesce(e.done, 0)) OVER w AS items_done,
           round(sum(coalesce(e.points, 0)) OVER w, 6) AS points_sum,
           round(sum(coalesce(e.done_points, 0)) OVER w, 6) AS done_points_sum,
           sum(coalesce(e.estimated, 0)) OVER w AS estimated
    FROM days d LEFT JOIN daily e ON e.project_id = d.project_id AND e.day = d.as_of
    WINDOW w AS (PARTITION BY d.project_id ORDER BY d.as_of ROWS UNBOUNDED PRECEDING)
)
SELECT project_id, as_of, items_total, items_done,
       CASE WHEN estimated > 0 THEN points_sum END AS points_total,
       CASE WHEN estimated > 0 THEN done_points_sum END AS points_done,
       items_done / items_total AS pct_complete_items,
       done_points_sum / nullif(CASE WHEN estimated > 0 THEN points_sum END, 0) AS pct_complete_points,
       estimated / items_total AS estimate_coverage
FROM running
WHERE items_total > 0
