-- one row per school and required policy, with a known status
SELECT urn, policy, status, 'bad status' AS problem
FROM gold.policy_freshness
WHERE status NOT IN (SELECT status FROM seeds.freshness_status) OR status IS NULL
    OR (status = 'missing') <> (last_reviewed IS NULL)
UNION ALL
SELECT urn, NULL, NULL, 'policy count ' || count(*)
FROM gold.policy_freshness
GROUP BY urn
HAVING count(DISTINCT policy) <> (SELECT count(*) FROM seeds.policies)
    OR count(*) <> (SELECT count(*) FROM seeds.policies)
