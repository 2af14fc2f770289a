-- /worklog/updated is site-wide: keep only worklogs on synced issues.
INSERT INTO stage.worklogs BY NAME
SELECT w.source_id || ':worklog:' || w.id AS worklog_id,
       w.source_id || ':' || w.issue_id AS item_id,
       w.source_id || ':user:' || w.account_id AS person_id,
       pmhub_ts(w.started) AS started_at,
       w.seconds / 3600.0 AS hours,
       d.id IS NOT NULL AS is_deleted
FROM stage.jira_worklogs w
LEFT JOIN raw.jira_worklog_deletions d ON d.source_id = w.source_id AND d.id = w.id
WHERE w.source_id || ':' || w.issue_id IN (SELECT item_id FROM stage.jira_issues)
  AND w.source_id || ':' || w.issue_id NOT IN (SELECT item_id FROM stage.jira_risk_items);
