-- one row per dated freshness status: days since review in (after_days, max_days]
CREATE OR REPLACE TABLE silver.freshness_windows AS
WITH source AS (
    SELECT status, label, CAST(max_days AS INTEGER) AS max_days, sort_order
    FROM seeds.freshness_status
),
bounded AS (
    SELECT
        status,
        label,
        sort_order,
        lag(max_days) OVER (ORDER BY max_days) AS after_days,
        max_days
    FROM source
    WHERE max_days IS NOT NULL
),
open_ended AS (
    -- 'overdue' takes every age beyond the longest window
    SELECT status, label, sort_order, (SELECT max(max_days) FROM bounded) AS after_days,
        CAST(NULL AS INTEGER) AS max_days
    FROM source
    WHERE status = 'overdue'
),
final AS (
    SELECT * FROM bounded
    UNION ALL
    SELECT * FROM open_ended
)
SELECT * FROM final ORDER BY sort_order;
