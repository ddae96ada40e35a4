-- one row per policy freshness status (seeds.freshness_status), policies or not
-- The freshness statuses with their words, order and review windows as the database was
-- built, so a chart, legend or footnote that names a status or its window reads gold.
CREATE OR REPLACE TABLE gold.freshness_statuses AS
SELECT
    f.status,
    f.label AS status_label,
    f.sort_order AS status_order,
    f.max_days
FROM seeds.freshness_status AS f
ORDER BY f.sort_order;
