-- one row per return and staff group the return has a row for
CREATE OR REPLACE TABLE silver.training AS
WITH source AS (
    SELECT * FROM bronze.training
),
with_return_id AS (
    SELECT
        r.return_id,
        s.staff_group,
        s.headcount,
        s.trained,
        s.location
    FROM source AS s
    JOIN silver.returns AS r USING (sha256)
    WHERE s.staff_group IN (SELECT staff_group FROM seeds.staff_groups)
),
final AS (
    SELECT
        *,
        -- trained above headcount is an error on the row: kept, flagged, not scored
        coalesce(trained <= headcount AND trained >= 0, false) AS is_valid
    FROM with_return_id
)
SELECT * FROM final;
