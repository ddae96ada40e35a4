-- one row per round with any current return (plus the current round when chosen without returns)
CREATE OR REPLACE TABLE gold.rounds AS
WITH source AS (
    SELECT round, count(*) AS returns
    FROM silver.returns
    WHERE is_current
    GROUP BY round
),
with_current AS (
    SELECT round, returns FROM source
    UNION ALL
    SELECT ctx.current_round, 0
    FROM silver.run_context AS ctx
    WHERE ctx.current_round IS NOT NULL
        AND ctx.current_round NOT IN (SELECT round FROM source)
),
final AS (
    SELECT
        w.round,
        w.returns,
        w.round = ctx.current_round AS is_current,
        w.round = ctx.previous_round AS is_previous,
        make_date(
            CAST(left(w.round, 4) AS INTEGER), rules.deadline_month, rules.deadline_day
        ) AS deadline
    FROM with_current AS w
    CROSS JOIN silver.run_context AS ctx
    CROSS JOIN silver.rules AS rules
)
SELECT * FROM final ORDER BY round;
