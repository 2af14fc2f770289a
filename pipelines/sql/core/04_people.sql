-- Accounts seen anywhere in a source, one row each, under the greatest name seen. People are not
-- matched across tools.
SELECT person_id, source_id, external_id, max(display_name) AS display_name
FROM stage.people
GROUP BY ALL
