-- one row per return status (seeds.return_statuses), schools or not
-- The statuses a school's return can have with their words and order, so a chart, legend or
-- count that names a status reads gold (gold.returns_status holds each school's status).
CREATE OR REPLACE TABLE gold.return_statuses AS
SELECT
    s.status,
    s.label AS status_label,
    s.sort_order AS status_order
FROM seeds.return_statuses AS s
ORDER BY s.sort_order;
