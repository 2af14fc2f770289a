-- points_at_start: the estimate when the item's commitment began: at sprint start for items in the
-- sprint then, at the moment of adding for items added later.
WITH probes AS (
    SELECT si.*, greatest(si.added_at, coalesce(s.start_at, si.added_at)) AS committed_at
    FROM stage.sprint_intervals si
    JOIN core.sprints s USING (sprint_id)
)
SELECT p.sprint_id, p.item_id, p.added_at, p.removed_at, ph.points AS points_at_start
FROM probes p
ASOF LEFT JOIN stage.points_history ph ON ph.item_id = p.item_id AND p.committed_at >= ph.valid_from
