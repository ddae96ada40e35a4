-- one row per current return and incident category the return has a row for
CREATE OR REPLACE TABLE gold.incident_counts AS
WITH source AS (
    SELECT i.*, r.urn, r.round
    FROM silver.incidents AS i
    JOIN silver.returns AS r USING (return_id)
    WHERE r.is_current
),
final AS (
    SELECT
        s.urn, s.round, s.return_id, s.category, c.label AS category_label, s.count,
        c.sort_order AS category_order
    FROM source AS s
    JOIN seeds.incident_categories AS c USING (category)
)
SELECT * FROM final ORDER BY urn, round, category_order;
