-- one row per school and round with a current return
CREATE OR REPLACE TABLE gold.school_rounds AS
WITH source AS (
    SELECT * FROM gold.area_scores
),
pivoted AS (
    SELECT
        return_id,
        max(grade) FILTER (WHERE area = 'overall') AS grade_overall,
        max(grade) FILTER (WHERE area = 'outcomes') AS grade_outcomes,
        max(grade) FILTER (WHERE area = 'provision') AS grade_provision,
        max(grade) FILTER (WHERE area = 'leadership') AS grade_leadership,
        max(grade) FILTER (WHERE area = 'training') AS grade_training,
        max(score_pct) FILTER (WHERE area = 'overall') AS score_overall,
        max(score_pct) FILTER (WHERE area = 'outcomes') AS score_outcomes,
        max(score_pct) FILTER (WHERE area = 'provision') AS score_provision,
        max(score_pct) FILTER (WHERE area = 'leadership') AS score_leadership,
        max(score_pct) FILTER (WHERE area = 'training') AS score_training
    FROM source
    GROUP BY return_id
),
final AS (
    SELECT
        r.urn,
        r.round,
        r.return_id,
        r.completed_on,
        r.filtering,
        s.setting,
        s.district,
        p.* EXCLUDE (return_id),
        r.return_version
    FROM silver.returns AS r
    JOIN pivoted AS p USING (return_id)
    JOIN silver.schools AS s USING (urn)
    WHERE r.is_current
)
SELECT * FROM final ORDER BY urn, round;
