-- The closed sprints of each sprint-planned release (budget planned_sprints set): sprints of the
-- project's Jira boards that started on or after the planned start. AgileEVM's n on a day is how
-- many of them had closed by its end, counted on the busiest board when a project has several.
-- A temporary table: the earned-value and forecast files below both read it.
CREATE OR REPLACE TEMP TABLE release_sprint_closes AS
SELECT bp.project_id, sp.board_id, sp.sprint_id, sp.start_at,
       coalesce(sp.completed_at, sp.end_at) AS closed_at, b.planned_start, b.planned_sprints
FROM core.sprints sp
JOIN stage.board_projects bp ON bp.board_id = sp.board_id
JOIN core.budgets b ON b.project_id = bp.project_id
WHERE sp.state = 'closed' AND b.planned_sprints IS NOT NULL AND sp.start_at::DATE >= b.planned_start;
