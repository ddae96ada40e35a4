-- every current return has exactly the four standards, and nothing else has any
SELECT r.return_id, r.urn, r.round, count(f.standard) AS standards
FROM silver.returns AS r
LEFT JOIN gold.fm_standards AS f USING (return_id)
WHERE r.is_current
GROUP BY r.return_id, r.urn, r.round
HAVING count(DISTINCT f.standard) <> (SELECT count(*) FROM seeds.fm_standards)
    OR count(f.standard) <> (SELECT count(*) FROM seeds.fm_standards)
UNION ALL
SELECT f.return_id, f.urn, f.round, NULL
FROM gold.fm_standards AS f
LEFT JOIN silver.returns AS r USING (return_id)
WHERE r.return_id IS NULL OR NOT r.is_current
