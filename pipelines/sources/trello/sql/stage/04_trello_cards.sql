-- One row per Trello card (archived ones too), its list, and that list's category.
CREATE OR REPLACE TABLE stage.trello_cards AS
SELECT
    r.source_id,
    r.id AS external_id,
    r.source_id || ':' || r.id AS item_id,
    r.container AS board_id,
    r.payload ->> '$.idList' AS list_id,
    lc.name AS status,
    lc.category AS status_category,
    r.payload ->> '$.name' AS title,
    r.payload ->> '$.shortLink' AS short_link,
    r.payload ->> '$.url' AS url,
    (r.payload ->> '$.closed')::BOOLEAN AS archived,
    trello_id_ts(r.id) AS created_at,
    pmhub_ts(r.payload ->> '$.dateLastActivity') AS updated_at,
    pmhub_ts(r.payload ->> '$.due') AS due_at,
    r.payload ->> '$.idMembers[0]' AS assignee_ext,
    r.batch_id,
    sp.value AS story_points
FROM raw.trello_cards r
LEFT JOIN meta.list_categories lc ON lc.source_id = r.source_id AND lc.list_id = r.payload ->> '$.idList'
LEFT JOIN stage.trello_field_values sp ON sp.item_id = r.source_id || ':' || r.id AND sp.purpose = 'story_points';
