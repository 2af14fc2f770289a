-- The mean-velocity release forecast of each sprint-planned project (AgileEVM), beside the Monte
-- Carlo dates of mart.forecast: after n closed release sprints (02a, busiest board) with C points
-- done of the PRP points now in scope, velocity = C / n, and the release needs
-- n + (PRP - C) / velocity sprints in all (which equals PS / SPI). The finish date adds the
-- remaining sprints, at the mean length of the closed ones, to the last close.
UPDATE mart.forecast f
SET velocity_sprints_done = v.n, velocity_points_per_sprint = v.velocity,
    velocity_sprints_total = v.n + v.remaining / v.velocity,
    velocity_finish_date = (v.last_close::DATE + ceil(v.remaining / v.velocity * v.mean_days)::INTEGER)
FROM (
    WITH s AS (SELECT as_of FROM meta.settings),
    boards AS (
        SELECT c.project_id, c.board_id, count(*) AS n, max(c.closed_at) AS last_close,
               avg(date_diff('second', c.start_at, c.closed_at)) / 86400.0 AS mean_days,
               row_number() OVER (PARTITION BY c.project_id ORDER BY count(*) DESC, c.board_id) AS rank
        FROM release_sprint_closes c, s WHERE c.closed_at::DATE <= s.as_of GROUP BY c.project_id, c.board_id
    )
    SELECT b.project_id, b.n, b.last_close, b.mean_days, p.points_done / b.n AS velocity,
           p.points_total - p.points_done AS remaining
    FROM boards b
    JOIN mart.project_progress p ON p.project_id = b.project_id
    JOIN s ON p.as_of = s.as_of
    WHERE b.rank = 1
) v
WHERE f.project_id = v.project_id AND v.velocity > 0;
