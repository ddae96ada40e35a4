-- one row per return and required policy in seeds.policies (an absent row: all null)
CREATE OR REPLACE TABLE silver.policies AS
WITH source AS (
    SELECT * FROM bronze.policies
),
grid AS (
    SELECT r.return_id, r.sha256, r.completed_on, p.policy
    FROM silver.returns AS r
    CROSS JOIN seeds.policies AS p
),
renamed AS (
    SELECT
        g.return_id,
        g.policy,
        -- a review after the return was completed is an error in that cell: treated as blank
        CASE WHEN s.last_reviewed <= g.completed_on THEN s.last_reviewed END AS last_reviewed,
        s.raw_last_reviewed,
        s.approved_by_governors,
        s.pupils_consulted,
        s.families_consulted,
        s.location,
        s.sha256 IS NOT NULL AS row_present,
        g.completed_on
    FROM grid AS g
    LEFT JOIN source AS s ON s.sha256 = g.sha256 AND s.policy = g.policy
),
final AS (
    SELECT * FROM renamed
)
SELECT * FROM final;
