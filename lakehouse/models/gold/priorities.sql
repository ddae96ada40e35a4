-- one row per priority (seeds.priorities), schools or not
-- The priorities with their words and order, so a read that counts every priority (the
-- worklist summary, a priority no school has included) reads gold, not the seed.
CREATE OR REPLACE TABLE gold.priorities AS
SELECT
    p.priority,
    p.label AS priority_label,
    p.sort_order AS priority_order,
    p.description AS priority_description
FROM seeds.priorities AS p
ORDER BY p.sort_order;
