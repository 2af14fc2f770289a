-- Pages, trashed or purged ones flagged unless the page was landed again after the tombstone. A
-- page is a project's charter when the config names it by title, or by a label it carries.
INSERT INTO stage.documents BY NAME
SELECT p.source_id || ':' || p.id AS document_id, p.source_id,
       p.source_id || ':space:' || p.container AS container_id,
       ch.project_id AS charter_project_id,
       p.payload ->> '$.title' AS title,
       TRY_CAST(p.payload ->> '$.version.number' AS INTEGER) AS version,
       pmhub_ts(p.payload ->> '$.version.createdAt') AS updated_at,
       s.base_url || (p.payload ->> '$._links.webui') AS url,
       d.id IS NOT NULL AS is_deleted, pmhub_ts(d.payload ->> '$.detected_at') AS deleted_at
FROM raw.confluence_pages p
LEFT JOIN raw.confluence_page_tombstones d ON d.source_id = p.source_id AND d.id = p.id AND d.batch_id >= p.batch_id
JOIN meta.cfg_sources s ON s.source_id = p.source_id
LEFT JOIN raw.confluence_spaces sp ON sp.source_id = p.source_id AND sp.id = p.container
LEFT JOIN raw.confluence_page_labels l ON l.source_id = p.source_id AND l.id = p.id
LEFT JOIN meta.cfg_charters ch
  ON ch.source_id = p.source_id AND ch.space_key = sp.payload ->> '$.key'
 AND (ch.page_title = p.payload ->> '$.title' OR list_contains(l.payload ->> '$.labels[*].name', ch.page_label))
-- a page that several projects name as their charter is listed once, under the first of them
QUALIFY row_number() OVER (PARTITION BY p.source_id, p.id ORDER BY ch.project_id NULLS LAST) = 1;
