-- areas come from seeds.areas; capped_by names one of the spec's caps
SELECT urn, round, area, capped_by
FROM gold.area_scores
WHERE area NOT IN (SELECT area FROM seeds.areas)
    OR capped_by NOT IN (
        SELECT cap FROM seeds.caps
    )
