-- exactly one current return per school and round
SELECT urn, round, count(*) FILTER (WHERE is_current) AS current_returns
FROM silver.returns
GROUP BY urn, round
HAVING count(*) FILTER (WHERE is_current) <> 1
