-- Every issue synced, deleted ones too, except risks (04_jira_risk_items.sql). A tombstone counts only if it is not older than the
-- issue's latest version: an issue seen again later (access restored, search caught up) is live again.
INSERT INTO stage.work_items BY NAME
SELECT j.item_id, j.source_id, j.source_id || ':project:' || j.project_ext_id AS container_id,
       j.project_key AS container_ref, j.external_id, j.key, j.title, j.item_type, j.status, j.status_category,
       CASE WHEN j.assignee_ext IS NOT NULL THEN j.source_id || ':user:' || j.assignee_ext END AS assignee_id,
       j.created_at, j.updated_at, j.resolved_at, j.due_date::TIMESTAMPTZ AS due_at,
       j.story_points, j.estimate_hours,
       CASE WHEN j.parent_ext IS NOT NULL THEN j.source_id || ':' || j.parent_ext END AS parent_item_id,
       s.base_url || '/browse/' || j.key AS url,
       d.id IS NOT NULL AS is_deleted, pmhub_ts(d.payload ->> '$.detected_at') AS deleted_at,
       d.payload ->> '$.reason' AS deletion_reason
FROM stage.jira_issues j
LEFT JOIN raw.jira_issue_tombstones d ON d.source_id = j.source_id AND d.id = j.external_id AND d.batch_id >= j.batch_id
JOIN meta.cfg_sources s ON s.source_id = j.source_id
WHERE j.item_id NOT IN (SELECT item_id FROM stage.jira_risk_items);
