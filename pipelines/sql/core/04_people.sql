-- Accounts seen anywhere in a source. Jira Cloud hides e-mail addresses, so people are keyed by
-- account id and are not matched across tools.
WITH jira_accounts AS (
    SELECT source_id, payload -> '$.fields.assignee' AS a FROM raw.jira_issues
    UNION ALL SELECT source_id, payload -> '$.fields.reporter' FROM raw.jira_issues
    UNION ALL SELECT source_id, payload -> '$.fields.creator' FROM raw.jira_issues
    UNION ALL SELECT source_id, payload -> '$.author' FROM raw.jira_worklogs
    UNION ALL SELECT source_id, unnest(json_extract(payload, '$.changelog.histories[*].author')) FROM raw.jira_issues
)
SELECT source_id || ':user:' || (a ->> '$.accountId') AS person_id, source_id,
       a ->> '$.accountId' AS external_id, max(a ->> '$.displayName') AS display_name
FROM jira_accounts
WHERE a ->> '$.accountId' IS NOT NULL
GROUP BY ALL
UNION ALL
SELECT source_id || ':member:' || id, source_id, id, max(payload ->> '$.fullName')
FROM raw.trello_members
GROUP BY ALL
