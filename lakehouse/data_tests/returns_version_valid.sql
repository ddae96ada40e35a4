-- every return's version is one in seeds/return_versions.csv; only version 2 returns have checks
SELECT return_id, return_version, 'unknown version' AS problem
FROM silver.returns
WHERE return_version NOT IN (SELECT CAST(version AS INTEGER) FROM seeds.return_versions)
UNION ALL
SELECT c.return_id, r.return_version, 'checks on a version 1 return'
FROM silver.fm_checks AS c
JOIN silver.returns AS r USING (return_id)
WHERE r.return_version < 2
