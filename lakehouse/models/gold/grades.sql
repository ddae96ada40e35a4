-- one row per grade (seeds.grade_bands), awarded anywhere or not
-- The grades with their words and the score range that earns each, best first, so a page or
-- pack that lists the grades (a table's columns, a legend, "what the grades mean") reads the
-- words the database was built with.
CREATE OR REPLACE TABLE gold.grades AS
SELECT
    b.grade,
    b.grade_label,
    b.min_score,
    b.upper_score
FROM silver.grade_bands AS b
ORDER BY b.grade;
