-- one row per area (seeds.areas), graded anywhere or not
-- The areas with their names and order, so a page that lists every area (a chooser, a
-- chart's legend, a table's headings) reads gold, not the seed.
CREATE OR REPLACE TABLE gold.areas AS
SELECT
    a.area,
    a.label AS area_label,
    a.sort_order AS area_order
FROM seeds.areas AS a
ORDER BY a.sort_order;
