-- What may mark a Jira issue blocked (stage.item_tags): its "Flagged" impediment field, when the
-- site's Flagged field (meta.flagged_fields, found by name) holds a value, and every label.
INSERT INTO stage.item_tags BY NAME
SELECT m.source_id || ':' || m.id AS item_id, 'flag' AS kind, f.field_name AS name
FROM stage.jira_issue_marks m
JOIN meta.flagged_fields f ON f.source_id = m.source_id AND list_contains(m.flagged_in, f.field_id)
UNION ALL
SELECT source_id || ':' || id, 'label', label
FROM (SELECT source_id, id, unnest(labels) AS label FROM stage.jira_issue_marks)
WHERE label IS NOT NULL AND label <> '';
