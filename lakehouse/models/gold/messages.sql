-- one row per row of bronze.messages
CREATE OR REPLACE TABLE gold.messages AS
WITH source AS (
    SELECT * FROM bronze.messages
),
file_keys AS (
    SELECT sha256, arg_max(urn, ingested_at) AS urn, arg_max(round, ingested_at) AS round
    FROM bronze.files
    WHERE sha256 IS NOT NULL AND urn IS NOT NULL
    GROUP BY sha256
),
final AS (
    SELECT
        m.*,
        coalesce(r.urn, k.urn) AS urn,
        coalesce(r.round, k.round) AS round
    FROM source AS m
    LEFT JOIN bronze.returns AS r USING (sha256)
    LEFT JOIN file_keys AS k USING (sha256)
)
SELECT * FROM final ORDER BY ingested_at, file_name, location;
