-- One row per Jira issue, current state, with the story-points field of its project and the site's
-- sprint field resolved (field ids come from meta.field_mapping, validated as customfield_<n>).
CREATE OR REPLACE TABLE stage.jira_issues AS
SELECT
    r.source_id,
    r.id AS external_id,
    r.source_id || ':' || r.id AS item_id,
    r.payload ->> '$.key' AS key,
    r.payload ->> '$.fields.project.id' AS project_ext_id,
    r.payload ->> '$.fields.project.key' AS project_key,
    r.payload ->> '$.fields.summary' AS title,
    r.payload ->> '$.fields.issuetype.name' AS item_type,
    r.payload ->> '$.fields.status.name' AS status,
    coalesce(sc.category, pmhub_category(r.payload ->> '$.fields.status.statusCategory.key')) AS status_category,
    r.payload ->> '$.fields.assignee.accountId' AS assignee_ext,
    pmhub_ts(r.payload ->> '$.fields.created') AS created_at,
    pmhub_ts(r.payload ->> '$.fields.updated') AS updated_at,
    pmhub_ts(r.payload ->> '$.fields.resolutiondate') AS resolved_at,
    TRY_CAST(r.payload ->> '$.fields.duedate' AS DATE) AS due_date,
    TRY_CAST(json_extract_string(r.payload -> '$.fields', '$.' || sp.field_id) AS DOUBLE) AS story_points,
    TRY_CAST(r.payload ->> '$.fields.timeoriginalestimate' AS DOUBLE) / 3600.0 AS estimate_hours,
    r.payload ->> '$.fields.parent.id' AS parent_ext,
    pmhub_sprint_ids(json_extract(r.payload -> '$.fields', '$.' || spr.field_id)) AS current_sprint_ids,
    r.payload -> '$.changelog.histories' AS histories,
    r.payload ->> '$.fields.project.name' AS project_name,
    -- A tombstone counts only if it is not older than the issue's latest version: an issue seen
    -- again later (access restored, search caught up) is live again.
    t.id IS NOT NULL AS is_deleted,
    pmhub_ts(t.payload ->> '$.detected_at') AS deleted_at,
    t.payload ->> '$.reason' AS deletion_reason
FROM raw.jira_issues r
LEFT JOIN raw.jira_issue_tombstones t ON t.source_id = r.source_id AND t.id = r.id AND t.batch_id >= r.batch_id
LEFT JOIN stage.jira_status_categories sc
    ON sc.source_id = r.source_id AND sc.status_id = r.payload ->> '$.fields.status.id'
LEFT JOIN meta.field_mapping sp
    ON sp.source_id = r.source_id AND sp.purpose = 'story_points'
   AND (sp.project_key IS NULL OR sp.project_key = r.payload ->> '$.fields.project.key')
LEFT JOIN meta.field_mapping spr ON spr.source_id = r.source_id AND spr.purpose = 'sprint';
