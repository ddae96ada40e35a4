-- one row per current return and indicator
CREATE OR REPLACE TABLE gold.indicator_responses AS
WITH source AS (
    SELECT p.*, r.urn, r.round
    FROM silver.responses AS p
    JOIN silver.returns AS r USING (return_id)
    WHERE r.is_current
),
final AS (
    SELECT
        s.urn, s.round, s.return_id, s.indicator_id, s.area, i.statement, s.response,
        l.label AS response_label, s.points, s.weight, s.evidence, s.location
    FROM source AS s
    JOIN seeds.indicators AS i USING (indicator_id)
    LEFT JOIN seeds.response_labels AS l USING (response)
)
SELECT * FROM final;
