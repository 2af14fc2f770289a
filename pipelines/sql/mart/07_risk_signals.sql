-- Risk signals: one row per thing that threatens a project's dates or cost, by one rule, with the
-- value the rule measured, the threshold it was held against and a one-line explanation. Open items
-- are those not done and not deleted, of a portfolio project. Days are calendar days between UTC
-- dates, as of the sync date (meta.settings.as_of). The rules (settings in brackets):
-- - aging_wip: work in progress older than the project's 85th-percentile cycle time
--   (mart.aging_wip; value = age in days, threshold = the P85 cycle time).
-- - blocked: an open item flagged as an impediment (stage.item_tags kind 'flag', Jira's Flagged
--   field), or whose status (a Trello list's name) or a label holds one of blocked_names, in any
--   case (meta.cfg_blocked_names, lower case). value = days since the item last changed, threshold 0.
-- - blocked_by_link: an open item that is blocked by (stage.item_links) an open item of another
--   project or of a container in no project; the linked item's status is core's when it is synced,
--   else what the link showed. value = how many such blockers, threshold 0.
-- - overdue: an open item whose due date is before the sync date. value = days past due, threshold 0.
-- - scope_growth: scope now against scope at the baseline (a plan's lowest baseline number: items
--   holding it, deleted ones included, against items now), else at the end of the day before the
--   project's first sprint began (mart.project_progress), in points where estimates cover the scope
--   (settings.coverage, the rule of mart.portfolio's pct_basis), else in items. value = growth as a
--   share of the earlier scope, signalled above scope_growth_above.
-- - say_do: completed ÷ committed points of the project's last say_do_sprints closed sprints (by
--   close, mart.velocity; fewer when it has closed fewer), signalled below say_do_below.
-- - concentration: one assignee holding more than concentration_above of the project's in-progress
--   points (estimated items in progress); item_id NULL, person_id names the person.
-- - unestimated_in_sprint: an open item without an estimate in an active sprint it has not left.
--   value = days since it entered the sprint (or the sprint began), threshold 0.
-- - inactive: no item of the project created or changed, no status change and no worklog for at
--   least inactive_after_days days (item_id NULL; value = days since the last activity).
WITH s AS (SELECT * FROM meta.settings),
blocked_names AS (SELECT name FROM meta.cfg_blocked_names WHERE name <> ''),
open_items AS (
    SELECT *, coalesce(key, title, item_id) AS label FROM core.work_items
    WHERE status_category IS DISTINCT FROM 'done' AND NOT is_deleted AND project_id IS NOT NULL
),
aging AS (
    SELECT a.project_id, a.item_id, 'aging_wip' AS rule, a.age_days::DOUBLE AS value,
           a.cycle_p85_days::DOUBLE AS threshold,
           printf('%s in progress %d days; 85%% of items finish within %d', coalesce(a.key, a.title, a.item_id),
                  a.age_days, a.cycle_p85_days) AS explanation,
           NULL AS person_id
    FROM mart.aging_wip a WHERE a.age_days > a.cycle_p85_days
),
blocked_why AS (
    SELECT DISTINCT o.item_id, 1 AS ord, printf('flagged (%s)', t.name) AS why
    FROM open_items o JOIN stage.item_tags t USING (item_id) WHERE t.kind = 'flag'
    UNION
    SELECT o.item_id, 2, printf('status "%s"', o.status)
    FROM open_items o WHERE EXISTS (SELECT 1 FROM blocked_names b WHERE contains(lower(o.status), b.name))
    UNION
    SELECT o.item_id, 3, printf('label "%s"', t.name)
    FROM open_items o JOIN stage.item_tags t USING (item_id)
    WHERE t.kind = 'label' AND EXISTS (SELECT 1 FROM blocked_names b WHERE contains(lower(t.name), b.name))
),
blocked AS (
    SELECT o.project_id, o.item_id, 'blocked' AS rule,
           date_diff('day', coalesce(o.updated_at, o.created_at)::DATE, any_value(s.as_of))::DOUBLE AS value,
           0.0 AS threshold,
           printf('%s blocked: %s; unchanged for %s', o.label, string_agg(b.why, '; ' ORDER BY b.ord, b.why),
                  pmhub_days(date_diff('day', coalesce(o.updated_at, o.created_at)::DATE, any_value(s.as_of))))
               AS explanation,
           NULL AS person_id
    FROM open_items o JOIN blocked_why b USING (item_id) CROSS JOIN s
    GROUP BY o.project_id, o.item_id, o.label, o.updated_at, o.created_at
),
blockers AS (
    SELECT o.project_id, o.item_id, o.label, coalesce(w.key, l.linked_key, l.linked_item_id) AS linked_label,
           CASE WHEN w.item_id IS NOT NULL THEN w.status_category ELSE l.linked_category END AS linked_category,
           w.project_id AS linked_project,
           printf('%s (%s, %s)', coalesce(w.key, l.linked_key, l.linked_item_id),
                  coalesce(p.name, 'outside the portfolio'),
                  CASE coalesce(w.status_category, l.linked_category) WHEN 'todo' THEN 'to do' ELSE 'in progress' END)
               AS blocker
    FROM open_items o
    JOIN stage.item_links l USING (item_id)
    LEFT JOIN core.work_items w ON w.item_id = l.linked_item_id AND NOT w.is_deleted
    LEFT JOIN core.projects p ON p.project_id = w.project_id
    WHERE l.link = 'blocked_by'
),
blocked_by_link AS (
    SELECT project_id, item_id, 'blocked_by_link' AS rule, count(DISTINCT linked_label)::DOUBLE AS value,
           0.0 AS threshold,
           printf('%s is blocked by %s', label, string_agg(DISTINCT blocker, ', ' ORDER BY blocker)) AS explanation,
           NULL AS person_id
    FROM blockers
    WHERE linked_category IN ('todo', 'in_progress') AND linked_project IS DISTINCT FROM project_id
    GROUP BY project_id, item_id, label
),
overdue AS (
    SELECT o.project_id, o.item_id, 'overdue' AS rule, date_diff('day', o.due_at::DATE, s.as_of)::DOUBLE AS value,
           0.0 AS threshold,
           printf('%s was due %s, %s ago', o.label, strftime(o.due_at, '%Y-%m-%d'),
                  pmhub_days(date_diff('day', o.due_at::DATE, s.as_of))) AS explanation,
           NULL AS person_id
    FROM open_items o CROSS JOIN s WHERE o.due_at::DATE < s.as_of
),
progress_now AS (
    SELECT p.project_id, arg_max(p.items_total, p.as_of) AS items, arg_max(p.points_total, p.as_of) AS points,
           coalesce(arg_max(p.estimate_coverage, p.as_of), 0) >= any_value(s.coverage) AS by_points
    FROM mart.project_progress p CROSS JOIN s WHERE p.as_of <= s.as_of GROUP BY 1
),
first_sprint AS (
    SELECT v.project_id, min(v.iteration_start) AS began FROM mart.velocity v CROSS JOIN s
    WHERE v.iteration_kind = 'sprint' AND v.iteration_start::DATE <= s.as_of GROUP BY 1
),
at_first_sprint AS (
    SELECT f.project_id, f.began, arg_max(p.items_total, p.as_of) AS items, arg_max(p.points_total, p.as_of) AS points
    FROM first_sprint f JOIN mart.project_progress p ON p.project_id = f.project_id AND p.as_of < f.began::DATE
    GROUP BY 1, 2
),
baseline AS (
    SELECT w.project_id, b.baseline_number, count(DISTINCT b.item_id) AS items,
           row_number() OVER (PARTITION BY w.project_id ORDER BY b.baseline_number) AS n
    FROM core.baselines b JOIN core.work_items w USING (item_id)
    WHERE w.project_id IS NOT NULL GROUP BY 1, 2
),
scope AS (
    SELECT n.project_id,
           CASE WHEN b.project_id IS NOT NULL THEN printf('baseline %d', b.baseline_number)
                ELSE printf('the first sprint began %s', strftime(f.began, '%Y-%m-%d')) END AS since,
           CASE WHEN b.project_id IS NULL AND n.by_points THEN 'points' ELSE 'items' END AS unit,
           CASE WHEN b.project_id IS NOT NULL THEN b.items WHEN n.by_points THEN f.points ELSE f.items END AS scope_then,
           CASE WHEN b.project_id IS NULL AND n.by_points THEN n.points ELSE n.items END AS scope_now
    FROM progress_now n
    LEFT JOIN baseline b ON b.project_id = n.project_id AND b.n = 1
    LEFT JOIN at_first_sprint f ON f.project_id = n.project_id
    WHERE b.project_id IS NOT NULL OR f.project_id IS NOT NULL
),
scope_growth AS (
    SELECT c.project_id, NULL AS item_id, 'scope_growth' AS rule, (c.scope_now - c.scope_then) / c.scope_then AS value,
           s.scope_growth_above AS threshold,
           printf('scope grew %.0f%% since %s (%g to %g %s); limit %.0f%%', 100 * (c.scope_now - c.scope_then) / c.scope_then,
                  c.since, c.scope_then, c.scope_now, c.unit, 100 * s.scope_growth_above) AS explanation,
           NULL AS person_id
    FROM scope c CROSS JOIN s
    WHERE c.scope_then > 0 AND (c.scope_now - c.scope_then) / c.scope_then > s.scope_growth_above
),
closed_sprints AS (
    SELECT v.*, row_number() OVER (PARTITION BY v.project_id ORDER BY v.iteration_end DESC, v.iteration_id DESC) AS recency
    FROM mart.velocity v WHERE v.iteration_kind = 'sprint' AND v.iteration_state = 'closed'
),
say_do_sum AS (
    SELECT c.project_id, count(*) AS sprints, sum(c.committed_points) AS committed,
           coalesce(sum(c.completed_points), 0) AS completed
    FROM closed_sprints c CROSS JOIN s WHERE c.recency <= s.say_do_sprints GROUP BY 1
),
say_do AS (
    SELECT d.project_id, NULL AS item_id, 'say_do' AS rule, d.completed / d.committed AS value,
           s.say_do_below AS threshold,
           printf('completed %g of %g committed points (%.0f%%) in the last %d closed sprints; limit %.0f%%',
                  d.completed, d.committed, 100 * d.completed / d.committed, d.sprints, 100 * s.say_do_below)
               AS explanation,
           NULL AS person_id
    FROM say_do_sum d CROSS JOIN s WHERE d.committed > 0 AND d.completed / d.committed < s.say_do_below
),
wip_points AS (
    SELECT project_id, assignee_id, sum(story_points) AS points,
           sum(sum(story_points)) OVER (PARTITION BY project_id) AS project_points
    FROM core.work_items
    WHERE status_category = 'in_progress' AND NOT is_deleted AND project_id IS NOT NULL AND story_points > 0
    GROUP BY 1, 2
),
concentration AS (
    SELECT w.project_id, NULL AS item_id, 'concentration' AS rule, w.points / w.project_points AS value,
           s.concentration_above AS threshold,
           printf('%s holds %g of %g in-progress points (%.0f%%); limit %.0f%%',
                  coalesce(p.display_name, w.assignee_id), w.points, w.project_points,
                  100 * w.points / w.project_points, 100 * s.concentration_above) AS explanation,
           w.assignee_id AS person_id
    FROM wip_points w CROSS JOIN s LEFT JOIN core.people p ON p.person_id = w.assignee_id
    WHERE w.assignee_id IS NOT NULL AND w.points / w.project_points > s.concentration_above
),
in_active_sprint AS (
    SELECT o.project_id, o.item_id, o.label,
           arg_min(sp.name, greatest(m.added_at, sp.start_at)) AS sprint,
           min(greatest(m.added_at, sp.start_at)) AS since
    FROM open_items o
    JOIN core.sprint_membership m USING (item_id)
    JOIN core.sprints sp USING (sprint_id)
    WHERE sp.state = 'active' AND m.removed_at IS NULL AND o.story_points IS NULL
    GROUP BY 1, 2, 3
),
unestimated AS (
    SELECT i.project_id, i.item_id, 'unestimated_in_sprint' AS rule,
           greatest(date_diff('day', i.since::DATE, s.as_of), 0)::DOUBLE AS value, 0.0 AS threshold,
           printf('%s has no estimate in active sprint %s (in it %s)', i.label, coalesce(i.sprint, '?'),
                  pmhub_days(greatest(date_diff('day', i.since::DATE, s.as_of), 0))) AS explanation,
           NULL AS person_id
    FROM in_active_sprint i CROSS JOIN s
),
activity AS (
    SELECT project_id, greatest(max(created_at), max(updated_at)) AS at FROM core.work_items
    WHERE project_id IS NOT NULL GROUP BY 1
    UNION ALL
    SELECT w.project_id, max(c.changed_at) FROM core.status_changes c JOIN core.work_items w USING (item_id)
    WHERE w.project_id IS NOT NULL GROUP BY 1
    UNION ALL
    SELECT w.project_id, max(l.started_at) FROM core.worklogs l JOIN core.work_items w USING (item_id)
    WHERE w.project_id IS NOT NULL AND NOT l.is_deleted GROUP BY 1
),
inactive AS (
    SELECT a.project_id, NULL AS item_id, 'inactive' AS rule,
           date_diff('day', max(a.at)::DATE, any_value(s.as_of))::DOUBLE AS value,
           any_value(s.inactive_after_days)::DOUBLE AS threshold,
           printf('no item created or changed, no status change and no worklog for %s (last %s); limit %s',
                  pmhub_days(date_diff('day', max(a.at)::DATE, any_value(s.as_of))), strftime(max(a.at), '%Y-%m-%d'),
                  pmhub_days(any_value(s.inactive_after_days))) AS explanation,
           NULL AS person_id
    FROM activity a CROSS JOIN s WHERE a.at IS NOT NULL GROUP BY 1
    HAVING date_diff('day', max(a.at)::DATE, any_value(s.as_of)) >= any_value(s.inactive_after_days)
),
signals AS (
    SELECT * FROM aging
    UNION ALL BY NAME SELECT * FROM blocked
    UNION ALL BY NAME SELECT * FROM blocked_by_link
    UNION ALL BY NAME SELECT * FROM overdue
    UNION ALL BY NAME SELECT * FROM scope_growth
    UNION ALL BY NAME SELECT * FROM say_do
    UNION ALL BY NAME SELECT * FROM concentration
    UNION ALL BY NAME SELECT * FROM unestimated
    UNION ALL BY NAME SELECT * FROM inactive
)
SELECT g.project_id, g.item_id, g.rule, g.value, g.threshold, g.explanation,
       w.key, w.title, w.url, g.person_id::VARCHAR AS person_id
FROM signals g LEFT JOIN core.work_items w USING (item_id)
