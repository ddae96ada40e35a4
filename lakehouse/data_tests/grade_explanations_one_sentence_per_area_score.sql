-- every area score has exactly one explanation, a whole sentence: no placeholder or rule name
-- left unfilled, and a capped grade names its band and its cap
SELECT s.urn, s.round, s.area, e.explanation
FROM gold.area_scores AS s
LEFT JOIN gold.grade_explanations AS e USING (return_id, area)
WHERE e.explanation IS NULL
    OR e.explanation LIKE '%{%'
    OR e.explanation LIKE '%rule %'
    OR (s.capped_by IS NOT NULL AND (e.cap_label IS NULL OR e.band_label IS NULL))
UNION ALL
SELECT urn, round, area, any_value(explanation)
FROM gold.grade_explanations
GROUP BY return_id, urn, round, area
HAVING count(*) > 1
