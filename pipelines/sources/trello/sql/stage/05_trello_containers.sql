-- Boards: those synced, and those known only through a card that moved there (outside the synced
-- boards; no portfolio project names them).
INSERT INTO stage.containers BY NAME
SELECT r.source_id || ':board:' || r.id AS container_id, r.source_id, 'trello' AS tool, r.id AS external_id,
       r.payload ->> '$.shortLink' AS key, r.payload ->> '$.name' AS name, r.id AS container_ref,
       'iso_week' AS iteration_basis
FROM raw.trello_boards r
UNION ALL
SELECT DISTINCT c.source_id || ':board:' || c.board_id, c.source_id, 'trello', c.board_id, NULL, NULL, NULL, 'iso_week'
FROM stage.trello_cards c
ANTI JOIN raw.trello_boards r ON r.source_id = c.source_id AND r.id = c.board_id;
