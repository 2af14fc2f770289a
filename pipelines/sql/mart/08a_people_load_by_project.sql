-- What each person carries per ISO week (Monday start, UTC dates), per project and tool, for the
-- weeks from settings.load_weeks_back before the sync date's week to load_weeks_ahead after it:
-- - open_items: live items assigned to the person now that were open (in a status not of the done
--   category, by their status changes) at some time in the week. Assignment history is not read:
--   an item counts for whoever holds it now.
-- - committed_points: points of their items in a sprint (active or closed) while it ran, in each
--   week from the item's commitment (sprint start, or when added later) to the sprint's end (or the
--   item's removal), once per item and sprint, at its points then (its points now when it had
--   none); committed_hours: that item's work (its hour estimate, else those points ×
--   settings.hours_per_point) spread evenly over those weekdays, the week's share.
-- - logged_hours: worklog hours booked on a day of the week (on any item, deleted since or not).
-- - planned_hours: each plan assignment's work spread evenly over its weekdays, the week's share
--   (all of it in its start's week when it spans no weekday).
WITH s AS (SELECT * FROM meta.settings),
weeks AS (
    SELECT w::DATE AS week
    FROM s, generate_series(date_trunc('week', s.as_of)::DATE - 7 * s.load_weeks_back,
                            date_trunc('week', s.as_of)::DATE + 7 * s.load_weeks_ahead, INTERVAL 7 DAY) g(w)
), span AS (
    SELECT min(week) AS first_week, max(week) + 6 AS last_day FROM weeks
), items_any AS (
    -- every item, whoever holds it: worklogs and plan work name their own person, and hours logged
    -- on an item deleted since were still worked
    SELECT i.item_id, i.assignee_id AS person_id, i.project_id, c.tool, i.created_at, i.estimate_hours,
           i.story_points, i.is_deleted
    FROM core.work_items i JOIN core.sources c USING (source_id)
), items AS (
    SELECT * FROM items_any WHERE person_id IS NOT NULL AND NOT is_deleted
), windowed AS (
    -- an item done now whose last entry into done came before the first week was open in none of them
    SELECT i.item_id FROM items i JOIN core.work_items w USING (item_id) CROSS JOIN span
    WHERE i.created_at::DATE <= span.last_day
      AND (w.status_category IS DISTINCT FROM 'done' OR w.done_at IS NULL OR w.done_at::DATE >= span.first_week)
), first_change AS (
    SELECT item_id, arg_min(from_category, changed_at) AS category
    FROM core.status_changes SEMI JOIN windowed USING (item_id) GROUP BY 1
), states AS (
    -- each item's status category from creation on, then after each change
    SELECT i.item_id, w.created_at AS since, CASE WHEN f.item_id IS NULL THEN w.status_category ELSE f.category END AS category
    FROM windowed i JOIN core.work_items w USING (item_id) LEFT JOIN first_change f USING (item_id)
    UNION ALL
    SELECT c.item_id, c.changed_at, c.to_category FROM core.status_changes c SEMI JOIN windowed i USING (item_id)
), open_spans AS (
    SELECT * FROM (
        SELECT item_id, category, since AS from_at, lead(since) OVER (PARTITION BY item_id ORDER BY since) AS to_at FROM states
    ) WHERE category IS DISTINCT FROM 'done' AND (to_at IS NULL OR to_at > from_at)
), open_weeks AS (
    SELECT DISTINCT o.item_id, w.week
    FROM open_spans o JOIN weeks w ON o.from_at::DATE <= w.week + 6 AND (o.to_at IS NULL OR o.to_at::DATE >= w.week)
), open_items AS (
    SELECT i.person_id, o.week, i.project_id, i.tool, count(*) AS open_items
    FROM open_weeks o JOIN items i USING (item_id)
    GROUP BY ALL
), commitments AS (
    -- one row per item and sprint it was in while the sprint ran: the points of its first
    -- commitment, from then (sprint start, or when added) to the sprint's end or its removal
    SELECT i.person_id, i.project_id, i.tool,
           coalesce(arg_min(m.points_at_start, m.added_at), any_value(i.story_points)) AS points,
           any_value(i.estimate_hours) AS estimate_hours,
           greatest(any_value(sp.start_at), min(m.added_at))::DATE AS day_from,
           least(any_value(coalesce(sp.completed_at, sp.end_at)),
                 max(coalesce(m.removed_at, coalesce(sp.completed_at, sp.end_at))))::DATE AS day_to
    FROM core.sprint_membership m
    JOIN core.sprints sp USING (sprint_id)
    JOIN items i USING (item_id)
    WHERE sp.state IN ('active', 'closed') AND sp.start_at IS NOT NULL AND coalesce(sp.completed_at, sp.end_at) IS NOT NULL
      AND m.added_at < coalesce(sp.completed_at, sp.end_at) AND (m.removed_at IS NULL OR m.removed_at > sp.start_at)
    GROUP BY i.person_id, i.project_id, i.tool, m.item_id, m.sprint_id
), spans AS (
    -- work spread evenly over the weekdays of a span (all of it in its first week when it has none)
    SELECT person_id, project_id, tool, 'committed' AS kind, coalesce(points, 0) AS points,
           coalesce(estimate_hours, points * s.hours_per_point, 0) AS hours, day_from, day_to
    FROM commitments CROSS JOIN s
    UNION ALL
    SELECT p.person_id, i.project_id, i.tool, 'planned', 0, p.work_hours, p.start_at::DATE, p.finish_at::DATE
    FROM core.planned_work p JOIN items_any i USING (item_id) WHERE NOT i.is_deleted
), spread AS (
    SELECT x.person_id, w.week, x.project_id, x.tool, x.kind, x.points,
           CASE WHEN pmhub_weekdays(x.day_from, x.day_to) = 0 THEN x.hours
                ELSE x.hours * pmhub_weekdays(greatest(w.week, x.day_from), least(w.week + 6, x.day_to))
                     / pmhub_weekdays(x.day_from, x.day_to) END AS hours
    FROM spans x
    JOIN weeks w ON CASE WHEN pmhub_weekdays(x.day_from, x.day_to) = 0 THEN date_trunc('week', x.day_from)::DATE = w.week
                         ELSE x.day_from <= w.week + 6 AND x.day_to >= w.week END
), logged AS (
    SELECT wl.person_id, date_trunc('week', wl.started_at::DATE)::DATE AS week, i.project_id, i.tool,
           sum(wl.hours) AS logged_hours
    FROM core.worklogs wl
    JOIN items_any i USING (item_id)
    CROSS JOIN span
    WHERE NOT wl.is_deleted AND wl.person_id IS NOT NULL
      AND wl.started_at::DATE BETWEEN span.first_week AND span.last_day
    GROUP BY ALL
), parts AS (
    SELECT person_id, week, project_id, tool, open_items, 0 AS committed_points, 0 AS committed_hours,
           0 AS logged_hours, 0 AS planned_hours FROM open_items
    UNION ALL
    SELECT person_id, week, project_id, tool, 0, points, hours, 0, 0 FROM spread WHERE kind = 'committed'
    UNION ALL
    SELECT person_id, week, project_id, tool, 0, 0, 0, logged_hours, 0 FROM logged
    UNION ALL
    SELECT person_id, week, project_id, tool, 0, 0, 0, 0, hours FROM spread WHERE kind = 'planned'
)
SELECT person_id, week, project_id, tool, sum(open_items)::INTEGER AS open_items,
       sum(committed_points)::DOUBLE AS committed_points, sum(committed_hours)::DOUBLE AS committed_hours,
       sum(logged_hours)::DOUBLE AS logged_hours, sum(planned_hours)::DOUBLE AS planned_hours
FROM parts
GROUP BY person_id, week, project_id, tool
