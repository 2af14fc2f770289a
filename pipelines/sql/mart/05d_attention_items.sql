-- The items behind a project's RAG, as a PMO chases them: work in progress older than the
-- project's 85th-percentile cycle time (mart.aging_wip), open items past their due date, and open
-- items blocked: flagged as an impediment, or whose status (a Trello list) or a label holds one of
-- settings.blocked_names ("Blocked", "On hold", "Waiting"…; the `blocked` rule of
-- mart.risk_signals, which must name the same items). One row per item and reason, with what makes
-- it urgent in days, and where a person opens it.
WITH s AS (SELECT * FROM meta.settings),
blocked_names AS (SELECT name FROM meta.cfg_blocked_names WHERE name <> ''),
open_items AS (
    SELECT * FROM core.work_items
    WHERE status_category IS DISTINCT FROM 'done' AND NOT is_deleted AND project_id IS NOT NULL
)
SELECT project_id, item_id, key, title, status, 'aging' AS reason,
       age_days - cycle_p85_days AS days, printf('in progress %d days; 85%% of items finish within %d',
       age_days, cycle_p85_days) AS detail, url
FROM mart.aging_wip WHERE age_band IN ('p85 to p95', 'over p95')
UNION ALL
SELECT o.project_id, o.item_id, o.key, o.title, o.status, 'overdue',
       date_diff('day', o.due_at::DATE, s.as_of), printf('due %s', strftime(o.due_at, '%Y-%m-%d')), o.url
FROM open_items o CROSS JOIN s WHERE o.due_at::DATE < s.as_of
UNION ALL
SELECT o.project_id, o.item_id, o.key, o.title, o.status, 'blocked',
       date_diff('day', coalesce(o.updated_at, o.created_at)::DATE, s.as_of),
       concat_ws('; ',
           CASE WHEN EXISTS (SELECT 1 FROM stage.item_tags t WHERE t.item_id = o.item_id AND t.kind = 'flag')
                THEN 'flagged' END,
           CASE WHEN EXISTS (SELECT 1 FROM blocked_names b WHERE contains(lower(o.status), b.name))
                THEN printf('status %s', o.status) END,
           (SELECT string_agg(DISTINCT printf('label %s', t.name), '; ') FROM stage.item_tags t
            WHERE t.item_id = o.item_id AND t.kind = 'label'
              AND EXISTS (SELECT 1 FROM blocked_names b WHERE contains(lower(t.name), b.name)))), o.url
FROM open_items o CROSS JOIN s
WHERE EXISTS (SELECT 1 FROM stage.item_tags t WHERE t.item_id = o.item_id AND t.kind = 'flag')
   OR EXISTS (SELECT 1 FROM blocked_names b WHERE contains(lower(o.status), b.name))
   OR EXISTS (SELECT 1 FROM stage.item_tags t JOIN blocked_names b ON contains(lower(t.name), b.name)
              WHERE t.item_id = o.item_id AND t.kind = 'label')
