-- Work the tools plan for people (a plan's assignments), booked to the person the account belongs to.
SELECT p.item_id, coalesce(i.person_id, p.person_id) AS person_id, p.start_at, p.finish_at, p.work_hours
FROM stage.planned_work p
LEFT JOIN core.person_identities i ON i.account_id = p.person_id
