-- one row: the as-of date, the current round and the round a year before it
CREATE OR REPLACE TABLE silver.run_context AS
WITH source AS (
    SELECT as_of, requested_round FROM seeds.build_params
),
chosen_round AS (
    SELECT
        as_of,
        coalesce(
            requested_round,
            (SELECT max(round) FROM silver.returns WHERE is_current)
        ) AS current_round
    FROM source
),
final AS (
    SELECT
        as_of,
        current_round,
        CASE WHEN current_round IS NOT NULL THEN printf(
            '%d/%02d',
            CAST(left(current_round, 4) AS INTEGER) - 1,
            CAST(left(current_round, 4) AS INTEGER) % 100
        ) END AS previous_round
    FROM chosen_round
)
SELECT * FROM final;
