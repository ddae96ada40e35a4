-- the distribution counts every area row exactly once
SELECT 'distribution' AS side, sum(schools) AS rows_counted
FROM gold.grade_distribution
HAVING coalesce(sum(schools), 0) <> (SELECT count(*) FROM gold.area_scores)
