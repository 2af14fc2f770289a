-- Each item's planned cost per day, per baseline: the tool's time-phased values where it stores
-- them for that item and baseline; else the baseline cost spread evenly over the calendar days from
-- baseline start to finish, both included (a milestone's cost falls on its day). Items that roll up
-- others are left out, so a project's sum counts each planned cost once.
WITH leaves AS (
    SELECT * FROM core.baselines WHERE NOT rolls_up
), phased AS (
    SELECT s.item_id, s.baseline_number, s.day, sum(s.cost) AS cost
    FROM stage.baseline_costs s SEMI JOIN leaves l USING (item_id, baseline_number)
    GROUP BY ALL
)
SELECT item_id, baseline_number, day, cost, 'time-phased' AS basis FROM phased
UNION ALL
SELECT l.item_id, l.baseline_number,
       unnest(generate_series(l.start_at::DATE, l.finish_at::DATE, INTERVAL 1 DAY))::DATE AS day,
       l.cost / (datediff('day', l.start_at::DATE, l.finish_at::DATE) + 1) AS cost, 'spread' AS basis
FROM leaves l
ANTI JOIN (SELECT DISTINCT item_id, baseline_number FROM phased) p USING (item_id, baseline_number)
WHERE l.cost > 0 AND l.start_at IS NOT NULL AND l.finish_at >= l.start_at
