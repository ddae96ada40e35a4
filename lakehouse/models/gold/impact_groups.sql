-- one row per group the impact of support compares (supported, flagged_unsupported)
-- The groups with their words (seeds/report_text.csv) and order, so the impact of support
-- reads gold for its group names, not the seed at read time. A school counts in the first
-- group it fits: support recorded in the round, else flagged in it.
CREATE OR REPLACE TABLE gold.impact_groups AS
WITH source AS (
    SELECT * FROM (
        VALUES
            ('supported', 'impact_supported', 1),
            ('flagged_unsupported', 'impact_flagged_unsupported', 2)
    ) AS g (impact_group, text_key, group_order)
)
SELECT
    g.impact_group,
    t.text AS group_label,
    g.group_order
FROM source AS g
JOIN seeds.report_text AS t ON t.key = g.text_key
ORDER BY g.group_order;
