-- one row per loaded return: which whole sections it left out (the incomplete-return rule)
CREATE OR REPLACE TABLE silver.return_completeness AS
WITH source AS (
    SELECT return_id, sha256 FROM silver.returns
),
statements AS (
    SELECT
        sha256,
        count(*) AS statements,
        count(*) FILTER (WHERE response IS NULL) AS unanswered
    FROM bronze.responses
    GROUP BY sha256
),
policies AS (
    -- a policy row the school wrote has a cell, a date or an answer; absent rows are all null
    SELECT
        sha256,
        count(*) FILTER (
            WHERE location IS NOT NULL OR raw_last_reviewed IS NOT NULL
                OR last_reviewed IS NOT NULL OR approved_by_governors IS NOT NULL
                OR pupils_consulted IS NOT NULL OR families_consulted IS NOT NULL
        ) AS rows_written
    FROM bronze.policies
    GROUP BY sha256
),
training AS (
    SELECT sha256, count(*) AS rows_written FROM bronze.training GROUP BY sha256
),
final AS (
    SELECT
        s.return_id,
        coalesce(st.statements, 0) AS statements,
        coalesce(st.unanswered, 0) AS unanswered,
        coalesce(st.statements, 0) = 0
            OR st.unanswered > rules.incomplete_unanswered_share * st.statements
            AS self_review_missing,
        coalesce(p.rows_written, 0) = 0 AS policies_missing,
        coalesce(t.rows_written, 0) = 0 AS training_missing
    FROM source AS s
    CROSS JOIN silver.rules AS rules
    LEFT JOIN statements AS st USING (sha256)
    LEFT JOIN policies AS p USING (sha256)
    LEFT JOIN training AS t USING (sha256)
)
SELECT * FROM final ORDER BY return_id;
