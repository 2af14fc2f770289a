-- A container belongs to the portfolio project that names it; one that several projects name (a
-- shared PMO space) belongs to none of them as a whole.
SELECT c.container_id, c.source_id, c.tool, c.external_id, c.key, c.name,
       (SELECT CASE WHEN count(*) = 1 THEN min(m.project_id) END FROM meta.cfg_containers m
        WHERE m.source_id = c.source_id AND m.ref = c.container_ref) AS project_id,
       c.container_ref AS config_ref, c.iteration_basis
FROM stage.containers c
