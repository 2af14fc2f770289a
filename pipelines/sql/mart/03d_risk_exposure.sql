-- One row per open risk of the register (core.risks): closed = status category done (a tool that
-- has one), or a status named in settings.risk_closed_statuses (any case).
-- exposure_unit 'money' when the impact is an amount: exposure = probability share x amount, the
--   share being a percentage / 100, or a rating's share in settings.risk_rating_shares
--   (default 1 -> 10%, 2 -> 30%, 3 -> 50%, 4 -> 70%, 5 -> 90%); currency = the risk's, else the
--   project's budget currency.
-- exposure_unit 'score' when the impact is a rating: exposure = probability rating x impact rating
--   (1-25); a percentage counts as the rating whose share is nearest (ties to the higher one: with
--   the default shares below 20% -> 1, 20-40% -> 2, 40-60% -> 3, 60-80% -> 4, 80% and above -> 5).
-- A probability or impact missing or unreadable leaves exposure NULL (never 0); `unreadable` says
-- which field could not be read (meta.data_problems names the issue or page).
-- change = exposure - the previous build's (meta.risk_exposure_previous); NULL when the risk had no
--   exposure then, or in another unit. no_owner: owner_id NULL. overdue: the mitigation's due date
--   is before the as-of date (the risk is open by construction).
WITH s AS (
    SELECT as_of, list_transform(risk_closed_statuses, lambda x: lower(trim(x))) AS closed,
           risk_rating_shares AS shares
    FROM meta.settings
), open_risks AS (
    SELECT r.*
    FROM core.risks r CROSS JOIN s
    WHERE r.status_category IS DISTINCT FROM 'done'
      AND NOT list_contains(s.closed, lower(trim(coalesce(r.status, ''))))
), valued AS (
    SELECT r.*,
           CASE r.impact_scale WHEN 'money' THEN 'money' WHEN 'rating' THEN 'score' END AS unit,
           CASE r.probability_scale
               WHEN 'percent' THEN r.probability / 100
               WHEN 'rating' THEN s.shares[r.probability::INTEGER]
           END AS p_share,
           CASE r.probability_scale
               WHEN 'rating' THEN r.probability
               WHEN 'percent' THEN 1
                   + (r.probability / 100 >= (s.shares[1] + s.shares[2]) / 2)::INTEGER
                   + (r.probability / 100 >= (s.shares[2] + s.shares[3]) / 2)::INTEGER
                   + (r.probability / 100 >= (s.shares[3] + s.shares[4]) / 2)::INTEGER
                   + (r.probability / 100 >= (s.shares[4] + s.shares[5]) / 2)::INTEGER
           END AS p_rating,
           r.due_at IS NOT NULL AND r.due_at::DATE < s.as_of AS is_overdue
    FROM open_risks r CROSS JOIN s
), exposed AS (
    SELECT v.*,
           CASE v.unit WHEN 'money' THEN v.p_share * v.impact WHEN 'score' THEN v.p_rating * v.impact END AS value
    FROM valued v
)
SELECT e.risk_id, e.project_id, e.title, e.value AS exposure, e.unit AS exposure_unit,
       CASE WHEN e.unit = 'money' THEN coalesce(e.currency, b.currency) END AS currency,
       p.exposure AS previous_exposure,
       CASE WHEN p.exposure_unit = e.unit THEN e.value - p.exposure END AS change,
       e.owner_id, e.owner_id IS NULL AS no_owner, e.is_overdue AS overdue, e.due_at, e.status,
       CASE WHEN e.value IS NULL THEN coalesce(e.unreadable, concat_ws(', ',
           CASE WHEN e.probability IS NULL THEN 'no probability' END,
           CASE WHEN e.impact IS NULL THEN 'no impact' END)) END AS unreadable
FROM exposed e
LEFT JOIN core.budgets b ON b.project_id = e.project_id
LEFT JOIN meta.risk_exposure_previous p ON p.risk_id = e.risk_id
ORDER BY e.project_id, e.risk_id
