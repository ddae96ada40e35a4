-- one row per URN in silver.schools and gold.schools
SELECT 'silver.schools' AS tbl, urn, count(*) AS n FROM silver.schools GROUP BY urn HAVING count(*) > 1
UNION ALL
SELECT 'gold.schools', urn, count(*) FROM gold.schools GROUP BY urn HAVING count(*) > 1
