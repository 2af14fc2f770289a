-- Which portfolio project each Jira board reports into, through the project the board is located in.
CREATE OR REPLACE TABLE stage.board_projects AS
SELECT b.source_id || ':board:' || b.id AS board_id,
       b.source_id || ':project:' || (b.payload ->> '$.location.projectId') AS container_id,
       m.project_id
FROM raw.jira_boards b
LEFT JOIN meta.cfg_containers m
  ON m.tool = 'jira' AND m.source_id = b.source_id AND m.ref = b.payload ->> '$.location.projectKey';
