-- The plans' work resources: the name is what people write for them (the config's handle), and the
-- e-mail address where the plan gives one.
INSERT INTO stage.people BY NAME
SELECT DISTINCT person_id, source_id, external_id, display_name, display_name AS handle, email
FROM stage.msproject_resources;
