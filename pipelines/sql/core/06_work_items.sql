-- started_at: first entry into in_progress or done, or creation when the item was born past "todo".
-- done_at: last entry into done, for items that are done now (a reopened item uses its last done);
-- without a status history, the tool's resolution time, else creation. The assignee is the person
-- the assigned account belongs to (core.person_identities).
WITH first_status AS (
    SELECT item_id, arg_min(category, valid_from) AS first_category FROM stage.status_history GROUP BY 1
), transitions AS (
    SELECT item_id,
           min(changed_at) FILTER (WHERE to_category IN ('in_progress', 'done')) AS first_started,
           max(changed_at) FILTER (WHERE to_category = 'done') AS last_done
    FROM stage.status_events GROUP BY 1
)
SELECT w.item_id, w.source_id, w.container_id, m.project_id, w.external_id, w.key, w.title, w.item_type,
       w.status, w.status_category, coalesce(pi.person_id, w.assignee_id) AS assignee_id, w.created_at, w.updated_at,
       CASE WHEN fs.first_category IN ('in_progress', 'done') THEN w.created_at ELSE t.first_started END AS started_at,
       CASE WHEN w.status_category = 'done' THEN coalesce(t.last_done, w.resolved_at, w.created_at) END AS done_at,
       w.due_at, w.story_points, w.estimate_hours, w.parent_item_id, w.url,
       w.is_deleted, w.deleted_at, w.deletion_reason, w.pct_complete
FROM stage.work_items w
LEFT JOIN first_status fs USING (item_id)
LEFT JOIN transitions t USING (item_id)
LEFT JOIN core.person_identities pi ON pi.account_id = w.assignee_id
LEFT JOIN meta.cfg_containers m ON m.source_id = w.source_id AND m.ref = w.container_ref
