-- Cumulative flow (Jira's CFD, metrics.md §3.1/§3.2): per project, at the end of each UTC day from
-- its first item to the sync date, how many items were in each status category. Items count from
-- creation and leave on the day they are deleted, as in mart.project_progress, so
-- todo + in_progress + done + uncategorized = items_total there, day by day. in_progress + done is
-- the cumulative "started" line and done the cumulative "done" line while nothing reopens; the
-- vertical distance between them is the end-of-day WIP.
WITH s AS (SELECT as_of FROM meta.settings),
items AS (
    SELECT item_id, project_id, CASE WHEN is_deleted THEN deleted_at END AS gone_at
    FROM core.work_items WHERE project_id IS NOT NULL
), states AS (
    -- several changes at one instant: the last of them (by seq) is the state from then on
    SELECT item_id, valid_from AS at, category FROM stage.status_history
    QUALIFY row_number() OVER (PARTITION BY item_id, valid_from ORDER BY seq DESC) = 1
), segments AS (
    SELECT it.project_id, st.at AS seg_from, st.category,
           least(lead(st.at) OVER (PARTITION BY st.item_id ORDER BY st.at), it.gone_at) AS seg_to
    FROM states st JOIN items it USING (item_id)
    WHERE it.gone_at IS NULL OR st.at < it.gone_at
), events AS (
    SELECT project_id, seg_from::DATE AS day, category, 1 AS n FROM segments
    UNION ALL
    SELECT project_id, seg_to::DATE, category, -1 FROM segments WHERE seg_to IS NOT NULL
), daily AS (
    SELECT project_id, day,
           coalesce(sum(n) FILTER (WHERE category = 'todo'), 0) AS todo,
           coalesce(sum(n) FILTER (WHERE category = 'in_progress'), 0) AS in_progress,
           coalesce(sum(n) FILTER (WHERE category = 'done'), 0) AS done,
           coalesce(sum(n) FILTER (WHERE category IS NULL), 0) AS uncategorized
    FROM events GROUP BY ALL
), days AS (
    SELECT project_id, unnest(generate_series(min(day), any_value(s.as_of), INTERVAL 1 DAY))::DATE AS as_of
    FROM daily, s GROUP BY project_id
), running AS (
    SELECT d.project_id, d.as_of,
           sum(coalesce(e.todo, 0)) OVER w AS todo, sum(coalesce(e.in_progress, 0)) OVER w AS in_progress,
           sum(coalesce(e.done, 0)) OVER w AS done, sum(coalesce(e.uncategorized, 0)) OVER w AS uncategorized
    FROM days d LEFT JOIN daily e ON e.project_id = d.project_id AND e.day = d.as_of
    WINDOW w AS (PARTITION BY d.project_id ORDER BY d.as_of ROWS UNBOUNDED PRECEDING)
)
SELECT project_id, as_of, todo, in_progress, done, uncategorized
FROM running
WHERE todo + in_progress + done + uncategorized > 0
