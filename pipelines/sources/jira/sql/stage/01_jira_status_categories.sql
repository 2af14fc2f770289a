-- Status id -> common category, per site. Jira classifies every status as new / indeterminate /
-- done (statusCategory.key, stable and never localised); we never map on status names.
CREATE OR REPLACE TABLE stage.jira_status_categories AS
SELECT source_id, id AS status_id, payload ->> '$.name' AS name,
       pmhub_category(payload ->> '$.statusCategory.key') AS category
FROM raw.jira_statuses;
