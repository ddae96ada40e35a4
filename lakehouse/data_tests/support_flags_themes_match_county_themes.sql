-- the worklist's themes and the county theme counts read one definition: every current-round
-- theme of an open school in gold.school_themes is a support flag, and no theme flag is missing
SELECT t.urn, t.flag, 'theme without its flag' AS problem
FROM gold.school_themes AS t
JOIN silver.schools AS s USING (urn)
WHERE t.is_current_round AND s.is_open
    AND (t.urn, t.flag) NOT IN (SELECT urn, flag FROM gold.support_flags)
UNION ALL
SELECT f.urn, f.flag, 'theme flag without its theme'
FROM gold.support_flags AS f
WHERE f.kind = 'theme'
    AND (f.urn, f.flag) NOT IN (
        SELECT urn, flag FROM gold.school_themes WHERE is_current_round
    )
