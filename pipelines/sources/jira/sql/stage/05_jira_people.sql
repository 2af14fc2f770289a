-- Accounts seen on issues (assignee, reporter, creator), as authors of changes and of worklogs.
-- Jira Cloud hides e-mail addresses, so people are keyed by account id.
INSERT INTO stage.people BY NAME
SELECT source_id || ':user:' || account_id AS person_id, source_id, account_id AS external_id, name AS display_name
FROM (
    SELECT source_id, a.accountId AS account_id, a.displayName AS name
    FROM (SELECT source_id, unnest(accounts) AS a FROM stage.jira_issues)
    UNION ALL
    SELECT DISTINCT source_id, author_ext, author_name FROM stage.jira_history_items
    UNION ALL
    SELECT source_id, account_id, author_name FROM stage.jira_worklogs
)
WHERE account_id IS NOT NULL;
