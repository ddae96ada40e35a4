-- one row per row of bronze.messages, and per self-review statement whose evidence disagrees
-- (silver.fm_evidence_mismatches: a warning on the statement's response cell)
CREATE OR REPLACE TABLE gold.messages AS
WITH source AS (
    SELECT * FROM bronze.messages
    UNION ALL BY NAME
    SELECT
        m.sha256,
        m.file_name,
        'warning' AS severity,
        m.location,
        m.indicator_id || ': ' || t.text || ' (' || m.shortfalls || ')' AS message,
        m.ingested_at
    FROM silver.fm_evidence_mismatches AS m
    CROSS JOIN (SELECT text FROM seeds.v2_messages WHERE message = 'evidence_mismatch') AS t
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
