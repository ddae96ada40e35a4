-- one row per current return (every round) and statement whose self-review says fully in place
-- while the school's own standards check says otherwise (profile and county view)
CREATE OR REPLACE TABLE gold.fm_evidence_mismatches AS
SELECT
    r.urn,
    r.round,
    m.indicator_id,
    i.statement,
    m.shortfalls,
    m.check_keys,
    m.location,
    m.return_id,
    label.text AS label
FROM silver.fm_evidence_mismatches AS m
JOIN silver.returns AS r USING (return_id)
JOIN seeds.indicators AS i USING (indicator_id)
CROSS JOIN (SELECT text FROM seeds.v2_messages WHERE message = 'evidence_mismatch_label') AS label
WHERE r.is_current
ORDER BY r.round, r.urn, m.indicator_id;
