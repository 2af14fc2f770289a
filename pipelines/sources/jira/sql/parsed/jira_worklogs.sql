-- One row per landed Jira worklog (deleted ones too: raw.jira_worklog_deletions says which).
-- Parsed once into a struct: each ->> path would parse the whole payload (comment included) again.
SELECT source_id, id, batch_id,
       j.issueId AS issue_id, j.author.accountId AS account_id, j.author.displayName AS author_name,
       j.started, j.timeSpentSeconds AS seconds
FROM (
    SELECT source_id, id, batch_id,
           json_transform(payload, '{"issueId": "VARCHAR", "author": {"accountId": "VARCHAR", "displayName": "VARCHAR"},
                                     "started": "VARCHAR", "timeSpentSeconds": "DOUBLE"}') AS j
    FROM rows_to_parse
)
