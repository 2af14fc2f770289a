-- Every saved baseline of the synced items. An item whose children carry the same baseline rolls
-- them up (a summary task): its values are their sum, so sums over a project leave it out.
SELECT b.item_id, b.baseline_number, b.start_at, b.finish_at, b.work_hours, b.cost, b.currency,
       EXISTS (SELECT 1 FROM stage.work_items c JOIN stage.baselines cb ON cb.item_id = c.item_id
               WHERE c.parent_item_id = b.item_id AND cb.baseline_number = b.baseline_number) AS rolls_up
FROM stage.baselines b
SEMI JOIN stage.work_items w USING (item_id)
