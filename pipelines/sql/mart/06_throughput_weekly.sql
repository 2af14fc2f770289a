-- Items each project finished per ISO week (Monday start), by each item's last entry into done,
-- counting items done now and not deleted; weeks without a finished item are rows with 0, from the
-- project's first finished item to the as-of week, so averages and forecasts see the idle weeks.
WITH s AS (SELECT * FROM meta.settings),
done AS (
    SELECT project_id, date_trunc('week', done_at::DATE)::DATE AS week_start
    FROM mart.flow WHERE project_id IS NOT NULL AND done_at::DATE <= (SELECT as_of FROM s)
), span AS (
    SELECT project_id, min(week_start) AS first_week FROM done GROUP BY 1
), weeks AS (
    SELECT sp.project_id, w.week_start::DATE AS week_start
    FROM span sp CROSS JOIN s,
         generate_series(sp.first_week, date_trunc('week', s.as_of)::DATE, INTERVAL 7 DAY) AS w(week_start)
)
SELECT w.project_id, w.week_start, count(d.week_start)::INTEGER AS items_done
FROM weeks w LEFT JOIN done d USING (project_id, week_start)
GROUP BY 1, 2
