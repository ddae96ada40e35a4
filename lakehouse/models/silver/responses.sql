-- one row per return and indicator in seeds.indicators of the return's version or earlier
-- (the reader writes a row for every indicator, null when unanswered, so no grid is built here;
-- silver.area_evidence counts indicators from the seed, so a missing row is still unanswered)
CREATE OR REPLACE TABLE silver.responses AS
WITH source AS (
    SELECT * FROM bronze.responses
),
known_responses AS (
    -- only the known response keys count; anything else is unanswered
    SELECT
        r.return_id,
        s.indicator_id,
        i.area,
        CAST(i.weight AS DOUBLE) AS weight,
        l.response,
        s.raw_response,
        s.evidence,
        s.location,
        CAST(l.points AS DOUBLE) AS points
    FROM source AS s
    JOIN silver.returns AS r USING (sha256)
    -- a version 1 return carries only the version 1 statements (RETURN-v2.md)
    JOIN seeds.indicators AS i
        ON i.indicator_id = s.indicator_id AND CAST(i.version AS INTEGER) <= r.return_version
    LEFT JOIN seeds.response_labels AS l ON l.response = s.response
),
final AS (
    SELECT * FROM known_responses
)
-- no ORDER BY: at national scale sorting 1.7M rows costs more than every reader saves
SELECT * FROM final;
