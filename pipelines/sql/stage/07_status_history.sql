-- Status of each item as intervals starting at valid_from (use with ASOF joins); seq orders the
-- changes of one instant (the last is the state from then on). The first interval
-- starts at creation with the status the first transition left (or the current one if none).
CREATE OR REPLACE TABLE stage.status_history AS
WITH numbered AS (
    SELECT *, row_number() OVER (PARTITION BY item_id ORDER BY changed_at, ord) AS n FROM stage.status_events
)
SELECT i.item_id, i.created_at AS valid_from,
       CASE WHEN f.item_id IS NULL THEN i.status ELSE f.from_status END AS status,
       CASE WHEN f.item_id IS NULL THEN i.status_category ELSE f.from_category END AS category,
       0 AS seq
FROM stage.work_items i
LEFT JOIN numbered f ON f.item_id = i.item_id AND f.n = 1
UNION ALL
SELECT item_id, changed_at, to_status, to_category, n FROM numbered;
