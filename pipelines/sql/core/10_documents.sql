-- A page belongs to a project when it is that project's charter page, or when its container
-- belongs to exactly one project.
SELECT d.document_id, d.source_id, d.container_id, coalesce(d.charter_project_id, c.project_id) AS project_id,
       d.title, d.version, d.updated_at, d.url, d.is_deleted, d.deleted_at
FROM stage.documents d
LEFT JOIN core.containers c USING (container_id)
