-- one row per school with an overall grade in a round before the current one: its most recent
-- (school_overview shows it beside this round's grade; support_flags' declining compares them)
CREATE OR REPLACE TABLE gold.previous_grades AS
SELECT
    a.urn,
    max(a.round) AS round,
    arg_max(a.grade, a.round) AS grade,
    arg_max(a.grade_label, a.round) AS grade_label
FROM gold.area_scores AS a
CROSS JOIN silver.run_context AS ctx
WHERE a.area = 'overall' AND a.grade IS NOT NULL AND a.round < ctx.current_round
GROUP BY a.urn
ORDER BY a.urn;
