-- rounds are canonical YYYY/YY spanning one academic year
SELECT return_id, round
FROM silver.returns
WHERE NOT regexp_full_match(round, '\d{4}/\d{2}')
    OR (CAST(left(round, 4) AS INTEGER) + 1) % 100 <> CAST(right(round, 2) AS INTEGER)
