-- one row per round, area, setting, district, filtering and grade (null grade: insufficient evidence)
CREATE OR REPLACE TABLE gold.grade_distribution AS
WITH source AS (
    SELECT a.round, a.area, a.area_label, a.area_order, a.grade, a.grade_label, r.filtering,
        s.setting, s.district
    FROM gold.area_scores AS a
    JOIN silver.returns AS r USING (return_id)
    JOIN silver.schools AS s ON s.urn = a.urn
),
final AS (
    SELECT
        round, area, area_label, setting, district, filtering, grade, grade_label,
        count(*) AS schools,
        area_order
    FROM source
    GROUP BY ALL
)
SELECT * FROM final
ORDER BY round, area_order, setting, district NULLS LAST, filtering NULLS LAST, grade NULLS LAST;
