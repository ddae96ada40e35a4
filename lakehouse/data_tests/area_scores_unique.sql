-- gold.area_scores has one row per school, round and area
SELECT urn, round, area, count(*) AS n
FROM gold.area_scores
GROUP BY urn, round, area
HAVING count(*) > 1
