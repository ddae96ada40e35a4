-- one row per current return (every round) and whole section it left out: an incomplete return
CREATE OR REPLACE TABLE gold.incomplete_returns AS
WITH source AS (
    SELECT r.return_id, r.urn, r.round, r.completed_on, c.*
    EXCLUDE (return_id)
    FROM silver.returns AS r
    JOIN silver.return_completeness AS c USING (return_id)
    WHERE r.is_current
),
missing AS (
    SELECT return_id, 'self_review' AS section,
        unanswered || ' of ' || statements || ' statements unanswered' AS detail
    FROM source WHERE self_review_missing
    UNION ALL
    SELECT return_id, 'policies', 'no policy rows' FROM source WHERE policies_missing
    UNION ALL
    SELECT return_id, 'training', 'no training rows' FROM source WHERE training_missing
),
final AS (
    SELECT
        s.urn,
        s.round,
        m.section,
        sec.label AS section_label,
        m.detail,
        sec.warning,
        s.return_id,
        s.completed_on,
        sec.sort_order AS section_order
    FROM missing AS m
    JOIN source AS s USING (return_id)
    JOIN seeds.return_sections AS sec ON sec.section = m.section
)
SELECT * FROM final ORDER BY round, urn, section_order;
