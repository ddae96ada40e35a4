-- one row: every scalar rule from seeds.rules as a typed column
CREATE OR REPLACE TABLE silver.rules AS
WITH source AS (
    SELECT rule, CAST(value AS DOUBLE) AS value FROM seeds.rules
),
pivoted AS (
    SELECT
        max(value) FILTER (WHERE rule = 'min_answered_share') AS min_answered_share,
        max(value) FILTER (WHERE rule = 'outcomes_indicator_share') AS outcomes_indicator_share,
        max(value) FILTER (WHERE rule = 'outcomes_survey_share') AS outcomes_survey_share,
        max(value) FILTER (WHERE rule = 'training_indicator_share') AS training_indicator_share,
        max(value) FILTER (WHERE rule = 'training_coverage_share') AS training_coverage_share,
        max(value) FILTER (WHERE rule = 'overall_areas_share') AS overall_areas_share,
        max(value) FILTER (WHERE rule = 'overall_ovr_share') AS overall_ovr_share,
        max(value) FILTER (WHERE rule = 'training_group_min_coverage_pct')
            AS training_group_min_coverage_pct,
        max(value) FILTER (WHERE rule = 'training_group_cap_grade') AS training_group_cap_grade,
        max(value) FILTER (WHERE rule = 'locked_down_cap_grade') AS locked_down_cap_grade,
        max(value) FILTER (WHERE rule = 'inadequate_grade') AS inadequate_grade,
        max(value) FILTER (WHERE rule = 'inadequate_area_cap_grade') AS inadequate_area_cap_grade,
        max(value) FILTER (WHERE rule = 'training_gap_grade') AS training_gap_grade,
        max(value) FILTER (WHERE rule = 'priority_high_concerns') AS priority_high_concerns,
        max(value) FILTER (WHERE rule = 'priority_medium_concerns') AS priority_medium_concerns,
        max(value) FILTER (WHERE rule = 'casework_capacity') AS casework_capacity,
        max(value) FILTER (WHERE rule = 'incomplete_unanswered_share')
            AS incomplete_unanswered_share,
        max(value) FILTER (WHERE rule = 'deadline_month') AS deadline_month,
        max(value) FILTER (WHERE rule = 'deadline_day') AS deadline_day,
        max(value) FILTER (WHERE rule = 'fm_window_days') AS fm_window_days,
        max(value) FILTER (WHERE rule = 'fm_filtering_cap_grade') AS fm_filtering_cap_grade,
        max(value) FILTER (WHERE rule = 'fm_review_cap_grade') AS fm_review_cap_grade
    FROM source
),
final AS (
    SELECT
        min_answered_share,
        outcomes_indicator_share,
        outcomes_survey_share,
        training_indicator_share,
        training_coverage_share,
        overall_areas_share,
        overall_ovr_share,
        training_group_min_coverage_pct,
        CAST(training_group_cap_grade AS INTEGER) AS training_group_cap_grade,
        CAST(locked_down_cap_grade AS INTEGER) AS locked_down_cap_grade,
        CAST(inadequate_grade AS INTEGER) AS inadequate_grade,
        CAST(inadequate_area_cap_grade AS INTEGER) AS inadequate_area_cap_grade,
        CAST(training_gap_grade AS INTEGER) AS training_gap_grade,
        CAST(priority_high_concerns AS INTEGER) AS priority_high_concerns,
        CAST(priority_medium_concerns AS INTEGER) AS priority_medium_concerns,
        CAST(casework_capacity AS INTEGER) AS casework_capacity,
        incomplete_unanswered_share,
        CAST(deadline_month AS INTEGER) AS deadline_month,
        CAST(deadline_day AS INTEGER) AS deadline_day,
        CAST(fm_window_days AS INTEGER) AS fm_window_days,
        CAST(fm_filtering_cap_grade AS INTEGER) AS fm_filtering_cap_grade,
        CAST(fm_review_cap_grade AS INTEGER) AS fm_review_cap_grade
    FROM pivoted
)
SELECT * FROM final;
