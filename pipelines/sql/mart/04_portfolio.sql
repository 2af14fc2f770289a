-- One row per project. % complete uses points when estimates cover the scope, else items (same rule
-- as EV). Velocity is the mean completed points of the last N closed sprints (settings), or for
-- projects without sprints the mean completed items of the last N closed ISO weeks. The forecast is
-- the P85 date of mart.forecast (filled before these files run). RAG: red when CPI or SPI is below
-- rag_red or the P85 forecast lands more than rag_red_late_days after the planned end; amber below
-- rag_amber or later than rag_amber_late_days; unknown when none of the three can be computed.
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
), joined AS (
    SELECT p.project_id, p.name,
           CASE WHEN coalesce(pr.coverage, 0) >= s.coverage THEN pr.pct_points ELSE pr.pct_items END AS pct_complete,
           CASE WHEN pr.project_id IS NULL THEN NULL
                WHEN coalesce(pr.coverage, 0) >= s.coverage THEN 'points' ELSE 'items' END AS pct_basis,
           CASE WHEN v.sprints > 0 THEN v.sprint_avg ELSE v.week_avg END AS velocity_avg,
           CASE WHEN v.sprints > 0 THEN 'points/sprint' WHEN v.week_avg IS NOT NULL THEN 'items/week' END
               AS velocity_unit,
           e.cpi, e.spi, b.planned_end, s.rag_red, s.rag_amber
    FROM core.projects p CROSS JOIN s
    LEFT JOIN progress pr USING (project_id)
    LEFT JOIN velocity v USING (project_id)
    LEFT JOIN evm e USING (project_id)
    LEFT JOIN core.budgets b USING (project_id)
), graded AS (
    SELECT j.*, f.p85_date, date_diff('day', j.planned_end, f.p85_date) AS late_days,
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
                THEN CASE WHEN planned_end IS NULL THEN 'no budget' ELSE 'no cost or schedule data' END
            ELSE nullif(concat_ws('; ',
                CASE WHEN cpi < rag_amber THEN printf('CPI %.2f below %.2f', cpi, rag_amber) END,
                CASE WHEN spi < rag_amber THEN printf('SPI %.2f below %.2f', spi, rag_amber) END,
                CASE WHEN late_days > rag_amber_late_days
                     THEN printf('P85 forecast %s is %d day%s after the planned end %s',
                                 p85_date, late_days, CASE WHEN late_days = 1 THEN '' ELSE 's' END, planned_end)
                END,
                CASE WHEN cpi IS NULL THEN 'no cost data' END), '') END AS rag_reason
FROM graded
