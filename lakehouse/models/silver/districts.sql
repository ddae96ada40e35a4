-- one row per district in the latest boundaries load
CREATE OR REPLACE TABLE silver.districts AS
WITH source AS (
    SELECT * FROM bronze.boundaries
),
latest_load AS (
    SELECT source_sha256
    FROM source
    ORDER BY loaded_at DESC, source_sha256 DESC
    LIMIT 1
),
latest_shapes AS (
    SELECT
        district_code,
        district_name,
        geometry,
        row_number() OVER (PARTITION BY district_code ORDER BY district_name) AS n
    FROM source
    WHERE source_sha256 = (SELECT source_sha256 FROM latest_load)
),
final AS (
    SELECT district_code, district_name, geometry FROM latest_shapes WHERE n = 1
)
SELECT * FROM final ORDER BY district_code;
