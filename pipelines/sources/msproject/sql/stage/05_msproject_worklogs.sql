-- A plan records the actual work of each assignment, not the days it was done on (time-phased
-- actual work is not read): each assignment's actual work is booked on the assignment's start.
INSERT INTO stage.worklogs BY NAME
SELECT a.source_id || ':' || a.plan || ':assignment:' || a.assignment_key AS worklog_id, a.item_id, a.person_id,
       a.start_at AS started_at, a.actual_work_hours AS hours, t.is_deleted
FROM stage.msproject_assignments a
JOIN stage.msproject_tasks t USING (item_id)
WHERE a.actual_work_hours > 0 AND a.start_at IS NOT NULL;
