-- priority follows revision 1.1: high for an inadequate area, no return two rounds running or
-- enough concerns; medium for fewer concerns; low for themes only
SELECT f.urn, f.priority, f.concern_count
FROM gold.support_flags AS f
CROSS JOIN silver.rules AS rules
WHERE (f.priority = 'low' AND f.concern_count > 0)
    OR (f.priority = 'medium' AND f.concern_count < rules.priority_medium_concerns)
    OR (f.priority = 'high' AND f.concern_count < rules.priority_high_concerns
        AND f.urn NOT IN (
            SELECT urn FROM gold.support_flags
            WHERE flag = 'inadequate_area' OR (flag = 'no_return' AND detail LIKE '% nor for %')
        ))
