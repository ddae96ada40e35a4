-- no_return is raised only once the current round's deadline has passed
SELECT f.urn, f.round, ctx.as_of, rd.deadline
FROM gold.support_flags AS f
CROSS JOIN silver.run_context AS ctx
JOIN gold.rounds AS rd ON rd.round = f.round
WHERE f.flag = 'no_return' AND ctx.as_of <= rd.deadline
