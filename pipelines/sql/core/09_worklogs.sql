-- Every worklog of the tools' synced items, booked to the person its account belongs to.
SELECT w.worklog_id, w.item_id, coalesce(i.person_id, w.person_id) AS person_id, w.started_at, w.hours, w.is_deleted
FROM stage.worklogs w
LEFT JOIN core.person_identities i ON i.account_id = w.person_id
