-- Sprint ids currently in each issue's Sprint field (JSON objects or legacy strings, see the
-- pmhub_sprint_ids macro). Apart from 02 and in two steps because at 100,000 issues every extra
-- path extracted from the payload in one statement, and every mention of a macro argument that
-- is such an extraction, parses the whole payload again and exhausts memory.
CREATE OR REPLACE TEMP TABLE jira_sprint_json AS
SELECT r.source_id || ':' || r.id AS item_id, json_extract(r.payload, '$.fields.' || f.sprint_field) AS sprint_json
FROM pending_jira_issues r
-- The Sprint field is the site's, whatever the project. Only the small table may be the hash side:
-- a join with stage.jira_issues could hash the payloads.
JOIN (SELECT DISTINCT source_id, sprint_field FROM meta.issue_fields WHERE sprint_field IS NOT NULL) f
  ON f.source_id = r.source_id;

CREATE OR REPLACE TABLE stage.jira_issue_sprints AS
SELECT item_id, pmhub_sprint_ids(sprint_json) AS current_sprint_ids FROM jira_sprint_json
WHERE sprint_json IS NOT NULL;

DROP TABLE jira_sprint_json;
