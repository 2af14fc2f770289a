SELECT person_id, person_id AS account_id, source_id, external_id, max(handle) AS handle,
       max(display_name) AS display_name, lower(max(email)) AS email, 'own' AS matched_by
FROM stage.people
GROUP BY person_id, source_id, external_id
