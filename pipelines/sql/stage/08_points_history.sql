-- Story points of each Jira issue as intervals starting at valid_from, from the changelog of the
-- site's story-points field. Jira writes the value in fromString/toString for this field.
CREATE OR REPLACE TABLE stage.points_history AS
WITH changes AS (
    SELECT hi.item_id, hi.changed_at,
           TRY_CAST(coalesce(hi.from_string, hi.from_value) AS DOUBLE) AS from_points,
           TRY_CAST(coalesce(hi.to_string, hi.to_value) AS DOUBLE) AS to_points,
           row_number() OVER (PARTITION BY hi.item_id ORDER BY hi.changed_at, hi.ord) AS n
    FROM stage.jira_history_items hi
    JOIN stage.jira_issues i USING (item_id)
    JOIN meta.issue_fields f
      ON f.source_id = i.source_id AND f.project_key = i.project_key AND f.story_points_field = hi.field_id
)
SELECT i.item_id, i.created_at AS valid_from,
       CASE WHEN c.item_id IS NULL THEN i.story_points ELSE c.from_points END AS points
FROM stage.items i
LEFT JOIN changes c ON c.item_id = i.item_id AND c.n = 1
UNION ALL
SELECT item_id, changed_at, to_points FROM changes;
