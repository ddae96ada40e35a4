-- one row per kind of absent value (seeds.blank_labels)
-- What the pages and packs show where the data have no value (no return, insufficient
-- evidence, not known), in the words the database was built with, as gold's label columns
-- already say them.
CREATE OR REPLACE TABLE gold.blank_labels AS
SELECT
    b.blank,
    b.label
FROM seeds.blank_labels AS b
ORDER BY b.blank;
