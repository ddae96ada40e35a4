-- a standard is 'unknown' exactly when the return is version 1; statuses are from the seed
SELECT urn, round, standard, status, return_version
FROM gold.fm_standards
WHERE (status = 'unknown') <> (return_version < 2)
    OR status NOT IN (SELECT status FROM seeds.fm_statuses)
    OR detail IS NULL
