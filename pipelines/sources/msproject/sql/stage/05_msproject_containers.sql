-- Plans, named in the portfolio by their file name. A plan has no sprints: velocity counts the
-- tasks finished per ISO week.
INSERT INTO stage.containers BY NAME
SELECT r.source_id || ':plan:' || r.id AS container_id, r.source_id, 'msproject' AS tool, r.id AS external_id,
       r.id AS key, coalesce(r.payload ->> '$.plan.title', r.payload ->> '$.plan.name', r.id) AS name,
       r.id AS container_ref, 'iso_week' AS iteration_basis
FROM raw.msproject_plans r;
