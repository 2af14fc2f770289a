-- Every worklog of the tools' synced items.
SELECT worklog_id, item_id, person_id, started_at, hours, is_deleted FROM stage.worklogs
