-- One row per Jira issue, current state, with the site's story-points and sprint fields resolved.
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
    -- The path is built from a validated field id; wildcards are only allowed in constant paths.
    json_extract_string(json_extract(r.payload -> '$.fields', '$.' || spr.field_id), '$[*].id') AS current_sprint_ids,
    r.payload -> '$.changelog.histories' AS histories
FROM raw.jira_issues r
LEFT JOIN stage.jira_status_categories sc
    ON sc.source_id = r.source_id AND sc.status_id = r.payload ->> '$.fields.status.id'
LEFT JOIN meta.field_mapping sp ON sp.source_id = r.source_id AND sp.purpose = 'story_points'
LEFT JOIN meta.field_mapping spr ON spr.source_id = r.source_id AND spr.purpose = 'sprint';
