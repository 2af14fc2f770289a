-- One row per Jira issue, current state (pending_jira_issues: all raw issues, or on an incremental
-- build only those landed since the last one, see transform.stage_jira_issues), with the story-points field of its project and the site's
-- sprint field resolved (field ids come from meta.issue_fields, validated as customfield_<n>).
-- story_points_unread: the story-points value when it is not a number (reported, not cast).
-- Each payload is parsed once into a struct (json_transform): repeated ->> paths would re-parse the
-- whole document per path, which at 100,000 issues costs minutes and gigabytes.
CREATE OR REPLACE TABLE stage.jira_issues AS
WITH parsed AS (
    SELECT r.source_id, r.id, r.batch_id, r.j,
           json_extract(r.payload, '$.fields.' || f.story_points_field) AS points_json
    FROM (
        SELECT source_id, id, batch_id, payload,
               json_transform(payload, '{"key": "VARCHAR", "fields": {
                   "project": {"id": "VARCHAR", "key": "VARCHAR", "name": "VARCHAR"},
                   "summary": "VARCHAR", "issuetype": {"name": "VARCHAR"},
                   "status": {"id": "VARCHAR", "name": "VARCHAR", "statusCategory": {"key": "VARCHAR"}},
                   "assignee": {"accountId": "VARCHAR", "displayName": "VARCHAR", "emailAddress": "VARCHAR"},
                   "reporter": {"accountId": "VARCHAR", "displayName": "VARCHAR", "emailAddress": "VARCHAR"},
                   "creator": {"accountId": "VARCHAR", "displayName": "VARCHAR", "emailAddress": "VARCHAR"},
                   "created": "VARCHAR", "updated": "VARCHAR",
                   "resolutiondate": "VARCHAR", "duedate": "VARCHAR", "timeoriginalestimate": "DOUBLE",
                   "parent": {"id": "VARCHAR"}}}') AS j
        FROM pending_jira_issues
    ) r
    -- equality only, against a small table: the payloads stream through instead of being held
    LEFT JOIN meta.issue_fields f ON f.source_id = r.source_id AND f.project_key = r.j.fields.project.key
)
SELECT
    p.source_id,
    p.id AS external_id,
    p.source_id || ':' || p.id AS item_id,
    p.batch_id,
    p.j.key AS key,
    p.j.fields.project.id AS project_ext_id,
    p.j.fields.project.key AS project_key,
    p.j.fields.project.name AS project_name,
    p.j.fields.summary AS title,
    p.j.fields.issuetype.name AS item_type,
    p.j.fields.status.name AS status,
    coalesce(sc.category, pmhub_category(p.j.fields.status.statusCategory.key)) AS status_category,
    p.j.fields.assignee.accountId AS assignee_ext,
    -- everyone named on the issue, for core.people (parsed here once rather than again there)
    [p.j.fields.assignee, p.j.fields.reporter, p.j.fields.creator] AS accounts,
    pmhub_ts(p.j.fields.created) AS created_at,
    pmhub_ts(p.j.fields.updated) AS updated_at,
    pmhub_ts(p.j.fields.resolutiondate) AS resolved_at,
    TRY_CAST(p.j.fields.duedate AS DATE) AS due_date,
    -- Only a JSON number is an estimate: a value of another type (the field changed type on the
    -- site) is never cast; it is kept aside for the report, and the raw payload keeps it whole.
    CASE WHEN json_type(p.points_json) IN ('BIGINT', 'UBIGINT', 'DOUBLE') THEN p.points_json::DOUBLE END AS story_points,
    CASE WHEN json_type(p.points_json) NOT IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'NULL')
         THEN left(p.points_json::VARCHAR, 40) END AS story_points_unread,
    p.j.fields.timeoriginalestimate / 3600.0 AS estimate_hours,
    p.j.fields.parent.id AS parent_ext
FROM parsed p
LEFT JOIN stage.jira_status_categories sc ON sc.source_id = p.source_id AND sc.status_id = p.j.fields.status.id;
