-- Every baseline a task holds, and the time-phased baseline cost the plan stores per day.
INSERT INTO stage.baselines BY NAME
SELECT t.item_id, (b ->> '$.number')::INTEGER AS baseline_number,
       timezone(t.tz, (b ->> '$.start')::TIMESTAMP) AS start_at,
       timezone(t.tz, (b ->> '$.finish')::TIMESTAMP) AS finish_at,
       (b ->> '$.work_hours')::DOUBLE AS work_hours, (b ->> '$.cost')::DOUBLE AS cost, t.currency, false AS rolls_up
FROM (SELECT *, unnest(json_extract(baselines, '$[*]')) AS b FROM stage.msproject_tasks) t;

INSERT INTO stage.baseline_costs BY NAME
SELECT d.source_id || ':' || d.plan || ':' || (d.c ->> '$.task_unique_id') AS item_id,
       (d.c ->> '$.baseline_number')::INTEGER AS baseline_number, (d.c ->> '$.day')::DATE AS day,
       (d.c ->> '$.cost')::DOUBLE AS cost
FROM (SELECT source_id, id AS plan, unnest(json_extract(payload, '$.timephased_baseline_cost[*]')) AS c
      FROM raw.msproject_plans) d;
