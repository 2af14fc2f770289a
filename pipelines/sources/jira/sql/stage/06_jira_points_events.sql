-- Changes of each issue's story points, from the changelog of the story-points field of its
-- project. Jira writes the value in fromString/toString for this field.
INSERT INTO stage.points_events BY NAME
SELECT hi.item_id, hi.changed_at, hi.ord,
       TRY_CAST(coalesce(hi.from_string, hi.from_value) AS DOUBLE) AS from_points,
       TRY_CAST(coalesce(hi.to_string, hi.to_value) AS DOUBLE) AS to_points
FROM stage.jira_history_items hi
JOIN stage.jira_issues i USING (item_id)
JOIN meta.issue_fields f
  ON f.source_id = i.source_id AND f.project_key = i.project_key AND f.story_points_field = hi.field_id
WHERE hi.item_id NOT IN (SELECT item_id FROM stage.jira_risk_items);
