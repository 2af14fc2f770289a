-- Cycle and lead time of every finished item (done now, not deleted), Kanban Guide / Vacanti:
-- cycle time runs from the first entry into an in-progress category (creation, for items born
-- there) to the last entry into done (a reopened item counts from its last done); lead time from
-- creation to done. Calendar days between UTC dates, weekends included; the inclusive convention
-- adds 1 (started and finished on one day = 1 day), settings.flow_day_convention. A negative span
-- (a date that contradicts another) is NULL, not a number.
WITH s AS (SELECT * FROM meta.settings)
SELECT w.item_id, w.project_id, w.created_at, w.started_at, w.done_at,
       CASE WHEN w.started_at::DATE <= w.done_at::DATE
            THEN date_diff('day', w.started_at::DATE, w.done_at::DATE) + s.flow_day_offset END AS cycle_time_days,
       CASE WHEN w.created_at::DATE <= w.done_at::DATE
            THEN date_diff('day', w.created_at::DATE, w.done_at::DATE) + s.flow_day_offset END AS lead_time_days,
       CASE WHEN s.flow_day_offset = 1 THEN 'inclusive' ELSE 'elapsed' END AS day_convention
FROM core.work_items w CROSS JOIN s
WHERE w.status_category = 'done' AND w.done_at IS NOT NULL AND NOT w.is_deleted
