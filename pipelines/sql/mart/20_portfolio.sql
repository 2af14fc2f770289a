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
-- Risk adds to the RAG: a project is amber (red) when at least rag_amber_signal_share
-- (rag_red_signal_share) of its open items carry a signal of mart.risk_signals, when it has at
-- least rag_amber_project_signals (rag_red_project_signals) signals about the whole project, when
-- an open register risk has a rated exposure at or above rag_amber_exposure_score
-- (rag_red_exposure_score) of 25, or when its open money exposure in its budget's currency is at or
-- above rag_amber_exposure_share (rag_red_exposure_share) of its budget. The reason names the
-- signals by rule, the risk, or the amount.
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
), open_items AS (
    SELECT project_id, count(*) AS n FROM core.work_items
    WHERE status_category IS DISTINCT FROM 'done' AND NOT is_deleted AND project_id IS NOT NULL GROUP BY 1
), signal_rules AS (
    SELECT project_id, item_id IS NULL AS about_project, rule, count(*) AS k, count(DISTINCT item_id) AS items
    FROM mart.risk_signals GROUP BY ALL
), signal_items AS (
    -- an item both blocked and overdue counts once
    SELECT project_id, count(DISTINCT item_id) AS items FROM mart.risk_signals GROUP BY 1
), signals AS (
    SELECT project_id, sum(k)::INTEGER AS n, any_value(i.items) AS items,
           string_agg(printf('%d %s', k, replace(rule, '_', ' ')), ', ' ORDER BY k DESC, rule)
               FILTER (WHERE NOT about_project) AS item_rules,
           count(*) FILTER (WHERE about_project) AS project_signals,
           string_agg(replace(rule, '_', ' '), ', ' ORDER BY rule) FILTER (WHERE about_project) AS project_rules
    FROM signal_rules JOIN signal_items i USING (project_id) GROUP BY 1
), exposure AS (
    -- the register's open risks: the largest rated exposure (1-25), and money exposure in the
    -- budget's currency (an amount in another currency is not converted: it is left out)
    SELECT x.project_id, max(x.exposure) FILTER (WHERE x.exposure_unit = 'score') AS max_score,
           arg_max(coalesce(r.key || ' ', '') || printf('"%s"', x.title), x.exposure)
               FILTER (WHERE x.exposure_unit = 'score') AS max_score_risk,
           sum(x.exposure) FILTER (WHERE x.exposure_unit = 'money' AND x.currency IS NOT DISTINCT FROM b.currency)
               AS money, any_value(b.currency) AS currency
    FROM mart.risk_exposure x
    LEFT JOIN core.risks r USING (risk_id)
    LEFT JOIN core.budgets b ON b.project_id = x.project_id
    WHERE x.project_id IS NOT NULL GROUP BY 1
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
           sv.forecast_finish AS plan_finish, sv.baseline_finish,
           coalesce(sig.n, 0) AS risk_signals, sig.items AS signal_items, oi.n AS open_items,
           sig.items / nullif(oi.n, 0) AS signal_share, sig.item_rules,
           coalesce(sig.project_signals, 0) AS project_signals, sig.project_rules,
           x.max_score AS risk_exposure_score, x.max_score_risk, x.money AS risk_exposure_money, x.currency,
           x.money / nullif(b.bac, 0) AS money_share,
           CASE WHEN sig.items / nullif(oi.n, 0) >= s.rag_red_signal_share
                     OR coalesce(sig.project_signals, 0) >= s.rag_red_project_signals
                     OR x.max_score >= s.rag_red_exposure_score
                     OR x.money / nullif(b.bac, 0) >= s.rag_red_exposure_share THEN 2
                WHEN sig.items / nullif(oi.n, 0) >= s.rag_amber_signal_share
                     OR coalesce(sig.project_signals, 0) >= s.rag_amber_project_signals
                     OR x.max_score >= s.rag_amber_exposure_score
                     OR x.money / nullif(b.bac, 0) >= s.rag_amber_exposure_share THEN 1
                ELSE 0 END AS risk_level,
           s.rag_amber_signal_share, s.rag_amber_project_signals, s.rag_amber_exposure_score,
           s.rag_amber_exposure_share
    FROM core.projects p CROSS JOIN s
    LEFT JOIN progress pr USING (project_id)
    LEFT JOIN velocity v USING (project_id)
    LEFT JOIN evm e USING (project_id)
    LEFT JOIN core.budgets b USING (project_id)
    LEFT JOIN done_items d USING (project_id)
    LEFT JOIN container_health h USING (project_id)
    LEFT JOIN mart.schedule_variance sv ON sv.project_id = p.project_id AND sv.item_id IS NULL
    LEFT JOIN signals sig ON sig.project_id = p.project_id
    LEFT JOIN open_items oi ON oi.project_id = p.project_id
    LEFT JOIN exposure x ON x.project_id = p.project_id
), graded AS (
    SELECT j.*, f.p85_date,
           coalesce(j.schedule_variance_days, date_diff('day', j.planned_end, f.p85_date)) AS late_days,
           s.rag_amber_late_days, s.rag_red_late_days
    FROM joined j CROSS JOIN s LEFT JOIN mart.forecast f USING (project_id)
)
SELECT project_id, name, pct_complete, pct_basis, velocity_avg, velocity_unit, cpi, spi,
       p85_date AS forecast_p85, planned_end,
       CASE WHEN cpi IS NULL AND spi IS NULL AND late_days IS NULL AND risk_level = 0 THEN 'unknown'
            WHEN least(coalesce(cpi, 99), coalesce(spi, 99)) < rag_red OR late_days > rag_red_late_days
                 OR risk_level = 2 THEN 'red'
            WHEN least(coalesce(cpi, 99), coalesce(spi, 99)) < rag_amber OR late_days > rag_amber_late_days
                 OR risk_level = 1 THEN 'amber'
            ELSE 'green' END AS rag_status,
       CASE WHEN cpi IS NULL AND spi IS NULL AND late_days IS NULL AND risk_level = 0
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
                CASE WHEN signal_share >= rag_amber_signal_share
                     THEN printf('%d of %d open items carry risk signals (%s)', signal_items, open_items, item_rules) END,
                CASE WHEN project_signals >= rag_amber_project_signals
                     THEN printf('project risk signals: %s', project_rules) END,
                CASE WHEN risk_exposure_score >= rag_amber_exposure_score
                     THEN printf('open risk %s has exposure %g of 25', max_score_risk, risk_exposure_score) END,
                CASE WHEN money_share >= rag_amber_exposure_share
                     THEN printf('open risks expose %.0f %s, %.0f%% of the budget', risk_exposure_money, currency,
                                 100 * money_share) END,
                CASE WHEN cpi IS NULL THEN 'no cost data' END), '') END AS rag_reason,
       estimate_coverage, done_with_start_share, has_budget, has_cost_data, stale_containers,
       schedule_variance_days, risk_signals, risk_exposure_score, risk_exposure_money
FROM graded
