-- one row per school and round (every round in gold.rounds) for expected schools and any
-- school that returned
CREATE OR REPLACE TABLE gold.returns_status AS
WITH source AS (
    SELECT urn, round, completed_on, return_id
    FROM silver.returns
    WHERE is_current
),
grid AS (
    SELECT s.urn, rd.round, rd.deadline
    FROM silver.schools AS s
    CROSS JOIN gold.rounds AS rd
    WHERE s.expected_to_return
    UNION
    SELECT src.urn, rd.round, rd.deadline
    FROM source AS src
    JOIN gold.rounds AS rd USING (round)
),
final AS (
    SELECT
        g.urn,
        g.round,
        s.setting,
        s.district,
        CASE
            -- no return yet but the deadline has not passed: awaiting (chase it), not missing
            WHEN src.completed_on IS NULL AND ctx.as_of <= g.deadline THEN 'awaiting'
            WHEN src.completed_on IS NULL THEN 'missing'
            WHEN src.completed_on > g.deadline THEN 'late'
            ELSE 'received'
        END AS status,
        src.completed_on,
        g.deadline,
        src.return_id,
        s.expected_to_return
    FROM grid AS g
    JOIN silver.schools AS s USING (urn)
    CROSS JOIN silver.run_context AS ctx
    LEFT JOIN source AS src USING (urn, round)
)
SELECT f.*, st.label AS status_label, st.sort_order AS status_order
FROM final AS f
LEFT JOIN seeds.return_statuses AS st USING (status)
ORDER BY f.round, f.urn;
