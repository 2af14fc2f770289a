-- A plan keeps no status history, only actual dates: a task moved into progress at its actual
-- start and was finished at its actual finish (a task finished without a recorded start moved
-- straight to done).
INSERT INTO stage.status_events BY NAME
SELECT item_id, actual_start_at AS changed_at, '1' AS ord, 'Not started' AS from_status,
       'In progress' AS to_status, 'todo' AS from_category, 'in_progress' AS to_category, NULL AS author_id
FROM stage.msproject_tasks WHERE actual_start_at IS NOT NULL
UNION ALL
SELECT item_id, actual_finish_at, '2', CASE WHEN actual_start_at IS NULL THEN 'Not started' ELSE 'In progress' END,
       'Complete', CASE WHEN actual_start_at IS NULL THEN 'todo' ELSE 'in_progress' END, 'done', NULL
FROM stage.msproject_tasks WHERE actual_finish_at IS NOT NULL;
