-- /worklog/updated is site-wide: keep only worklogs on synced issues.
SELECT w.source_id || ':worklog:' || w.id AS worklog_id,
       w.source_id || ':' || (w.payload ->> '$.issueId') AS item_id,
       w.source_id || ':user:' || (w.payload ->> '$.author.accountId') AS person_id,
       pmhub_ts(w.payload ->> '$.started') AS started_at,
       TRY_CAST(w.payload ->> '$.timeSpentSeconds' AS DOUBLE) / 3600.0 AS hours,
       d.id IS NOT NULL AS is_deleted
FROM raw.jira_worklogs w
LEFT JOIN raw.jira_worklog_deletions d ON d.source_id = w.source_id AND d.id = w.id
WHERE w.source_id || ':' || (w.payload ->> '$.issueId') IN (SELECT item_id FROM stage.jira_issues)
