-- The labels of every Trello card (stage.item_tags): cards embed their label objects. Trello has no
-- impediment flag; a list that says "blocked" reaches the risk signals as the card's status.
INSERT INTO stage.item_tags BY NAME
SELECT item_id, 'label' AS kind, label.name AS name
FROM (
    SELECT r.source_id || ':' || r.id AS item_id,
           unnest(json_transform(r.payload, '{"labels": [{"name": "VARCHAR"}]}').labels) AS label
    FROM raw.trello_cards r
)
WHERE label.name IS NOT NULL AND label.name <> '';
