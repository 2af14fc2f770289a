-- Earned value per project and day (ANSI/EIA-748 / PMBOK terms), from the planned start to the
-- sync date.
--   PV: when the project's items carry a baseline 0 with cost, the baseline's cumulative planned
--       cost by the day (core.baseline_costs); else a linear plan, BAC x (days elapsed, inclusive) /
--       (planned days, inclusive), capped at BAC; or, for a sprint-planned release (budget
--       planned_sprints = PS), AgileEVM's BAC x n / PS with n from release_sprint_closes (02a),
--       capped at BAC. pv_method says which.
--   EV: with a baseline, the sum over baselined items of baseline cost x % complete: 100% from the
--       day the item is done, its reported % complete on the sync date, 0 before on unfinished items
--       (their past % complete is not known: the 0/100 rule). Else BAC x % complete, by points when
--       estimates cover the scope (settings.coverage), else items. ev_basis says which.
--   AC: cost entries incurred up to and including the day.
--   EAC = BAC/CPI (typical); eac_atypical = AC + BAC - EV; eac_cpi_spi = AC + (BAC-EV)/(CPI*SPI);
--   ETC = EAC - AC; VAC = BAC - EAC; tcpi = (BAC-EV)/(BAC-AC); tcpi_eac = (BAC-EV)/(EAC-AC).
-- A ratio whose divisor is zero is NULL and null_reason says why; never 0 or infinity.
WITH s AS (SELECT * FROM meta.settings),
latest AS (
    SELECT project_id, arg_max(estimate_coverage, as_of) AS coverage FROM mart.project_progress GROUP BY 1
), baselined AS (
    SELECT w.project_id, w.item_id, w.done_at::DATE AS done_on, w.pct_complete, b.cost
    FROM core.baselines b JOIN core.work_items w USING (item_id)
    WHERE b.baseline_number = 0 AND NOT b.rolls_up AND b.cost > 0 AND NOT w.is_deleted AND w.project_id IS NOT NULL
), planned AS (
    SELECT w.project_id, c.day, sum(c.cost) AS cost
    FROM core.baseline_costs c JOIN core.work_items w USING (item_id)
    WHERE c.baseline_number = 0 AND NOT w.is_deleted AND w.project_id IS NOT NULL
    GROUP BY ALL
), days AS (
    SELECT b.project_id, b.bac, b.planned_start, b.planned_end, b.planned_sprints,
           CASE WHEN b.project_id IN (SELECT project_id FROM planned) THEN 'baseline'
                WHEN coalesce(l.coverage, 0) >= s.coverage THEN 'points' ELSE 'items' END AS ev_basis,
           unnest(generate_series(b.planned_start, s.as_of, INTERVAL 1 DAY))::DATE AS as_of
    FROM core.budgets b CROSS JOIN s LEFT JOIN latest l USING (project_id)
    WHERE b.planned_start <= s.as_of
), earned AS (
    SELECT d.project_id, d.as_of,
           sum(i.cost * CASE WHEN i.done_on <= d.as_of THEN 1.0
                             WHEN d.as_of = s.as_of THEN coalesce(i.pct_complete, 0) ELSE 0 END) AS ev
    FROM days d JOIN baselined i ON i.project_id = d.project_id CROSS JOIN s
    WHERE d.ev_basis = 'baseline'
    GROUP BY ALL
), sprints_done AS (
    SELECT project_id, as_of, max(n) AS sprints_done FROM (
        SELECT d.project_id, d.as_of, c.board_id, count(*) AS n
        FROM days d JOIN release_sprint_closes c ON c.project_id = d.project_id AND c.closed_at::DATE <= d.as_of
        GROUP BY ALL
    ) GROUP BY ALL
), costs AS (
    SELECT project_id, incurred_on, sum(amount) AS amount FROM core.cost_entries GROUP BY ALL
), measured AS (
    SELECT d.*, CASE WHEN d.planned_sprints IS NULL THEN NULL ELSE coalesce(n.sprints_done, 0) END AS sprints_done,
           CASE WHEN d.ev_basis = 'baseline'
                THEN coalesce((SELECT sum(c.cost) FROM planned c
                               WHERE c.project_id = d.project_id AND c.day <= d.as_of), 0)
                WHEN d.planned_sprints IS NULL
                THEN d.bac * least(1.0, (datediff('day', d.planned_start, d.as_of) + 1)
                                  / (datediff('day', d.planned_start, d.planned_end) + 1))
                ELSE d.bac * least(1.0, coalesce(n.sprints_done, 0) / d.planned_sprints) END AS pv,
           CASE d.ev_basis WHEN 'baseline' THEN coalesce(e.ev, 0)
                ELSE d.bac * coalesce(CASE d.ev_basis WHEN 'points' THEN p.pct_complete_points
                                                      ELSE p.pct_complete_items END, 0) END AS ev,
           coalesce((SELECT sum(c.amount) FROM costs c
                     WHERE c.project_id = d.project_id AND c.incurred_on <= d.as_of), 0) AS ac
    FROM days d
    LEFT JOIN mart.project_progress p ON p.project_id = d.project_id AND p.as_of = d.as_of
    LEFT JOIN sprints_done n ON n.project_id = d.project_id AND n.as_of = d.as_of
    LEFT JOIN earned e ON e.project_id = d.project_id AND e.as_of = d.as_of
), ratios AS (
    SELECT *, ev / nullif(ac, 0) AS cpi, ev / nullif(pv, 0) AS spi FROM measured
)
SELECT project_id, as_of, bac, pv, ev, ac, ev - ac AS cv, ev - pv AS sv, cpi, spi,
       bac / nullif(cpi, 0) AS eac,
       bac / nullif(cpi, 0) - ac AS etc,
       bac - bac / nullif(cpi, 0) AS vac,
       (bac - ev) / nullif(bac - ac, 0) AS tcpi,
       (bac - ev) / nullif(bac / nullif(cpi, 0) - ac, 0) AS tcpi_eac,
       ac + bac - ev AS eac_atypical,
       ac + (bac - ev) / nullif(cpi * spi, 0) AS eac_cpi_spi,
       CASE WHEN ev_basis = 'baseline' THEN 'baseline' WHEN planned_sprints IS NULL THEN 'linear' ELSE 'sprint' END
           AS pv_method, ev_basis,
       planned_sprints, sprints_done,
       nullif(concat_ws('; ',
           CASE WHEN ac = 0 THEN 'AC is 0: CPI, EAC, ETC, VAC undefined' END,
           CASE WHEN ac > 0 AND ev = 0 THEN 'EV is 0: CPI is 0, EAC undefined' END,
           CASE WHEN pv = 0 THEN 'PV is 0: SPI undefined' END,
           CASE WHEN bac = ac THEN 'AC equals BAC: TCPI undefined' END,
           CASE WHEN ev = bac AND ac > 0 THEN 'EV equals BAC: nothing left, TCPI to EAC undefined' END), '')
           AS null_reason
FROM ratios
