-- "is blocked by" links of Jira issues (stage.item_links): the issue on the inward side of a link
-- type whose inward text says "blocked by" (Jira's "Blocks": "is blocked by" / "blocks"). Jira
-- embeds that issue's status, which stands in for it when its project is not synced.
INSERT INTO stage.item_links BY NAME
SELECT source_id || ':' || id AS item_id, 'blocked_by' AS link,
       source_id || ':' || l.inwardIssue.id AS linked_item_id, l.inwardIssue.key AS linked_key,
       pmhub_category(l.inwardIssue.fields.status.statusCategory.key) AS linked_category
FROM (SELECT source_id, id, unnest(blocked_by) AS l FROM stage.jira_issue_marks);
