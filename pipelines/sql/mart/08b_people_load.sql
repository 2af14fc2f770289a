-- One person's load per ISO week: mart.people_load_by_project added up, against their capacity.
-- - capacity_hours: hours per week (the `people:` entry's, else settings.default_hours_per_week)
--   × part time × the week's weekdays that are neither the person's `away` days nor
--   settings.holidays, ÷ 5.
-- - work_hours = planned_hours + committed_hours (a plan's assignments and sprint commitments are
--   both counted: pmhub cannot tell that two tools hold the same work); utilisation_basis says
--   which of the two there was. utilisation = work_hours ÷ capacity_hours; NULL when there is
--   neither kind of work, or no capacity.
-- - overallocated: utilisation above settings.overallocated_above, or work in a week with no capacity.
-- - active_projects: projects with an open item, a sprint commitment, a worklog or planned work.
-- People of the config's `people:` section have a row every week; others in the weeks they carry
-- anything.
WITH s AS (SELECT * FROM meta.settings),
totals AS (
    SELECT person_id, week, sum(open_items)::INTEGER AS open_items, sum(committed_points) AS committed_points,
           sum(committed_hours) AS committed_hours, sum(logged_hours) AS logged_hours,
           sum(planned_hours) AS planned_hours,
           count(DISTINCT project_id)::INTEGER AS active_projects
    FROM mart.people_load_by_project GROUP BY 1, 2
), weeks AS (
    SELECT w::DATE AS week
    FROM s, generate_series(date_trunc('week', s.as_of)::DATE - 7 * s.load_weeks_back,
                            date_trunc('week', s.as_of)::DATE + 7 * s.load_weeks_ahead, INTERVAL 7 DAY) g(w)
), rows_ AS (
    SELECT person_id, week FROM totals
    UNION
    SELECT p.person_id, w.week FROM core.people p CROSS JOIN weeks w WHERE p.configured
), days_off AS (
    SELECT person_id, d FROM (
        SELECT person_id, unnest(generate_series(day_from, day_to, INTERVAL 1 DAY))::DATE AS d FROM meta.cfg_person_away
        UNION
        SELECT p.person_id, h.d
        FROM (SELECT unnest(generate_series(day_from, day_to, INTERVAL 1 DAY))::DATE AS d FROM meta.cfg_holidays) h
        CROSS JOIN (SELECT DISTINCT person_id FROM rows_) p
    ) WHERE isodow(d) <= 5
), capacity AS (
    SELECT r.person_id, r.week,
           coalesce(p.hours_per_week, s.default_hours_per_week) * coalesce(p.part_time, 1.0)
           * (5 - count(o.d)) / 5.0 AS capacity_hours
    FROM rows_ r
    CROSS JOIN s
    LEFT JOIN core.people p USING (person_id)
    LEFT JOIN days_off o ON o.person_id = r.person_id AND o.d BETWEEN r.week AND r.week + 6
    GROUP BY r.person_id, r.week, p.hours_per_week, p.part_time, s.default_hours_per_week
), loads AS (
    SELECT r.person_id, r.week, p.display_name, coalesce(t.open_items, 0) AS open_items,
           coalesce(t.committed_points, 0) AS committed_points, coalesce(t.committed_hours, 0) AS committed_hours,
           coalesce(t.logged_hours, 0) AS logged_hours, coalesce(t.planned_hours, 0) AS planned_hours,
           c.capacity_hours, coalesce(t.active_projects, 0) AS active_projects,
           CASE WHEN coalesce(t.planned_hours, 0) > 0 AND coalesce(t.committed_hours, 0) > 0 THEN 'planned+committed'
                WHEN coalesce(t.planned_hours, 0) > 0 THEN 'planned'
                WHEN coalesce(t.committed_hours, 0) > 0 THEN 'committed' END AS utilisation_basis
    FROM rows_ r
    JOIN capacity c USING (person_id, week)
    LEFT JOIN totals t USING (person_id, week)
    LEFT JOIN core.people p USING (person_id)
)
SELECT l.*, l.planned_hours + l.committed_hours AS work_hours,
       CASE WHEN l.utilisation_basis IS NOT NULL AND l.capacity_hours > 0
            THEN (l.planned_hours + l.committed_hours) / l.capacity_hours END AS utilisation,
       coalesce((l.planned_hours + l.committed_hours) / nullif(l.capacity_hours, 0) > s.overallocated_above,
                l.planned_hours + l.committed_hours > 0) AS overallocated
FROM loads l CROSS JOIN s
