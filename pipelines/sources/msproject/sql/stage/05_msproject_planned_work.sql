-- What each assignment plans for its resource: all its work, between its start and finish.
INSERT INTO stage.planned_work BY NAME
SELECT item_id, person_id, start_at, finish_at, work_hours
FROM stage.msproject_assignments
WHERE person_id IS NOT NULL AND work_hours > 0 AND start_at IS NOT NULL AND finish_at IS NOT NULL;
