-- The plans' work resources (people; material and cost resources are not), and every assignment
-- of a resource to a task with the person it names (NULL for a placeholder or a non-work resource).
CREATE OR REPLACE TABLE stage.msproject_resources AS
WITH resources AS (
    SELECT source_id, id AS plan, unnest(json_extract(payload, '$.resources[*]')) AS r FROM raw.msproject_plans
)
SELECT source_id, plan, (r ->> '$.unique_id')::BIGINT AS unique_id,
       -- one person across a source's plans: resources are matched by name, as Project's resource
       -- pools do; a resource without a name stays its plan's own
       source_id || ':resource:' || coalesce(r ->> '$.name', plan || '#' || (r ->> '$.unique_id')) AS person_id,
       coalesce(r ->> '$.name', plan || '#' || (r ->> '$.unique_id')) AS external_id, r ->> '$.name' AS display_name,
       lower(nullif(trim(r ->> '$.email'), '')) AS email
FROM resources WHERE coalesce(r ->> '$.type', 'work') = 'work';

CREATE OR REPLACE TABLE stage.msproject_assignments AS
WITH assignments AS (
    SELECT p.source_id, p.id AS plan, coalesce(z.time_zone, 'UTC') AS tz,
           unnest(json_extract(p.payload, '$.assignments[*]')) AS a
    FROM raw.msproject_plans p
    LEFT JOIN meta.msproject_time_zones z ON z.source_id = p.source_id
)
SELECT a.source_id, a.plan,
       a.source_id || ':' || a.plan || ':' || (a.a ->> '$.task_unique_id') AS item_id,
       coalesce(a.a ->> '$.unique_id', (a.a ->> '$.task_unique_id') || '-' || coalesce(a.a ->> '$.resource_unique_id', ''))
           AS assignment_key,
       (a.a ->> '$.unique_id')::BIGINT AS unique_id, r.person_id,
       timezone(a.tz, (a.a ->> '$.start')::TIMESTAMP) AS start_at,
       timezone(a.tz, (a.a ->> '$.finish')::TIMESTAMP) AS finish_at,
       (a.a ->> '$.work_hours')::DOUBLE AS work_hours,
       (a.a ->> '$.actual_work_hours')::DOUBLE AS actual_work_hours
FROM assignments a
LEFT JOIN stage.msproject_resources r ON r.source_id = a.source_id AND r.plan = a.plan
 AND r.unique_id = (a.a ->> '$.resource_unique_id')::BIGINT
