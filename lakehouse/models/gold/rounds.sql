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
        ) AS deadline,
        -- a year after, as run_context counts the round before: the round the impact of
        -- support follows a school into (it may have no returns yet)
        printf(
            '%d/%02d',
            CAST(left(w.round, 4) AS INTEGER) + 1,
            (CAST(left(w.round, 4) AS INTEGER) + 2) % 100
        ) AS next_round
    FROM with_current AS w
    CROSS JOIN silver.run_context AS ctx
    CROSS JOIN silver.rules AS rules
)
SELECT * FROM final ORDER BY round;
