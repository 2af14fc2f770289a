-- Accounts seen on issues (assignee, reporter, creator), as authors of changes and of worklogs.
-- People are keyed by Atlassian account id, one person across every Jira and Confluence site
-- (realm 'atlassian'); Jira shows an e-mail address only where the person's privacy settings allow.
INSERT INTO stage.people BY NAME
SELECT source_id || ':user:' || account_id AS person_id, source_id, account_id AS external_id, name AS display_name,
       lower(nullif(trim(email), '')) AS email, 'atlassian' AS account_realm
FROM (
    SELECT source_id, a.accountId AS account_id, a.displayName AS name, a.emailAddress AS email
    FROM (SELECT source_id, unnest(accounts) AS a FROM stage.jira_issues)
    UNION ALL
    SELECT DISTINCT source_id, author_ext, author_name, NULL FROM stage.jira_history_items
    UNION ALL
    SELECT source_id, account_id, author_name, NULL FROM stage.jira_worklogs
)
WHERE account_id IS NOT NULL;
