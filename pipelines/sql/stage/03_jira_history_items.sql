-- One row per changelog item. Keyed (site, issue, history id, item index): one history can carry
-- two items for the same field (e.g. a fixVersion added and one removed) and both are kept.
CREATE OR REPLACE TABLE stage.jira_history_items AS
WITH histories AS (
    SELECT source_id, item_id, unnest(json_extract(histories, '$[*]')) AS h
    FROM stage.jira_issues
    WHERE histories IS NOT NULL
), items AS (
    SELECT source_id, item_id, h ->> '$.id' AS history_id, pmhub_ts(h ->> '$.created') AS changed_at,
           h ->> '$.author.accountId' AS author_ext, json_extract(h, '$.items[*]') AS its
    FROM histories
), exploded AS (
    SELECT source_id, item_id, history_id, changed_at, author_ext,
           generate_subscripts(its, 1) AS item_index, unnest(its) AS it
    FROM items
)
SELECT source_id, item_id, history_id, item_index, changed_at, author_ext,
       -- Changes at the same instant keep Jira's order: history id, then item position.
       lpad(history_id, 20, '0') || ':' || lpad(item_index::VARCHAR, 5, '0') AS ord,
       it ->> '$.field' AS field, coalesce(it ->> '$.fieldId', it ->> '$.field') AS field_id,
       it ->> '$.from' AS from_value, it ->> '$.fromString' AS from_string,
       it ->> '$.to' AS to_value, it ->> '$.toString' AS to_string
FROM exploded;
