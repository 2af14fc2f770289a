-- Accounts seen anywhere in a source. Jira Cloud hides e-mail addresses, so people are keyed by
-- account id and are not matched across tools.
WITH jira_accounts AS (
    SELECT source_id, a.accountId AS account_id, a.displayName AS name
    FROM (SELECT source_id, unnest(accounts) AS a FROM stage.jira_issues)
    UNION ALL
    SELECT DISTINCT source_id, author_ext, author_name FROM stage.jira_history_items
    UNION ALL
    SELECT source_id, account_id, author_name FROM stage.jira_worklogs
)
SELECT source_id || ':user:' || account_id AS person_id, source_id, account_id AS external_id,
       max(name) AS display_name
FROM jira_accounts
WHERE account_id IS NOT NULL
GROUP BY ALL
UNION ALL
SELECT source_id || ':member:' || id, source_id, id, max(payload ->> '$.fullName')
FROM raw.trello_members
GROUP BY ALL
