-- Status transitions: list moves (updateCard actions carrying listBefore/listAfter), with the
-- categories of both lists.
INSERT INTO stage.status_events BY NAME
SELECT a.source_id || ':' || (a.payload ->> '$.data.card.id') AS item_id,
       pmhub_ts(a.payload ->> '$.date') AS changed_at,
       a.id AS ord,
       a.payload ->> '$.data.listBefore.name' AS from_status, a.payload ->> '$.data.listAfter.name' AS to_status,
       fl.category AS from_category, tl.category AS to_category,
       a.source_id || ':member:' || (a.payload ->> '$.idMemberCreator') AS author_id
FROM raw.trello_actions a
LEFT JOIN meta.list_categories fl ON fl.source_id = a.source_id AND fl.list_id = a.payload ->> '$.data.listBefore.id'
LEFT JOIN meta.list_categories tl ON tl.source_id = a.source_id AND tl.list_id = a.payload ->> '$.data.listAfter.id'
WHERE a.payload ->> '$.type' = 'updateCard'
  AND a.payload ->> '$.data.listAfter.id' IS NOT NULL
  AND a.source_id || ':' || (a.payload ->> '$.data.card.id') IN (SELECT item_id FROM stage.trello_cards);
