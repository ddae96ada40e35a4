-- one row per code of a DfE standards vocabulary (seeds fm_standards, fm_statuses)
-- The four filtering and monitoring standards' names and the statuses a standard can have,
-- with their order, so a table, export or slide that lists every standard or status names
-- them as the database was built (gold.fm_standards words each school's rows).
CREATE OR REPLACE TABLE gold.fm_vocabulary AS
WITH source AS (
    SELECT 'fm_standard' AS vocabulary, CAST(s.standard AS VARCHAR) AS code, s.label, s.sort_order
    FROM seeds.fm_standards AS s
    UNION ALL
    SELECT 'fm_status', t.status, t.label, t.sort_order
    FROM seeds.fm_statuses AS t
)
SELECT vocabulary, code, label, sort_order FROM source ORDER BY vocabulary, sort_order;
