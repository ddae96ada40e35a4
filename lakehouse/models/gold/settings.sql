-- one row per setting (seeds.settings), schools or not
-- The settings with their words and the council's usual order (Primary, Secondary, Special,
-- PRU, ...), so a read that lists settings orders them from gold, not the seed.
CREATE OR REPLACE TABLE gold.settings AS
SELECT
    s.setting,
    s.label AS setting_label,
    s.sort_order AS setting_order
FROM seeds.settings AS s
ORDER BY s.sort_order;
