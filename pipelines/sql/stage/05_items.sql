-- Every synced work item of both tools with the columns the history tables need.
CREATE OR REPLACE TABLE stage.items AS
SELECT item_id, source_id, created_at, status, status_category, story_points, resolved_at FROM stage.jira_issues
UNION ALL
SELECT item_id, source_id, created_at, status, status_category, story_points, NULL FROM stage.trello_cards;
