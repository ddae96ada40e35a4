-- one row per return: staff training coverage over valid groups with headcount > 0
CREATE OR REPLACE TABLE silver.return_training AS
WITH source AS (
    SELECT t.*, g.label AS staff_group_label, g.sort_order
    FROM silver.training AS t
    JOIN seeds.staff_groups AS g USING (staff_group)
    WHERE t.is_valid AND t.headcount > 0
),
group_coverage AS (
    SELECT
        s.*,
        100.0 * s.trained / s.headcount AS group_pct,
        100.0 * s.trained / s.headcount < rules.training_group_min_coverage_pct AS is_below
    FROM source AS s
    CROSS JOIN silver.rules AS rules
),
final AS (
    SELECT
        return_id,
        100.0 * sum(trained) / sum(headcount) AS coverage_pct,
        min(group_pct) AS min_group_pct,
        count(*) FILTER (WHERE is_below) AS groups_below,
        -- round half up, the one rule of presentation/formatting.py, so "43% trained" here
        -- agrees with 6/14 = 43% in every table (a group under the minimum can read as
        -- the minimum itself only when it is within half a point of it)
        string_agg(
            staff_group_label || ' ' || CAST(floor(group_pct + 0.5) AS INTEGER) || '% trained',
            ', ' ORDER BY sort_order
        ) FILTER (WHERE is_below) AS groups_below_text
    FROM group_coverage
    GROUP BY return_id
)
SELECT * FROM final ORDER BY return_id;
