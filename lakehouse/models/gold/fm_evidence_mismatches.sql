-- one row per current return (every round) and statement whose self-review says fully in place
-- while the school's own standards check says otherwise (profile and county view)
CREATE OR REPLACE TABLE gold.fm_evidence_mismatches AS
WITH source AS (
    SELECT m.*, r.urn, r.round
    FROM silver.fm_evidence_mismatches AS m
    JOIN silver.returns AS r USING (return_id)
    WHERE r.is_current
),
final AS (
    SELECT
        s.urn,
        s.round,
        s.indicator_id,
        i.statement,
        s.shortfalls,
        s.check_keys,
        s.location,
        s.return_id,
        label.text AS label
    FROM source AS s
    JOIN seeds.indicators AS i USING (indicator_id)
    CROSS JOIN (SELECT text FROM seeds.v2_messages WHERE message = 'evidence_mismatch_label')
        AS label
)
SELECT * FROM final ORDER BY round, urn, indicator_id;
