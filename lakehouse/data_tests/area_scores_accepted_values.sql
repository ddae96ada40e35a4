-- areas come from seeds.areas; capped_by names one of the spec's caps
SELECT urn, round, area, capped_by
FROM gold.area_scores
WHERE area NOT IN (SELECT area FROM seeds.areas)
    OR capped_by NOT IN (
        'locked_down', 'training_group_below_50', 'policy_overdue', 'leadership', 'inadequate_area'
    )
