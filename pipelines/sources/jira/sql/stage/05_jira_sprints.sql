-- Every sprint held, once per id (a sprint seen on two boards was landed once).
INSERT INTO stage.sprints BY NAME
SELECT source_id || ':sprint:' || id AS sprint_id, source_id,
       source_id || ':board:' || coalesce(payload ->> '$.originBoardId', container) AS board_id,
       payload ->> '$.name' AS name, payload ->> '$.state' AS state,
       pmhub_ts(payload ->> '$.startDate') AS start_at, pmhub_ts(payload ->> '$.endDate') AS end_at,
       pmhub_ts(payload ->> '$.completeDate') AS completed_at, payload ->> '$.goal' AS goal
FROM raw.jira_sprints;
