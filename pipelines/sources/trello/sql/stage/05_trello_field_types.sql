-- Every board's custom fields, with their type, for schema-drift detection.
INSERT INTO stage.field_types BY NAME
SELECT source_id, id AS field_id, payload ->> '$.name' AS name, coalesce(payload ->> '$.type', 'none') AS field_type
FROM raw.trello_custom_fields;
