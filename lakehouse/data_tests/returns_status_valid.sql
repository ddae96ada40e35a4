-- one row per school and round, with a known status
SELECT urn, round, status, count(*) AS n
FROM gold.returns_status
GROUP BY urn, round, status
HAVING count(*) > 1 OR status NOT IN ('received', 'late', 'awaiting', 'missing')
