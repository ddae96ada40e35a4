-- one row per return and incident category the return has a row for
CREATE OR REPLACE TABLE silver.incidents AS
WITH source AS (
    SELECT * FROM bronze.incidents
),
known_categories AS (
    SELECT r.return_id, s.category, s.count, s.location
    FROM source AS s
    JOIN silver.returns AS r USING (sha256)
    WHERE s.category IN (SELECT category FROM seeds.incident_categories)
)
SELECT * FROM known_categories;
