-- every silver return belongs to a school in the register
SELECT return_id, urn FROM silver.returns WHERE urn NOT IN (SELECT urn FROM silver.schools)
