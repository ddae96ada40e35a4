-- one row per current return and staff group the return has a row for
CREATE OR REPLACE TABLE gold.training_coverage AS
SELECT
    r.urn,
    r.round,
    t.return_id,
    t.staff_group,
    g.label AS staff_group_label,
    t.headcount,
    t.trained,
    CASE WHEN t.is_valid AND t.headcount > 0 THEN 100.0 * t.trained / t.headcount END
        AS coverage_pct,
    t.is_valid,
    g.sort_order AS staff_group_order
FROM silver.training AS t
JOIN silver.returns AS r USING (return_id)
JOIN seeds.staff_groups AS g USING (staff_group)
WHERE r.is_current
ORDER BY r.urn, r.round, g.sort_order;
