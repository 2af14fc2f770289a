-- Spaces, named in the portfolio by their key.
INSERT INTO stage.containers BY NAME
SELECT r.source_id || ':space:' || r.id AS container_id, r.source_id, 'confluence' AS tool, r.id AS external_id,
       r.payload ->> '$.key' AS key, r.payload ->> '$.name' AS name, r.payload ->> '$.key' AS container_ref,
       NULL AS iteration_basis
FROM raw.confluence_spaces r;
