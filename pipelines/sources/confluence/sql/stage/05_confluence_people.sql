-- The authors and owners of synced pages, by Atlassian account id: the same person as that account
-- in Jira (realm 'atlassian'). Pages give the id only; the name comes from Jira where they meet.
INSERT INTO stage.people BY NAME
SELECT DISTINCT source_id || ':user:' || account_id AS person_id, source_id, account_id AS external_id,
       'atlassian' AS account_realm
FROM (
    SELECT source_id, unnest([payload ->> '$.authorId', payload ->> '$.ownerId', payload ->> '$.version.authorId'])
           AS account_id
    FROM raw.confluence_pages
)
WHERE account_id IS NOT NULL AND account_id <> '';
