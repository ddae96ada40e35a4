-- one row per district in the latest boundaries load
CREATE OR REPLACE TABLE gold.district_shapes AS
WITH source AS (
    SELECT * FROM silver.districts
),
final AS (
    SELECT district_code, district_name, geometry FROM source
)
SELECT * FROM final ORDER BY district_code;
