-- one row per grade: the score range [min_score, upper_score) that earns it
CREATE OR REPLACE TABLE silver.grade_bands AS
WITH source AS (
    SELECT CAST(grade AS INTEGER) AS grade, label, CAST(min_score AS DOUBLE) AS min_score
    FROM seeds.grade_bands
),
bands AS (
    SELECT
        grade,
        label AS grade_label,
        min_score,
        -- the next better band starts where this one ends; the best band is open-ended
        lead(min_score) OVER (ORDER BY min_score) AS upper_score
    FROM source
)
SELECT * FROM bands ORDER BY grade;
