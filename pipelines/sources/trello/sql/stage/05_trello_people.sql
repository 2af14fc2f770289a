-- Members of the synced boards, with the username people write (`@analima`). Trello shows a
-- member's e-mail to that member only, so there is none to match on.
INSERT INTO stage.people BY NAME
SELECT source_id || ':member:' || id AS person_id, source_id, id AS external_id,
       payload ->> '$.fullName' AS display_name, payload ->> '$.username' AS handle
FROM raw.trello_members;
