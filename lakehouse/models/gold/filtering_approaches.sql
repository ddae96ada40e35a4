-- one row per filtering approach (seeds.filtering_approaches), used anywhere or not
-- The approaches with their words and order, so a page, filter or pack that names a school's
-- filtering reads gold, not the seed in force.
CREATE OR REPLACE TABLE gold.filtering_approaches AS
SELECT
    f.filtering,
    f.label AS filtering_label,
    f.sort_order AS filtering_order
FROM seeds.filtering_approaches AS f
ORDER BY f.sort_order;
