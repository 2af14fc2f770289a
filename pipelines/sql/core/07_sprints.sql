-- Every sprint of the tools that run them.
SELECT sprint_id, source_id, board_id, name, state, start_at, end_at, completed_at, goal FROM stage.sprints
