-- one row per loaded return of a school in the register (superseded ones kept, is_current false)
CREATE OR REPLACE TABLE silver.returns AS
WITH source AS (
    SELECT * FROM bronze.returns
),
in_register AS (
    SELECT source.*
    FROM source
    WHERE source.urn IN (SELECT urn FROM silver.schools)
),
typed AS (
    SELECT
        left(sha256, 16) AS return_id,
        urn,
        round,
        completed_on,
        filtering,
        monitoring,
        pupils_offsite,
        pupil_survey_pct,
        completed_by,
        school_name,
        file_name,
        ingested_at,
        sha256,
        -- RETURN-v2.md: the version the reader detected (1 for returns loaded before v2)
        coalesce(return_version, 1) AS return_version,
        coalesce(fm_sheet, false) AS fm_sheet,
        -- supersession ignores the version: latest Date completed wins; on a tie, the later ingest
        row_number() OVER (
            PARTITION BY urn, round ORDER BY completed_on DESC, ingested_at DESC, sha256 DESC
        ) = 1 AS is_current
    FROM in_register
)
SELECT * FROM typed ORDER BY urn, round, completed_on, ingested_at;
