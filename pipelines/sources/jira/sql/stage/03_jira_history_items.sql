-- One row per changelog item. Keyed (site, issue, history id, item index): one history can carry
-- two items for the same field (e.g. a fixVersion added and one removed) and both are kept.
-- Each history is its own small raw row (landed apart from its issue, container = the issue id),
-- parsed once into a typed struct, so no statement ever parses an issue's whole history at once.
CREATE OR REPLACE TABLE stage.jira_history_items AS
WITH histories AS (
    SELECT r.source_id, r.source_id || ':' || r.container AS item_id,
           json_transform(r.payload, '{"id": "VARCHAR", "created": "VARCHAR",
               "author": {"accountId": "VARCHAR", "displayName": "VARCHAR"}, "items": [{"field": "VARCHAR", "fieldId": "VARCHAR",
               "from": "VARCHAR", "fromString": "VARCHAR", "to": "VARCHAR", "toString": "VARCHAR"}]}') AS h
    FROM pending_jira_histories r
), exploded AS (
    SELECT source_id, item_id, h.id AS history_id, pmhub_ts(h.created) AS changed_at,
           h.author.accountId AS author_ext, h.author.displayName AS author_name,
           generate_subscripts(h.items, 1) AS item_index, unnest(h.items) AS it
    FROM histories
)
SELECT source_id, item_id, history_id, item_index, changed_at, author_ext, author_name,
       -- Changes at the same instant keep Jira's order: history id, then item position.
       lpad(history_id, 20, '0') || ':' || lpad(item_index::VARCHAR, 5, '0') AS ord,
       it.field AS field, coalesce(it.fieldId, it.field) AS field_id,
       it."from" AS from_value, it.fromString AS from_string,
       it."to" AS to_value, it.toString AS to_string
FROM exploded;
