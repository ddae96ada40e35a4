-- one row per return and policy it lists or is required to have (an absent row: all null):
-- the policies of the return's version, and any later policy required from the return's round
CREATE OR REPLACE TABLE silver.policies AS
WITH source AS (
    SELECT * FROM bronze.policies
),
grid AS (
    SELECT
        r.return_id,
        r.sha256,
        r.completed_on,
        p.policy,
        -- blank required_from_round: never required (read and shown, not counted)
        coalesce(r.round >= p.required_from_round, false) AS is_required
    FROM silver.returns AS r
    JOIN seeds.policies AS p
        ON CAST(p.version AS INTEGER) <= r.return_version OR r.round >= p.required_from_round
),
policy_rows AS (
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
        g.completed_on,
        g.is_required
    FROM grid AS g
    LEFT JOIN source AS s ON s.sha256 = g.sha256 AND s.policy = g.policy
)
SELECT * FROM policy_rows;
