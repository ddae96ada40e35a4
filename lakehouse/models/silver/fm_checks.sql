-- one row per version 2 return and check in seeds.fm_checks (a missing row: unanswered)
-- in_place: the check counts as in place for its standard (RETURN-v2.md): a text answer given,
-- yes, a date within a year of Date completed, or Pass within a year; unanswered is not in place
CREATE OR REPLACE TABLE silver.fm_checks AS
WITH source AS (
    SELECT * FROM bronze.fm_checks
),
grid AS (
    SELECT r.return_id, r.sha256, r.completed_on, c.check_key
    FROM silver.returns AS r
    CROSS JOIN seeds.fm_checks AS c
    WHERE r.return_version >= 2
),
typed AS (
    SELECT
        g.return_id,
        g.check_key,
        s.answer,
        -- a date after the return was completed is an error in that cell: treated as blank
        CASE WHEN s.checked_on <= g.completed_on THEN s.checked_on END AS checked_on,
        s.raw_answer,
        s.raw_date,
        s.notes,
        s.location,
        s.date_location,
        g.completed_on
    FROM grid AS g
    LEFT JOIN source AS s ON s.sha256 = g.sha256 AND s.check_key = g.check_key
),
judged AS (
    SELECT
        t.*,
        date_diff('day', t.checked_on, t.completed_on) AS days_before_completed,
        coalesce(date_diff('day', t.checked_on, t.completed_on) <= rules.fm_window_days, false)
            AS within_year,
        c.standard,
        c.answer_kind,
        c.judged_as,
        c.short,
        c.sort_order AS check_order
    FROM typed AS t
    JOIN seeds.fm_checks AS c USING (check_key)
    CROSS JOIN silver.rules AS rules
),
final AS (
    SELECT
        return_id,
        check_key,
        answer,
        checked_on,
        CAST(standard AS INTEGER) AS standard,
        CASE answer_kind
            WHEN 'text' THEN answer IS NOT NULL
            WHEN 'yesno' THEN coalesce(answer = 'yes', false)
            WHEN 'date' THEN within_year
            WHEN 'pass_fail' THEN coalesce(answer = 'pass', false) AND within_year
        END AS in_place,
        -- a failed filtering test within a year: the standard is not met whatever else
        answer_kind = 'pass_fail' AND coalesce(answer = 'fail', false) AND within_year
            AS failed_within_year,
        judged_as,
        short,
        check_order,
        days_before_completed,
        raw_answer,
        raw_date,
        notes,
        location,
        date_location
    FROM judged
)
SELECT * FROM final;
