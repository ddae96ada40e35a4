-- one row per school and policy of its latest return, with a known status; every policy the
-- return's round requires is there (RETURN-v2.md: policies of the return's version, plus any
-- required from its round)
SELECT urn, policy, status, 'bad status' AS problem
FROM gold.policy_freshness
WHERE status NOT IN (SELECT status FROM seeds.freshness_status) OR status IS NULL
    OR (status = 'missing') <> (last_reviewed IS NULL)
UNION ALL
SELECT urn, NULL, NULL, 'policy count ' || count(*)
FROM gold.policy_freshness
GROUP BY urn
HAVING count(DISTINCT policy) <> count(*)
UNION ALL
SELECT f.urn, p.policy, NULL, 'required policy absent'
FROM (SELECT DISTINCT urn, round FROM gold.policy_freshness) AS f
JOIN seeds.policies AS p ON f.round >= p.required_from_round
LEFT JOIN gold.policy_freshness AS g ON g.urn = f.urn AND g.policy = p.policy
WHERE g.policy IS NULL
