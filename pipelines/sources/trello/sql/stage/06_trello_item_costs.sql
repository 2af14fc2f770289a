-- Cards' hours (priced at the card's first member's rate) and cost custom fields, dated when the
-- value was last set (else when the card was created).
INSERT INTO stage.item_costs BY NAME
SELECT w.item_id, coalesce(set_at.at, w.created_at)::DATE AS incurred_on,
       CASE WHEN v.purpose = 'hours' THEN v.value END AS hours,
       CASE WHEN v.purpose = 'cost' THEN v.value END AS amount,
       w.assignee_id AS person_id, CASE v.purpose WHEN 'hours' THEN 'card hours' ELSE 'card cost' END AS basis
FROM stage.trello_field_values v
JOIN stage.work_items w ON w.item_id = v.item_id
JOIN meta.trello_fields f ON f.source_id = w.source_id AND f.purpose = v.purpose
 AND w.container_id = f.source_id || ':board:' || f.board_id
LEFT JOIN (
    SELECT source_id, payload ->> '$.data.card.id' AS card_id, payload ->> '$.data.customField.id' AS field_id,
           max(pmhub_ts(payload ->> '$.date')) AS at
    FROM raw.trello_actions WHERE payload ->> '$.type' = 'updateCustomFieldItem' GROUP BY ALL
) set_at ON set_at.source_id = w.source_id AND set_at.card_id = w.external_id AND set_at.field_id = f.field_id
WHERE v.purpose IN ('hours', 'cost') AND v.value IS NOT NULL;
