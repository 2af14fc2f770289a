-- Jira sprints (closed and active) as Jira's sprint report counts them, from membership intervals:
--   committed  = estimates at sprint start of items in the sprint at start and not already done;
--   added      = estimates when added, of items added after start (before close);
--   removed    = estimates when removed, of items removed after start and before close;
--   completed  = estimates at close of items in the sprint at close and done then;
--   not completed = estimates at close of items in the sprint at close and not done;
--   estimate change = what makes committed + added + change = completed + not completed + removed.
-- Items already done at sprint start were completed outside the sprint and are left out.
-- An active sprint is measured as of the end of the sync date.
-- Containers of tools without sprints (a Trello board) count ISO weeks: completed = items done in
-- that week (for a board, last moved into a done list); commitment is NULL (there is none), not zero.
WITH s AS (SELECT as_of, (as_of + INTERVAL 1 DAY)::TIMESTAMPTZ AS as_of_end FROM meta.settings),
sprints AS (
    SELECT sp.*, bp.project_id,
           CASE WHEN sp.state = 'closed' THEN coalesce(sp.completed_at, sp.end_at) ELSE s.as_of_end END AS close_at
    FROM core.sprints sp
    JOIN stage.board_projects bp ON bp.board_id = sp.board_id
    CROSS JOIN s
    WHERE sp.state IN ('closed', 'active') AND sp.start_at IS NOT NULL AND bp.project_id IS NOT NULL
), members AS (
    SELECT m.item_id, m.added_at, m.removed_at, sp.sprint_id, sp.start_at, sp.close_at
    FROM core.sprint_membership m JOIN sprints sp USING (sprint_id)
), probes AS (
    SELECT sprint_id, item_id, 'start' AS moment, start_at AS probe_at FROM members
    WHERE added_at <= start_at AND (removed_at IS NULL OR removed_at > start_at)
    UNION ALL
    SELECT sprint_id, item_id, 'added', added_at FROM members WHERE added_at > start_at AND added_at < close_at
    UNION ALL
    SELECT sprint_id, item_id, 'removed', removed_at FROM members
    WHERE removed_at > start_at AND removed_at < close_at
    UNION ALL
    -- Jira moves unfinished items on at close: a removal at the close instant is "not completed".
    SELECT sprint_id, item_id, 'close', close_at FROM members
    WHERE added_at < close_at AND (removed_at IS NULL OR removed_at >= close_at)
), with_status AS (
    SELECT p.*, h.category FROM probes p
    ASOF LEFT JOIN stage.status_history h ON h.item_id = p.item_id AND p.probe_at >= h.valid_from
), valued AS (
    SELECT w.*, ph.points FROM with_status w
    ASOF LEFT JOIN stage.points_history ph ON ph.item_id = w.item_id AND w.probe_at >= ph.valid_from
), outside AS (
    SELECT DISTINCT sprint_id, item_id FROM valued WHERE moment = 'start' AND category = 'done'
), counted AS (
    SELECT v.* FROM valued v ANTI JOIN outside o USING (sprint_id, item_id)
), per_sprint AS (
    SELECT sprint_id,
           coalesce(sum(points) FILTER (WHERE moment = 'start'), 0) AS committed_points,
           coalesce(sum(points) FILTER (WHERE moment = 'added'), 0) AS added_points,
           coalesce(sum(points) FILTER (WHERE moment = 'removed'), 0) AS removed_points,
           coalesce(sum(points) FILTER (WHERE moment = 'close' AND category = 'done'), 0) AS completed_points,
           count(*) FILTER (WHERE moment = 'close' AND category = 'done') AS completed_items,
           coalesce(sum(points) FILTER (WHERE moment = 'close' AND category IS DISTINCT FROM 'done'), 0)
               AS not_completed_points
    FROM counted GROUP BY 1
), weeks AS (
    SELECT c.project_id, c.source_id, c.container_id, c.name,
           bool_or(w.story_points IS NOT NULL) AS estimated,
           unnest(generate_series(date_trunc('week', min(w.created_at))::DATE,
                                  date_trunc('week', any_value(s.as_of))::DATE, INTERVAL 7 DAY))::DATE AS week_start
    FROM core.containers c
    JOIN core.work_items w ON w.container_id = c.container_id
    CROSS JOIN s
    WHERE c.iteration_basis = 'iso_week' AND c.project_id IS NOT NULL
    GROUP BY c.project_id, c.source_id, c.container_id, c.name
)
SELECT sp.project_id, sp.source_id, sp.sprint_id AS iteration_id, sp.name AS iteration_name,
       'sprint' AS iteration_kind, sp.state AS iteration_state,
       sp.start_at AS iteration_start, coalesce(sp.completed_at, sp.end_at) AS iteration_end,
       coalesce(ps.committed_points, 0) AS committed_points, coalesce(ps.added_points, 0) AS added_points,
       coalesce(ps.removed_points, 0) AS removed_points, coalesce(ps.completed_points, 0) AS completed_points,
       coalesce(ps.completed_items, 0) AS completed_items,
       coalesce(ps.not_completed_points, 0) AS not_completed_points,
       coalesce(ps.completed_points + ps.not_completed_points + ps.removed_points
                - ps.committed_points - ps.added_points, 0) AS estimate_change_points
FROM sprints sp LEFT JOIN per_sprint ps USING (sprint_id)
UNION ALL
SELECT wk.project_id, wk.source_id, wk.container_id || ':week:' || strftime(wk.week_start, '%G-W%V'),
       wk.name || ' ' || strftime(wk.week_start, '%G-W%V'), 'iso_week',
       CASE WHEN wk.week_start + 7 <= any_value(s.as_of) THEN 'closed' ELSE 'active' END,
       wk.week_start::TIMESTAMPTZ, (wk.week_start + 7)::TIMESTAMPTZ,
       NULL, NULL, NULL,
       -- points only on a board whose cards carry estimates (a custom field); else empty, not zero
       CASE WHEN any_value(wk.estimated) THEN coalesce(sum(w.story_points), 0) END,
       count(w.item_id), NULL, NULL
FROM weeks wk
CROSS JOIN s
LEFT JOIN core.work_items w
  ON w.container_id = wk.container_id AND w.done_at >= wk.week_start::TIMESTAMPTZ
 AND w.done_at < (wk.week_start + 7)::TIMESTAMPTZ
GROUP BY wk.project_id, wk.source_id, wk.container_id, wk.name, wk.week_start
