-- Projects: those synced, and those known only through an issue that moved there (outside the
-- synced projects; no portfolio project names them).
INSERT INTO stage.containers BY NAME
SELECT r.source_id || ':project:' || r.id AS container_id, r.source_id, 'jira' AS tool, r.id AS external_id,
       r.payload ->> '$.key' AS key, r.payload ->> '$.name' AS name, r.payload ->> '$.key' AS container_ref,
       'sprint' AS iteration_basis
FROM raw.jira_projects r
UNION ALL
SELECT DISTINCT ON (i.source_id, i.project_ext_id)
       i.source_id || ':project:' || i.project_ext_id, i.source_id, 'jira', i.project_ext_id, i.project_key,
       i.project_name, NULL, 'sprint'
FROM stage.jira_issues i
ANTI JOIN raw.jira_projects r ON r.source_id = i.source_id AND r.id = i.project_ext_id;
