-- One row per project. % complete uses points when estimates cover the scope, else items (same rule
-- as EV). Velocity is the mean completed points of the last N closed sprints (settings), or for
-- projects without sprints the mean completed items of the last N closed ISO weeks. The forecast is
-- the P85 date of mart.forecast (filled before these files run). RAG: red when CPI or SPI is below
-- rag_red or the project finishes more than rag_red_late_days late; amber below rag_amber or later
-- than rag_amber_late_days; unknown when none of the three can be computed. How late: for a project
-- with a baseline, its plan's forecast finish against the baseline finish (mart.schedule_variance:
-- a schedule its project manager keeps beats a throughput sample of a few large tasks); else the
-- P85 forecast against the planned end. The
-- reason names a project without work items first: every figure above then rests on no data.
-- Beside the numbers, how far to trust them: the share of items with an estimate, the share of done
-- items whose start is known (what cycle time rests on), whether a budget and cost data exist, and
-- the project's containers that are missing from the synced data or whose source was last read
-- more than settings.stale_after_hours ago (a failed extract leaves its source's last read behind).
WITH s AS (SELECT * FROM meta.settings),
progress AS (
    SELECT project_id, arg_max(pct_complete_points, as_of) AS pct_points,
           arg_max(pct_complete_items, as_of) AS pct_items, arg_max(estimate_coverage, as_of) AS coverage
    FROM mart.project_progress GROUP BY 1
), ranked AS (
    SELECT v.*, row_number() OVER (PARTITION BY project_id, iteration_kind ORDER BY iteration_end DESC) AS recency
    FROM mart.velocity v WHERE iteration_state = 'closed'
), velocity AS (
    SELECT project_id,
           avg(completed_points) FILTER (WHERE iteration_kind = 'sprint') AS sprint_avg,
           count(*) FILTER (WHERE iteration_kind = 'sprint') AS sprints,
           avg(completed_items) FILTER (WHERE iteration_kind = 'iso_week') AS week_avg
    FROM ranked CROSS JOIN s WHERE recency <= s.velocity_sprints GROUP BY 1
), evm AS (
    SELECT project_id, arg_max(cpi, as_of) AS cpi, arg_max(spi, as_of) AS spi FROM mart.budget_variance GROUP BY 1
), done_items AS (
    SELECT project_id, count(*) AS done, count(started_at) AS with_start FROM core.work_items
    WHERE status_category = 'done' AND NOT is_deleted AND project_id IS NOT NULL GROUP BY 1
), last_read AS (
    SELECT source_id, max((manifest ->> '$.created_at')::TIMESTAMPTZ) AS read_at FROM meta.batches GROUP BY 1
), container_health AS (
    SELECT m.project_id,
           string_agg(CASE WHEN c.container_id IS NULL THEN printf('%s %s: not in the synced data', m.source_id, m.ref)
                           ELSE printf('%s %s: last read %s UTC, %d h ago', m.source_id, m.ref,
                                       strftime(l.read_at AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M'),
                                       date_diff('hour', l.read_at, now())) END, '; '
                      ORDER BY m.source_id, m.ref) AS stale_containers
    FROM meta.cfg_containers m CROSS JOIN s
    LEFT JOIN core.containers c ON c.source_id = m.source_id AND c.config_ref = m.ref
    LEFT JOIN last_read l ON l.source_id = m.source_id
    WHERE c.container_id IS NULL OR l.read_at IS NULL
       OR l.read_at < now() - to_milliseconds(CAST(s.stale_after_hours * 3600000 AS BIGINT))
    GROUP BY 1
), joined AS (
    SELECT p.project_id, p.name,
           CASE WHEN coalesce(pr.coverage, 0) >= s.coverage THEN pr.pct_points ELSE pr.pct_items END AS pct_complete,
           CASE WHEN pr.project_id IS NULL THEN NULL
                WHEN coalesce(pr.coverage, 0) >= s.coverage THEN 'points' ELSE 'items' END AS pct_basis,
           CASE WHEN v.sprints > 0 THEN v.sprint_avg ELSE v.week_avg END AS velocity_avg,
           CASE WHEN v.sprints > 0 THEN 'points/sprint' WHEN v.week_avg IS NOT NULL THEN 'items/week' END
               AS velocity_unit,
           e.cpi, e.spi, b.planned_end, s.rag_red, s.rag_amber,
           pr.coverage AS estimate_coverage, d.with_start / d.done AS done_with_start_share,
           b.project_id IS NOT NULL AS has_budget,
           EXISTS (SELECT 1 FROM core.cost_entries c WHERE c.project_id = p.project_id) AS has_cost_data,
           h.stale_containers, sv.variance_days AS schedule_variance_days,
           sv.forecast_finish AS plan_finish, sv.baseline_finish
    FROM core.projects p CROSS JOIN s
    LEFT JOIN progress pr USING (project_id)
    LEFT JOIN velocity v USING (project_id)
    LEFT JOIN evm e USING (project_id)
    LEFT JOIN core.budgets b USING (project_id)
    LEFT JOIN done_items d USING (project_id)
    LEFT JOIN container_health h USING (project_id)
    LEFT JOIN mart.schedule_variance sv ON sv.project_id = p.project_id AND sv.item_id IS NULL
), graded AS (
    SELECT j.*, f.p85_date,
           coalesce(j.schedule_variance_days, date_diff('day', j.planned_end, f.p85_date)) AS late_days,
           s.rag_amber_late_days, s.rag_red_late_days
    FROM joined j CROSS JOIN s LEFT JOIN mart.forecast f USING (project_id)
)
SELECT project_id, name, pct_complete, pct_basis, velocity_avg, velocity_unit, cpi, spi,
       p85_date AS forecast_p85, planned_end,
       CASE WHEN cpi IS NULL AND spi IS NULL AND late_days IS NULL THEN 'unknown'
            WHEN least(coalesce(cpi, 99), coalesce(spi, 99)) < rag_red OR late_days > rag_red_late_days THEN 'red'
            WHEN least(coalesce(cpi, 99), coalesce(spi, 99)) < rag_amber OR late_days > rag_amber_late_days THEN 'amber'
            ELSE 'green' END AS rag_status,
       CASE WHEN cpi IS NULL AND spi IS NULL AND late_days IS NULL
                THEN concat_ws('; ', CASE WHEN pct_basis IS NULL THEN 'no work items' END,
                               CASE WHEN planned_end IS NULL THEN 'no budget'
                                    WHEN pct_basis IS NOT NULL THEN 'no cost or schedule data' END)
            ELSE nullif(concat_ws('; ',
                CASE WHEN pct_basis IS NULL THEN 'no work items' END,
                CASE WHEN cpi < rag_amber THEN printf('CPI %.2f below %.2f', cpi, rag_amber) END,
                CASE WHEN spi < rag_amber THEN printf('SPI %.2f below %.2f', spi, rag_amber) END,
                CASE WHEN late_days > rag_amber_late_days AND schedule_variance_days IS NOT NULL
                     THEN printf('plan forecast finish %s is %d day%s after the baseline finish %s',
                                 plan_finish, late_days, CASE WHEN late_days = 1 THEN '' ELSE 's' END, baseline_finish)
                     WHEN late_days > rag_amber_late_days
                     THEN printf('P85 forecast %s is %d day%s after the planned end %s',
                                 p85_date, late_days, CASE WHEN late_days = 1 THEN '' ELSE 's' END, planned_end)
                END,
                CASE WHEN cpi IS NULL THEN 'no cost data' END), '') END AS rag_reason,
       estimate_coverage, done_with_start_share, has_budget, has_cost_data, stale_containers,
       schedule_variance_days
FROM graded
