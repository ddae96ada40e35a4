-- priority is the school's: the same on each of its rows
SELECT urn, count(DISTINCT priority) AS priorities, count(DISTINCT flag_count) AS counts
FROM gold.support_flags
GROUP BY urn
HAVING count(DISTINCT priority) > 1 OR count(DISTINCT flag_count) > 1
    OR max(flag_count) <> count(*)
