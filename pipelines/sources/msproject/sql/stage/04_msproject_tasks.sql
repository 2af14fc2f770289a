-- The tasks of every plan the warehouse holds, one row each, times placed on the UTC timeline in
-- the zone the source's plans were made in (meta.msproject_time_zones). A plan whose file is gone
-- (a tombstone as new as the plan) keeps its tasks, each deleted with the tombstone's reason.
-- MS Project's task 0 (outline level 0) is the plan itself: its container, not a work item.
CREATE OR REPLACE TABLE stage.msproject_tasks AS
WITH plans AS (
    SELECT p.source_id, p.id AS plan, p.payload, coalesce(z.time_zone, 'UTC') AS tz,
           p.payload ->> '$.plan.currency_code' AS currency,
           t.payload ->> '$.reason' AS deletion_reason, (t.payload ->> '$.detected_at')::TIMESTAMPTZ AS deleted_at
    FROM raw.msproject_plans p
    LEFT JOIN meta.msproject_time_zones z ON z.source_id = p.source_id
    LEFT JOIN raw.msproject_plan_tombstones t ON t.source_id = p.source_id AND t.id = p.id AND t.batch_id >= p.batch_id
), tasks AS (
    SELECT source_id, plan, tz, currency, deletion_reason, deleted_at,
           unnest(json_extract(payload, '$.tasks[*]')) AS task
    FROM plans
), parents AS (
    SELECT source_id, plan, (task ->> '$.unique_id')::BIGINT AS unique_id
    FROM tasks WHERE coalesce((task ->> '$.outline_level')::INTEGER, 1) > 0
)
SELECT t.source_id, t.plan, t.source_id || ':plan:' || t.plan AS container_id,
       t.source_id || ':' || t.plan || ':' || (t.task ->> '$.unique_id') AS item_id,
       (t.task ->> '$.unique_id')::BIGINT AS unique_id,
       t.task ->> '$.name' AS name, t.task ->> '$.wbs' AS wbs, (t.task ->> '$.id')::BIGINT AS row_id,
       CASE WHEN pa.unique_id IS NOT NULL
            THEN t.source_id || ':' || t.plan || ':' || (t.task ->> '$.parent_unique_id') END AS parent_item_id,
       (t.task ->> '$.summary')::BOOLEAN AS summary, (t.task ->> '$.milestone')::BOOLEAN AS milestone,
       timezone(t.tz, (t.task ->> '$.start')::TIMESTAMP) AS start_at,
       timezone(t.tz, (t.task ->> '$.finish')::TIMESTAMP) AS finish_at,
       timezone(t.tz, (t.task ->> '$.actual_start')::TIMESTAMP) AS actual_start_at,
       timezone(t.tz, (t.task ->> '$.actual_finish')::TIMESTAMP) AS actual_finish_at,
       (t.task ->> '$.percent_complete')::DOUBLE AS percent_complete,
       (t.task ->> '$.work_hours')::DOUBLE AS work_hours,
       t.task -> '$.baselines' AS baselines, t.tz, t.currency,
       t.deletion_reason IS NOT NULL AS is_deleted, t.deleted_at, t.deletion_reason
FROM tasks t
LEFT JOIN parents pa ON pa.source_id = t.source_id AND pa.plan = t.plan
 AND pa.unique_id = (t.task ->> '$.parent_unique_id')::BIGINT
WHERE coalesce((t.task ->> '$.outline_level')::INTEGER, 1) > 0
