SELECT r.source_id || ':project:' || r.id AS container_id, r.source_id, 'jira' AS tool, r.id AS external_id,
       r.payload ->> '$.key' AS key, r.payload ->> '$.name' AS name, m.project_id
FROM raw.jira_projects r
LEFT JOIN meta.cfg_containers m ON m.tool = 'jira' AND m.source_id = r.source_id AND m.ref = r.payload ->> '$.key'
UNION ALL
-- Projects known only through an issue that moved there (outside the synced projects).
SELECT DISTINCT ON (i.source_id, i.project_ext_id)
       i.source_id || ':project:' || i.project_ext_id, i.source_id, 'jira', i.project_ext_id, i.project_key,
       i.project_name, NULL
FROM stage.jira_issues i
ANTI JOIN raw.jira_projects r ON r.source_id = i.source_id AND r.id = i.project_ext_id
UNION ALL
SELECT r.source_id || ':board:' || r.id, r.source_id, 'trello', r.id, r.payload ->> '$.shortLink',
       r.payload ->> '$.name', m.project_id
FROM raw.trello_boards r
LEFT JOIN meta.cfg_containers m ON m.tool = 'trello' AND m.source_id = r.source_id AND m.ref = r.id
UNION ALL
-- Boards known only through a card that moved there (outside the synced boards).
SELECT DISTINCT c.source_id || ':board:' || c.board_id, c.source_id, 'trello', c.board_id, NULL, NULL, NULL
FROM stage.trello_cards c
ANTI JOIN raw.trello_boards r ON r.source_id = c.source_id AND r.id = c.board_id
UNION ALL
-- A space shared by several projects (a PMO space) belongs to none of them as a whole.
SELECT r.source_id || ':space:' || r.id, r.source_id, 'confluence', r.id, r.payload ->> '$.key',
       r.payload ->> '$.name',
       (SELECT CASE WHEN count(*) = 1 THEN min(m.project_id) END FROM meta.cfg_containers m
        WHERE m.tool = 'confluence' AND m.source_id = r.source_id AND m.ref = r.payload ->> '$.key')
FROM raw.confluence_spaces r
