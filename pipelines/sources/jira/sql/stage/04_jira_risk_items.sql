-- Issues of the site's risk issue type (`risk_issue_type` in config, meta.jira_risk_fields): they are
-- risks of the register (core.risks, read by pipelines.sources.jira.risks), not work. They are left
-- out of stage.work_items and of everything that hangs on an item (status and points events,
-- worklogs, sprint intervals), so no metric counts them as work in progress, velocity or flow.
CREATE OR REPLACE TABLE stage.jira_risk_items AS
SELECT j.item_id
FROM stage.jira_issues j
JOIN meta.jira_risk_fields r ON r.source_id = j.source_id AND lower(r.issue_type) = lower(j.item_type);
