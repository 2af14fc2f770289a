-- Every card synced, archived and deleted ones too. As for Jira, a tombstone counts unless the
-- card was landed again after it.
INSERT INTO stage.work_items BY NAME
SELECT c.item_id, c.source_id, c.source_id || ':board:' || c.board_id AS container_id, c.board_id AS container_ref,
       c.external_id, c.short_link AS key, c.title, 'card' AS item_type, c.status, c.status_category,
       CASE WHEN c.assignee_ext IS NOT NULL THEN c.source_id || ':member:' || c.assignee_ext END AS assignee_id,
       c.created_at, c.updated_at, NULL AS resolved_at, c.due_at,
       c.story_points, NULL AS estimate_hours, NULL AS parent_item_id, c.url,
       d.id IS NOT NULL AS is_deleted, coalesce(dc.deleted_at, pmhub_ts(d.payload ->> '$.detected_at')) AS deleted_at,
       d.payload ->> '$.reason' AS deletion_reason
FROM stage.trello_cards c
LEFT JOIN raw.trello_card_tombstones d ON d.source_id = c.source_id AND d.id = c.external_id AND d.batch_id >= c.batch_id
-- Trello's own deleteCard action dates a deletion better than the run that noticed it.
LEFT JOIN (
    SELECT source_id, payload ->> '$.data.card.id' AS card_id, max(pmhub_ts(payload ->> '$.date')) AS deleted_at
    FROM raw.trello_actions WHERE payload ->> '$.type' = 'deleteCard' GROUP BY 1, 2
) dc ON d.payload ->> '$.reason' = 'deleted' AND dc.source_id = c.source_id AND dc.card_id = c.external_id;
