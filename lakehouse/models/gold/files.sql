-- one row per row of bronze.files
CREATE OR REPLACE TABLE gold.files AS
WITH source AS (
    SELECT * FROM bronze.files
),
message_counts AS (
    SELECT
        sha256,
        file_name,
        ingested_at,
        count(*) FILTER (WHERE severity = 'warning') AS warnings,
        count(*) FILTER (WHERE severity = 'error') AS errors
    -- gold.messages: the reader's messages and the self-review/evidence warnings
    FROM gold.messages
    GROUP BY ALL
),
by_sha AS (
    SELECT sha256, sum(warnings) AS warnings, sum(errors) AS errors
    FROM message_counts
    WHERE sha256 IS NOT NULL
    GROUP BY sha256
),
final AS (
    SELECT
        f.*,
        -- an unreadable file has no sha256: match its messages by name and ingest time
        CAST(coalesce(b.warnings, m.warnings, 0) AS INTEGER) AS warnings,
        CAST(coalesce(b.errors, m.errors, 0) AS INTEGER) AS errors
    FROM source AS f
    LEFT JOIN by_sha AS b ON f.sha256 = b.sha256
    LEFT JOIN message_counts AS m
        ON f.sha256 IS NULL AND m.sha256 IS NULL
        AND m.file_name = f.file_name AND m.ingested_at = f.ingested_at
)
SELECT * FROM final ORDER BY ingested_at, file_name, status;
