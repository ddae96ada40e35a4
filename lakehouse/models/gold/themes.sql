-- one row per county-wide theme (a flag of kind 'theme' in seeds.flags), raised anywhere or not
-- The county's theme list with its words and order, so a read that lists every theme (the
-- theme trend, a theme no school raised included) reads gold, not the seed.
CREATE OR REPLACE TABLE gold.themes AS
SELECT
    f.flag,
    f.label AS flag_label,
    f.county_action,
    f.sort_order AS flag_order
FROM seeds.flags AS f
WHERE f.kind = 'theme'
ORDER BY f.sort_order;
