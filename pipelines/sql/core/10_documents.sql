-- A page belongs to a project when it is that project's charter page (by title, or by a label it
-- carries), or when its space belongs to exactly one project.
SELECT p.source_id || ':' || p.id AS document_id, p.source_id,
       p.source_id || ':space:' || p.container AS container_id,
       coalesce(ch.project_id, c.project_id) AS project_id,
       p.payload ->> '$.title' AS title,
       TRY_CAST(p.payload ->> '$.version.number' AS INTEGER) AS version,
       pmhub_ts(p.payload ->> '$.version.createdAt') AS updated_at,
       s.base_url || (p.payload ->> '$._links.webui') AS url,
       -- trashed or purged, unless the page was landed again after the tombstone
       d.id IS NOT NULL AS is_deleted, pmhub_ts(d.payload ->> '$.detected_at') AS deleted_at
FROM raw.confluence_pages p
LEFT JOIN raw.confluence_page_tombstones d ON d.source_id = p.source_id AND d.id = p.id AND d.batch_id >= p.batch_id
JOIN meta.cfg_sources s ON s.source_id = p.source_id
LEFT JOIN core.containers c ON c.container_id = p.source_id || ':space:' || p.container
LEFT JOIN raw.confluence_page_labels l ON l.source_id = p.source_id AND l.id = p.id
LEFT JOIN meta.cfg_charters ch
  ON ch.source_id = p.source_id AND ch.space_key = c.key
 AND (ch.page_title = p.payload ->> '$.title' OR list_contains(l.payload ->> '$.labels[*].name', ch.page_label))
-- a page that several projects name as their charter is listed once, under the first of them
QUALIFY row_number() OVER (PARTITION BY p.source_id, p.id ORDER BY ch.project_id NULLS LAST) = 1
