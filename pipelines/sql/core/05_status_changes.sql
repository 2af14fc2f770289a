-- Authors are the people their accounts belong to (core.person_identities).
SELECT e.item_id, e.changed_at, e.from_status, e.to_status, e.from_category, e.to_category,
       coalesce(i.person_id, e.author_id) AS author_id
FROM stage.status_events e
LEFT JOIN core.person_identities i ON i.account_id = e.author_id
