-- Which portfolio project each Jira board reports into: the project the board is located in. A
-- board whose filter names no project (a cross-project board, e.g. a release train) has no location,
-- so it reports into the portfolio project most of its sprints' member items belong to (ties: the
-- first project id): a PMO reads such a board's sprints as the velocity of the project whose work
-- they carry. Boards known only as a sprint's origin are included the same way.
INSERT INTO stage.board_projects BY NAME
WITH located AS (
    SELECT b.source_id || ':board:' || b.id AS board_id,
           b.source_id || ':project:' || (b.payload ->> '$.location.projectId') AS container_id,
           m.project_id, (b.payload ->> '$.location.projectId') IS NULL AS unlocated
    FROM raw.jira_boards b
    LEFT JOIN meta.cfg_containers m
      ON m.tool = 'jira' AND m.source_id = b.source_id AND m.ref = b.payload ->> '$.location.projectKey'
), sprint_boards AS (
    SELECT source_id || ':sprint:' || id AS sprint_id,
           source_id || ':board:' || coalesce(payload ->> '$.originBoardId', container) AS board_id
    FROM raw.jira_sprints
), member_projects AS (
    SELECT sb.board_id, m.project_id, i.source_id || ':project:' || i.project_ext_id AS container_id,
           count(DISTINCT si.item_id) AS items
    FROM stage.sprint_intervals si
    JOIN sprint_boards sb USING (sprint_id)
    JOIN stage.jira_issues i USING (item_id)
    JOIN meta.cfg_containers m ON m.tool = 'jira' AND m.source_id = i.source_id AND m.ref = i.project_key
    GROUP BY ALL
), by_members AS (
    SELECT board_id, container_id, project_id FROM member_projects
    QUALIFY row_number() OVER (PARTITION BY board_id ORDER BY items DESC, project_id) = 1
)
SELECT l.board_id,
       CASE WHEN l.unlocated THEN bm.container_id ELSE l.container_id END AS container_id,
       CASE WHEN l.unlocated THEN bm.project_id ELSE l.project_id END AS project_id
FROM located l LEFT JOIN by_members bm USING (board_id)
UNION ALL
SELECT bm.board_id, bm.container_id, bm.project_id FROM by_members bm ANTI JOIN located l USING (board_id);
