-- Accounts seen anywhere in a source, one row each, under the greatest name seen.
SELECT person_id, max(display_name) AS display_name, false AS configured, 1.0 AS part_time, 1 AS identities
FROM stage.people
GROUP BY ALL
