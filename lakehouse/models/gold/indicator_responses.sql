-- one row per current return and indicator
CREATE OR REPLACE TABLE gold.indicator_responses AS
SELECT
    r.urn, r.round, p.return_id, p.indicator_id, p.area, i.statement, p.response,
    l.label AS response_label, p.points, p.weight, p.evidence, p.location
FROM silver.responses AS p
JOIN silver.returns AS r USING (return_id)
JOIN seeds.indicators AS i USING (indicator_id)
LEFT JOIN seeds.response_labels AS l USING (response)
WHERE r.is_current;
