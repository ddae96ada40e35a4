-- silver.rules is one row with every scalar rule the models read present (none null)
SELECT 'a rule in seeds/rules.csv is missing or blank' AS problem
WHERE (SELECT count(*) FROM silver.rules WHERE COLUMNS(*) IS NOT NULL) <> 1
