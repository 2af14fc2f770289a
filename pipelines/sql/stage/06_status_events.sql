-- Status transitions of both tools: Jira changelog "status" items and Trello list moves
-- (updateCard actions carrying listBefore/listAfter).
CREATE OR REPLACE TABLE stage.status_events AS
SELECT hi.item_id, hi.changed_at, hi.ord, hi.from_string AS from_status, hi.to_string AS to_status,
       fc.category AS from_category, tc.category AS to_category,
       CASE WHEN hi.author_ext IS NOT NULL THEN hi.source_id || ':user:' || hi.author_ext END AS author_id
FROM stage.jira_history_items hi
LEFT JOIN stage.jira_status_categories fc ON fc.source_id = hi.source_id AND fc.status_id = hi.from_value
LEFT JOIN stage.jira_status_categories tc ON tc.source_id = hi.source_id AND tc.status_id = hi.to_value
WHERE hi.field_id = 'status'
UNION ALL
SELECT a.source_id || ':' || (a.payload ->> '$.data.card.id') AS item_id,
       pmhub_ts(a.payload ->> '$.date') AS changed_at,
       a.id AS ord,
       a.payload ->> '$.data.listBefore.name', a.payload ->> '$.data.listAfter.name',
       fl.category, tl.category,
       a.source_id || ':member:' || (a.payload ->> '$.idMemberCreator')
FROM raw.trello_actions a
LEFT JOIN meta.list_categories fl ON fl.source_id = a.source_id AND fl.list_id = a.payload ->> '$.data.listBefore.id'
LEFT JOIN meta.list_categories tl ON tl.source_id = a.source_id AND tl.list_id = a.payload ->> '$.data.listAfter.id'
WHERE a.payload ->> '$.type' = 'updateCard'
  AND a.payload ->> '$.data.listAfter.id' IS NOT NULL
  AND a.source_id || ':' || (a.payload ->> '$.data.card.id') IN (SELECT item_id FROM stage.trello_cards);
