-- one row per school and policy of its latest current return in any round: the policies of
-- that return's version and any required from its round (is_required: counts in the cap and flag)
CREATE OR REPLACE TABLE gold.policy_freshness AS
WITH source AS (
    SELECT
        r.urn,
        r.round,
        r.return_id,
        row_number() OVER (
            PARTITION BY r.urn ORDER BY r.round DESC, r.completed_on DESC
        ) AS recency
    FROM silver.returns AS r
    WHERE r.is_current
),
latest AS (
    SELECT urn, round, return_id FROM source WHERE recency = 1
),
reviews AS (
    SELECT
        l.urn,
        l.round,
        p.policy,
        p.last_reviewed,
        date_diff('day', p.last_reviewed, ctx.as_of) AS days_since_review,
        l.return_id,
        p.is_required
    FROM latest AS l
    JOIN silver.policies AS p USING (return_id)
    CROSS JOIN silver.run_context AS ctx
),
final AS (
    SELECT
        r.urn,
        r.round,
        r.policy,
        r.last_reviewed,
        r.days_since_review,
        CASE WHEN r.last_reviewed IS NULL THEN 'missing' ELSE w.status END AS status,
        p.label AS policy_label,
        r.return_id,
        s.label AS status_label,
        s.sort_order AS status_order,
        p.sort_order AS policy_order,
        r.is_required
    FROM reviews AS r
    LEFT JOIN silver.freshness_windows AS w
        ON (w.after_days IS NULL OR r.days_since_review > w.after_days)
        AND (w.max_days IS NULL OR r.days_since_review <= w.max_days)
    JOIN seeds.policies AS p USING (policy)
    LEFT JOIN seeds.freshness_status AS s
        ON s.status = CASE WHEN r.last_reviewed IS NULL THEN 'missing' ELSE w.status END
)
SELECT * FROM final ORDER BY urn, policy_order;
