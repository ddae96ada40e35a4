-- one row per current return and incident category the return has a row for
CREATE OR REPLACE TABLE gold.incident_counts AS
SELECT
    r.urn, r.round, i.return_id, i.category, c.label AS category_label, i.count,
    c.sort_order AS category_order
FROM silver.incidents AS i
JOIN silver.returns AS r USING (return_id)
JOIN seeds.incident_categories AS c USING (category)
WHERE r.is_current
ORDER BY r.urn, r.round, c.sort_order;
