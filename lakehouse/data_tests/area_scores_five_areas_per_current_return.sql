-- every current return has exactly one row for each of the five areas
SELECT r.return_id, r.urn, r.round, count(a.area) AS areas
FROM silver.returns AS r
LEFT JOIN gold.area_scores AS a USING (return_id)
WHERE r.is_current
GROUP BY r.return_id, r.urn, r.round
HAVING count(a.area) <> (SELECT count(*) FROM seeds.areas)
    OR count(DISTINCT a.area) <> (SELECT count(*) FROM seeds.areas)
