-- Members of the synced boards.
INSERT INTO stage.people BY NAME
SELECT source_id || ':member:' || id AS person_id, source_id, id AS external_id,
       payload ->> '$.fullName' AS display_name
FROM raw.trello_members;
