-- Status transitions: the changelog's "status" items, with the categories of both statuses.
INSERT INTO stage.status_events BY NAME
SELECT hi.item_id, hi.changed_at, hi.ord, hi.from_string AS from_status, hi.to_string AS to_status,
       fc.category AS from_category, tc.category AS to_category,
       CASE WHEN hi.author_ext IS NOT NULL THEN hi.source_id || ':user:' || hi.author_ext END AS author_id
FROM stage.jira_history_items hi
LEFT JOIN stage.jira_status_categories fc ON fc.source_id = hi.source_id AND fc.status_id = hi.from_value
LEFT JOIN stage.jira_status_categories tc ON tc.source_id = hi.source_id AND tc.status_id = hi.to_value
WHERE hi.field_id = 'status' AND hi.item_id NOT IN (SELECT item_id FROM stage.jira_risk_items);
