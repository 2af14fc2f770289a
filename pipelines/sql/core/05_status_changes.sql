SELECT item_id, changed_at, from_status, to_status, from_category, to_category, author_id
FROM stage.status_events
