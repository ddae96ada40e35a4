-- every flag is a known flag for a school in the register, once per school, with its seed kind
-- and a priority
SELECT f.urn, f.flag, f.priority
FROM gold.support_flags AS f
LEFT JOIN seeds.flags AS s USING (flag)
WHERE f.urn NOT IN (SELECT urn FROM silver.schools)
    OR s.flag IS NULL
    OR f.kind IS DISTINCT FROM s.kind
    OR f.kind NOT IN ('concern', 'theme')
    OR f.priority NOT IN ('high', 'medium', 'low')
    OR f.priority IS NULL
    OR f.support_score IS NULL OR f.support_score < 1
    OR f.reason IS NULL OR f.reason = ''
UNION ALL
SELECT urn, flag, 'duplicate'
FROM gold.support_flags
GROUP BY urn, flag
HAVING count(*) > 1
