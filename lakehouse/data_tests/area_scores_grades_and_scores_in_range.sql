-- grades are 1-4 (or null exactly when evidence is insufficient), scores 0-100, caps only worsen
SELECT urn, round, area, score_pct, grade, grade_uncapped, insufficient_evidence
FROM gold.area_scores
WHERE grade NOT IN (SELECT CAST(grade AS INTEGER) FROM seeds.grade_bands)
    OR score_pct < 0 OR score_pct > 100
    OR (grade IS NULL) <> insufficient_evidence
    OR (score_pct IS NULL) <> insufficient_evidence
    OR grade < grade_uncapped
    OR (capped_by IS NOT NULL AND grade = grade_uncapped)
    OR (capped_by IS NULL AND grade <> grade_uncapped)
