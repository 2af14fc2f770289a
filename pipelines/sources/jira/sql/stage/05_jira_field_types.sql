-- Every field of every site, with the type its metadata gives, for schema-drift detection.
INSERT INTO stage.field_types BY NAME
SELECT source_id, id AS field_id, payload ->> '$.name' AS name,
       coalesce(payload ->> '$.schema.type', 'none') || coalesce('/' || (payload ->> '$.schema.items'), '') AS field_type
FROM raw.jira_fields;
