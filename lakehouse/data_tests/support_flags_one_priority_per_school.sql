-- priority, support_score and the counts are the school's: the same on each of its rows
SELECT
    urn,
    count(DISTINCT priority) AS priorities,
    count(DISTINCT flag_count) AS counts,
    count(DISTINCT support_score) AS scores
FROM gold.support_flags
GROUP BY urn
HAVING count(DISTINCT priority) > 1 OR count(DISTINCT flag_count) > 1
    OR count(DISTINCT support_score) > 1
    OR max(flag_count) <> count(*)
    OR max(support_score) <> sum(weight)
    OR max(concern_count) <> count(*) FILTER (WHERE kind = 'concern')
    OR max(theme_count) <> count(*) FILTER (WHERE kind = 'theme')
