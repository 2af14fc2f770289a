-- started_at: first entry into in_progress or done, or creation when the item was born past "todo".
-- done_at: last entry into done, for items that are done now (a reopened item uses its last done).
WITH first_status AS (
    SELECT item_id, arg_min(category, valid_from) AS first_category FROM stage.status_history GROUP BY 1
), transitions AS (
    SELECT item_id,
           min(changed_at) FILTER (WHERE to_category IN ('in_progress', 'done')) AS first_started,
           max(changed_at) FILTER (WHERE to_category = 'done') AS last_done
    FROM stage.status_events GROUP BY 1
), timing AS (
    SELECT i.item_id,
           CASE WHEN fs.first_category IN ('in_progress', 'done') THEN i.created_at ELSE t.first_started END AS started_at,
           CASE WHEN i.status_category = 'done'
                THEN coalesce(t.last_done, i.resolved_at, i.created_at) END AS done_at
    FROM stage.items i
    LEFT JOIN first_status fs USING (item_id)
    LEFT JOIN transitions t USING (item_id)
)
SELECT j.item_id, j.source_id, j.source_id || ':project:' || j.project_ext_id AS container_id, m.project_id,
       j.external_id, j.key, j.title, j.item_type, j.status, j.status_category,
       CASE WHEN j.assignee_ext IS NOT NULL THEN j.source_id || ':user:' || j.assignee_ext END AS assignee_id,
       j.created_at, j.updated_at, t.started_at, t.done_at, j.due_date::TIMESTAMPTZ AS due_at,
       j.story_points, j.estimate_hours,
       CASE WHEN j.parent_ext IS NOT NULL THEN j.source_id || ':' || j.parent_ext END AS parent_item_id,
       s.base_url || '/browse/' || j.key AS url,
       -- A tombstone counts only if it is not older than the issue's latest version: an issue seen
       -- again later (access restored, search caught up) is live again.
       d.id IS NOT NULL AS is_deleted, pmhub_ts(d.payload ->> '$.detected_at') AS deleted_at,
       d.payload ->> '$.reason' AS deletion_reason
FROM stage.jira_issues j
JOIN timing t USING (item_id)
LEFT JOIN raw.jira_issue_tombstones d ON d.source_id = j.source_id AND d.id = j.external_id AND d.batch_id >= j.batch_id
JOIN meta.cfg_sources s ON s.source_id = j.source_id
LEFT JOIN meta.cfg_containers m ON m.tool = 'jira' AND m.source_id = j.source_id AND m.ref = j.project_key
UNION ALL
SELECT c.item_id, c.source_id, c.source_id || ':board:' || c.board_id, m.project_id,
       c.external_id, c.short_link, c.title, 'card', c.status, c.status_category,
       CASE WHEN c.assignee_ext IS NOT NULL THEN c.source_id || ':member:' || c.assignee_ext END,
       c.created_at, c.updated_at, t.started_at, t.done_at, c.due_at,
       c.story_points, NULL, NULL, c.url,
       -- As for Jira: a tombstone counts unless the card was landed again after it.
       d.id IS NOT NULL, coalesce(dc.deleted_at, pmhub_ts(d.payload ->> '$.detected_at')),
       d.payload ->> '$.reason'
FROM stage.trello_cards c
JOIN timing t USING (item_id)
LEFT JOIN meta.cfg_containers m ON m.tool = 'trello' AND m.source_id = c.source_id AND m.ref = c.board_id
LEFT JOIN raw.trello_card_tombstones d ON d.source_id = c.source_id AND d.id = c.external_id AND d.batch_id >= c.batch_id
-- Trello's own deleteCard action dates a deletion better than the run that noticed it.
LEFT JOIN (
    SELECT source_id, payload ->> '$.data.card.id' AS card_id, max(pmhub_ts(payload ->> '$.date')) AS deleted_at
    FROM raw.trello_actions WHERE payload ->> '$.type' = 'deleteCard' GROUP BY 1, 2
) dc ON d.payload ->> '$.reason' = 'deleted' AND dc.source_id = c.source_id AND dc.card_id = c.external_id
