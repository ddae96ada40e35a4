-- the build context has exactly one row
SELECT count(*) AS n FROM silver.run_context HAVING count(*) <> 1
