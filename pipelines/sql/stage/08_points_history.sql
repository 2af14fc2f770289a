-- Story points of each item as intervals starting at valid_from (use with ASOF joins). The first
-- interval starts at creation with the value the first change left (or the current one if none);
-- an item whose tool records no estimate changes has one interval.
CREATE OR REPLACE TABLE stage.points_history AS
WITH changes AS (
    SELECT item_id, changed_at, from_points, to_points,
           row_number() OVER (PARTITION BY item_id ORDER BY changed_at, ord) AS n
    FROM stage.points_events
)
SELECT i.item_id, i.created_at AS valid_from,
       CASE WHEN c.item_id IS NULL THEN i.story_points ELSE c.from_points END AS points
FROM stage.work_items i
LEFT JOIN changes c ON c.item_id = i.item_id AND c.n = 1
UNION ALL
SELECT item_id, changed_at, to_points FROM changes;
