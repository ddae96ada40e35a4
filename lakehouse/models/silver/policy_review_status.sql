-- one row per return and required policy: its freshness on the day the return was completed
CREATE OR REPLACE TABLE silver.policy_review_status AS
WITH source AS (
    SELECT return_id, policy, last_reviewed, completed_on, is_required FROM silver.policies
),
with_days AS (
    SELECT *, date_diff('day', last_reviewed, completed_on) AS days_at_completion
    FROM source
),
final AS (
    SELECT
        r.return_id,
        r.policy,
        r.last_reviewed,
        r.days_at_completion,
        r.is_required,
        CASE WHEN r.last_reviewed IS NULL THEN 'missing' ELSE w.status END
            AS status_at_completion
    FROM with_days AS r
    LEFT JOIN silver.freshness_windows AS w
        ON (w.after_days IS NULL OR r.days_at_completion > w.after_days)
        AND (w.max_days IS NULL OR r.days_at_completion <= w.max_days)
)
SELECT * FROM final;
