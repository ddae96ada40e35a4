-- one row per current return and staff group the return has a row for
CREATE OR REPLACE TABLE gold.training_coverage AS
WITH source AS (
    SELECT t.*, r.urn, r.round
    FROM silver.training AS t
    JOIN silver.returns AS r USING (return_id)
    WHERE r.is_current
),
final AS (
    SELECT
        s.urn,
        s.round,
        s.return_id,
        s.staff_group,
        g.label AS staff_group_label,
        s.headcount,
        s.trained,
        CASE WHEN s.is_valid AND s.headcount > 0 THEN 100.0 * s.trained / s.headcount END
            AS coverage_pct,
        s.is_valid,
        g.sort_order AS staff_group_order
    FROM source AS s
    JOIN seeds.staff_groups AS g USING (staff_group)
)
SELECT * FROM final ORDER BY urn, round, staff_group_order;
