-- The plans' work resources.
INSERT INTO stage.people BY NAME
SELECT DISTINCT person_id, source_id, external_id, display_name FROM stage.msproject_resources;
