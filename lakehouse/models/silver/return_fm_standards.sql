-- one row per loaded return and DfE filtering and monitoring standard (seeds.fm_standards):
-- its status judged from the return's own standards check (RETURN-v2.md "The four standards").
-- A version 1 return was not asked: every standard is 'unknown'. Per standard, from
-- seeds.fm_checks: an 'essential' check not in place, no 'criterion' check in place, or a
-- failed test within a year makes it not_met; every judged check in place makes it met.
CREATE OR REPLACE TABLE silver.return_fm_standards AS
WITH source AS (
    SELECT return_id, return_version, completed_on FROM silver.returns
),
per_standard AS (
    SELECT
        return_id,
        standard,
        count(*) FILTER (WHERE judged_as <> 'none') AS judged,
        count(*) FILTER (WHERE judged_as <> 'none' AND in_place) AS in_place,
        bool_or(judged_as = 'essential' AND NOT in_place) AS essential_missing,
        bool_or(failed_within_year) AS failed,
        string_agg(short, '; ' ORDER BY check_order)
            FILTER (WHERE judged_as <> 'none' AND NOT in_place) AS shortfalls,
        max(checked_on) FILTER (WHERE failed_within_year) AS failed_on,
        max(checked_on) FILTER (WHERE judged_as = 'essential' AND in_place) AS reviewed_on
    FROM silver.fm_checks
    GROUP BY return_id, standard
),
judged AS (
    SELECT
        s.return_id,
        CAST(st.standard AS INTEGER) AS standard,
        CASE
            WHEN s.return_version < 2 THEN 'unknown'
            WHEN p.failed OR p.essential_missing OR coalesce(p.in_place, 0) = 0 THEN 'not_met'
            WHEN p.in_place = p.judged THEN 'met'
            ELSE 'partly'
        END AS status,
        p.shortfalls,
        p.failed_on,
        p.reviewed_on
    FROM source AS s
    CROSS JOIN seeds.fm_standards AS st
    LEFT JOIN per_standard AS p
        ON p.return_id = s.return_id AND p.standard = CAST(st.standard AS INTEGER)
),
final AS (
    SELECT
        j.return_id,
        j.standard,
        j.status,
        -- plain English naming the checks that fell short
        CASE
            WHEN j.status IN ('met', 'unknown') THEN fs.detail
            ELSE fs.label || ': ' || concat_ws(
                '; ',
                CASE WHEN j.failed_on IS NOT NULL
                    THEN 'the filtering test failed on ' || strftime(j.failed_on, '%-d %b %Y') END,
                j.shortfalls
            )
        END AS detail,
        j.reviewed_on,
        j.reviewed_on + CAST(rules.fm_window_days AS INTEGER) AS next_review_due
    FROM judged AS j
    JOIN seeds.fm_statuses AS fs USING (status)
    CROSS JOIN silver.rules AS rules
)
SELECT * FROM final;
