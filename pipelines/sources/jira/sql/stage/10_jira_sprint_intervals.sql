-- Sprint membership intervals from the Sprint field's history. Each change lists the sprint ids
-- before and after; the difference is what was added and removed. Membership before the first
-- change (or with no change at all) starts at creation.
INSERT INTO stage.sprint_intervals BY NAME
WITH changes AS (
    SELECT hi.source_id, hi.item_id, hi.changed_at, hi.ord,
           list_transform(string_split(coalesce(hi.from_value, ''), ','), lambda x: trim(x)) AS before_ids,
           list_transform(string_split(coalesce(hi.to_value, ''), ','), lambda x: trim(x)) AS after_ids,
           row_number() OVER (PARTITION BY hi.item_id ORDER BY hi.changed_at, hi.ord) AS n
    FROM stage.jira_history_items hi
    JOIN meta.field_mapping fm
      ON fm.source_id = hi.source_id AND fm.purpose = 'sprint' AND fm.field_id = hi.field_id
), events AS (
    SELECT item_id, source_id, changed_at AS event_at, ord, 'add' AS kind,
           unnest(list_filter(after_ids, lambda x: x <> '' AND NOT list_contains(before_ids, x))) AS sprint_ext
    FROM changes
    UNION ALL
    SELECT item_id, source_id, changed_at, ord, 'remove',
           unnest(list_filter(before_ids, lambda x: x <> '' AND NOT list_contains(after_ids, x)))
    FROM changes
    UNION ALL
    SELECT i.item_id, i.source_id, i.created_at, '', 'add',
           unnest(CASE WHEN c.item_id IS NULL THEN coalesce(sp.current_sprint_ids, [])
                       ELSE list_filter(c.before_ids, lambda x: x <> '') END)
    FROM stage.jira_issues i
    LEFT JOIN stage.jira_issue_sprints sp USING (item_id)
    LEFT JOIN changes c ON c.item_id = i.item_id AND c.n = 1
), ordered AS (
    SELECT *, lag(kind) OVER w AS prev_kind, lead(event_at) OVER w AS next_at, lead(kind) OVER w AS next_kind
    FROM events
    WINDOW w AS (PARTITION BY item_id, sprint_ext ORDER BY event_at, ord)
)
SELECT source_id || ':sprint:' || sprint_ext AS sprint_id, item_id, event_at AS added_at,
       CASE WHEN next_kind = 'remove' THEN next_at END AS removed_at
FROM ordered
WHERE kind = 'add' AND (prev_kind IS NULL OR prev_kind = 'remove')
  AND item_id NOT IN (SELECT item_id FROM stage.jira_risk_items);
