-- every flag is a known flag for a school in the register, once per school, with a priority
SELECT f.urn, f.flag, f.priority
FROM gold.support_flags AS f
WHERE f.urn NOT IN (SELECT urn FROM silver.schools)
    OR f.flag NOT IN (SELECT flag FROM seeds.flags)
    OR f.priority NOT IN ('high', 'medium', 'low')
    OR f.priority IS NULL
    OR f.reason IS NULL OR f.reason = ''
UNION ALL
SELECT urn, flag, 'duplicate'
FROM gold.support_flags
GROUP BY urn, flag
HAVING count(*) > 1
