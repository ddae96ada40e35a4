-- one row per URN in silver.schools and gold.school_overview
SELECT 'silver.schools' AS tbl, urn, count(*) AS n FROM silver.schools GROUP BY urn HAVING count(*) > 1
UNION ALL
SELECT 'gold.school_overview', urn, count(*) FROM gold.school_overview GROUP BY urn HAVING count(*) > 1
