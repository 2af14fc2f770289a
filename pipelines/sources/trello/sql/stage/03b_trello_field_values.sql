-- The estimate, hours and cost custom-field values of each Trello card (meta.trello_fields says
-- which field serves which purpose on each board; a dropdown's option maps to its number).
CREATE OR REPLACE TABLE stage.trello_field_values AS
WITH items AS (
    SELECT c.source_id, c.id AS card_id, c.container AS board_id,
           unnest(from_json(c.payload -> '$.customFieldItems',
                  '[{"idCustomField": "VARCHAR", "idValue": "VARCHAR", "value": {"number": "VARCHAR"}}]')) AS f
    FROM raw.trello_cards c
    SEMI JOIN meta.trello_fields m ON m.source_id = c.source_id AND m.board_id = c.container
)
SELECT i.source_id || ':' || i.card_id AS item_id, m.purpose,
       coalesce(TRY_CAST(i.f.value.number AS DOUBLE), o.value) AS value
FROM items i
JOIN meta.trello_fields m ON m.source_id = i.source_id AND m.board_id = i.board_id AND m.field_id = i.f.idCustomField
LEFT JOIN meta.trello_field_options o ON o.source_id = i.source_id AND o.field_id = m.field_id AND o.option_id = i.f.idValue;
