-- Tasks as work items: summary tasks are the parents of their subtasks, milestones are typed so.
-- Status comes from the actual dates (and % complete): Complete once actually finished (or at
-- 100%), In progress once actually started (or above 0%), else Not started. A plan does not say
-- when a task was created: its (actual) start stands in, so lead time equals cycle time.
INSERT INTO stage.work_items BY NAME
WITH first_assignment AS (
    SELECT item_id, arg_min(person_id, coalesce(unique_id, 0)) AS person_id
    FROM stage.msproject_assignments WHERE person_id IS NOT NULL GROUP BY 1
), stated AS (
    SELECT t.*, CASE WHEN t.actual_finish_at IS NOT NULL OR t.percent_complete >= 100 THEN 'done'
                     WHEN t.actual_start_at IS NOT NULL OR t.percent_complete > 0 THEN 'in_progress'
                     ELSE 'todo' END AS category
    FROM stage.msproject_tasks t
)
SELECT t.item_id, t.source_id, t.container_id, t.plan AS container_ref,
       t.plan || ':' || t.unique_id AS external_id, coalesce(t.wbs, t.row_id::VARCHAR) AS key, t.name AS title,
       CASE WHEN t.summary THEN 'Summary task' WHEN t.milestone THEN 'Milestone' ELSE 'Task' END AS item_type,
       CASE t.category WHEN 'done' THEN 'Complete' WHEN 'in_progress' THEN 'In progress' ELSE 'Not started' END
           AS status,
       t.category AS status_category, a.person_id AS assignee_id,
       coalesce(t.actual_start_at, t.start_at) AS created_at, NULL AS updated_at,
       t.actual_finish_at AS resolved_at, t.finish_at AS due_at, NULL AS story_points,
       t.work_hours AS estimate_hours, t.parent_item_id, NULL AS url,
       t.is_deleted, t.deleted_at, t.deletion_reason, t.percent_complete / 100 AS pct_complete
FROM stated t
LEFT JOIN first_assignment a USING (item_id);
