-- one row per return and indicator in seeds.indicators
-- (the reader writes a row for every indicator, null when unanswered, so no grid is built here;
-- silver.area_evidence counts indicators from the seed, so a missing row is still unanswered)
CREATE OR REPLACE TABLE silver.responses AS
WITH source AS (
    SELECT * FROM bronze.responses
),
renamed AS (
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
    JOIN seeds.indicators AS i USING (indicator_id)
    LEFT JOIN seeds.response_labels AS l ON l.response = s.response
),
final AS (
    SELECT * FROM renamed
)
-- no ORDER BY: at national scale sorting 1.7M rows costs more than every reader saves
SELECT * FROM final;
