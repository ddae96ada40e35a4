-- one row per current return (one per school and round, every round) and area
-- An area other than overall may have several caps (seeds/caps.csv): the worst cap grade holds,
-- and on a tie the cap first in the seed's order is named.
-- Cap order when several could bite on overall: the worse cap wins; on a tie, 'leadership'
-- is named before 'inadequate_area' (the leadership grade is the more specific reason).
CREATE OR REPLACE TABLE gold.area_scores AS
WITH source AS (
    SELECT
        e.*,
        r.urn,
        r.round,
        r.filtering,
        r.pupil_survey_pct
    FROM silver.area_evidence AS e
    JOIN silver.returns AS r USING (return_id)
    WHERE r.is_current
),
policy_counts AS (
    SELECT
        return_id,
        count(*) FILTER (WHERE is_required AND status_at_completion IN ('overdue', 'missing'))
            AS policies_due
    FROM silver.policy_review_status
    GROUP BY return_id
),
policy_caps AS (
    SELECT p.return_id, max(CAST(c.cap_grade AS INTEGER)) AS cap_grade
    FROM policy_counts AS p
    JOIN seeds.policy_caps AS c ON p.policies_due >= c.min_policies
    GROUP BY p.return_id
),
standards_not_met AS (
    SELECT
        return_id,
        bool_or(standard = 2 AND status = 'not_met') AS review_not_met,
        bool_or(standard = 3 AND status = 'not_met') AS filtering_not_met
    FROM silver.return_fm_standards
    GROUP BY return_id
),
caps_raised AS (
    -- every cap that applies to a return's area, with its best grade
    SELECT s.return_id, 'provision' AS area, 'locked_down' AS cap,
        rules.locked_down_cap_grade AS cap_grade
    FROM source AS s CROSS JOIN silver.rules AS rules
    WHERE s.area = 'provision' AND s.filtering = 'locked_down'
    UNION ALL
    SELECT t.return_id, 'training', 'training_group_below_50', rules.training_group_cap_grade
    FROM silver.return_training AS t CROSS JOIN silver.rules AS rules
    WHERE t.groups_below > 0
    UNION ALL
    SELECT return_id, 'leadership', 'policy_overdue', cap_grade FROM policy_caps
    UNION ALL
    SELECT f.return_id, 'provision', 'fm_filtering_not_met', rules.fm_filtering_cap_grade
    FROM standards_not_met AS f CROSS JOIN silver.rules AS rules
    WHERE f.filtering_not_met
    UNION ALL
    SELECT f.return_id, 'leadership', 'fm_review_not_met', rules.fm_review_cap_grade
    FROM standards_not_met AS f CROSS JOIN silver.rules AS rules
    WHERE f.review_not_met
),
area_caps AS (
    SELECT
        c.return_id,
        c.area,
        max(c.cap_grade) AS cap_grade,
        arg_min(c.cap, c.cap_grade * -1000 + CAST(k.sort_order AS INTEGER)) AS cap_rule
    FROM caps_raised AS c
    JOIN seeds.caps AS k USING (cap)
    GROUP BY c.return_id, c.area
),
blended AS (
    -- the four areas other than overall: blends apply only to a sufficient indicator score
    SELECT
        s.return_id,
        s.urn,
        s.round,
        s.area,
        s.indicator_score_pct,
        s.insufficient_evidence,
        CASE
            WHEN s.insufficient_evidence THEN NULL
            WHEN s.area = 'outcomes' AND s.pupil_survey_pct IS NOT NULL
                THEN rules.outcomes_indicator_share * s.indicator_score_pct
                    + rules.outcomes_survey_share * s.pupil_survey_pct
            WHEN s.area = 'training' AND t.coverage_pct IS NOT NULL
                THEN rules.training_indicator_share * s.indicator_score_pct
                    + rules.training_coverage_share * t.coverage_pct
            ELSE s.indicator_score_pct
        END AS score_pct,
        ac.cap_grade,
        ac.cap_rule
    FROM source AS s
    CROSS JOIN silver.rules AS rules
    LEFT JOIN silver.return_training AS t USING (return_id)
    LEFT JOIN area_caps AS ac ON ac.return_id = s.return_id AND ac.area = s.area
    WHERE s.area <> 'overall'
),
graded AS (
    SELECT
        b.*,
        g.grade AS grade_uncapped,
        CASE WHEN g.grade IS NOT NULL THEN greatest(g.grade, coalesce(b.cap_grade, 0)) END
            AS grade,
        -- a cap is named only when it made the grade worse
        CASE WHEN b.cap_grade > g.grade THEN b.cap_rule END AS capped_by
    FROM blended AS b
    LEFT JOIN silver.grade_bands AS g
        ON b.score_pct >= g.min_score AND (g.upper_score IS NULL OR b.score_pct < g.upper_score)
),
area_results_by_return AS (
    SELECT
        return_id,
        max(score_pct) FILTER (WHERE area = 'outcomes') AS outcomes_score,
        max(score_pct) FILTER (WHERE area = 'provision') AS provision_score,
        max(score_pct) FILTER (WHERE area = 'leadership') AS leadership_score,
        max(score_pct) FILTER (WHERE area = 'training') AS training_score,
        max(grade) FILTER (WHERE area = 'leadership') AS leadership_grade,
        max(grade) AS worst_area_grade
    FROM graded
    GROUP BY return_id
),
overall_scored AS (
    SELECT
        s.return_id,
        s.urn,
        s.round,
        s.area,
        s.indicator_score_pct,
        f.leadership_grade,
        f.worst_area_grade,
        CASE WHEN NOT s.insufficient_evidence
                AND f.outcomes_score IS NOT NULL AND f.provision_score IS NOT NULL
                AND f.leadership_score IS NOT NULL AND f.training_score IS NOT NULL
            THEN rules.overall_areas_share
                    * (f.outcomes_score + f.provision_score + f.leadership_score
                        + f.training_score) / 4
                + rules.overall_ovr_share * s.indicator_score_pct
        END AS score_pct,
        CASE WHEN f.worst_area_grade >= rules.inadequate_grade
            THEN rules.inadequate_area_cap_grade END
            AS inadequate_cap
    FROM source AS s
    JOIN area_results_by_return AS f USING (return_id)
    CROSS JOIN silver.rules AS rules
    WHERE s.area = 'overall'
),
overall_graded AS (
    SELECT
        o.*,
        g.grade AS grade_uncapped,
        CASE WHEN g.grade IS NOT NULL THEN
            greatest(g.grade, coalesce(o.leadership_grade, 0), coalesce(o.inadequate_cap, 0))
        END AS grade
    FROM overall_scored AS o
    LEFT JOIN silver.grade_bands AS g
        ON o.score_pct >= g.min_score AND (g.upper_score IS NULL OR o.score_pct < g.upper_score)
),
unioned AS (
    SELECT
        return_id, urn, round, area, indicator_score_pct, score_pct IS NULL AS insufficient_evidence,
        score_pct, grade_uncapped, grade, capped_by, cap_grade
    FROM graded
    UNION ALL
    SELECT
        return_id, urn, round, area, indicator_score_pct, score_pct IS NULL,
        score_pct, grade_uncapped, grade,
        CASE
            -- insufficient evidence: no grade, so nothing capped it
            WHEN grade IS NULL THEN NULL
            WHEN grade = grade_uncapped THEN NULL
            WHEN grade = leadership_grade THEN 'leadership'
            ELSE 'inadequate_area'
        END,
        CAST(nullif(greatest(coalesce(leadership_grade, 0), coalesce(inadequate_cap, 0)), 0)
            AS INTEGER)
    FROM overall_graded
),
final AS (
    SELECT
        u.urn,
        u.round,
        u.area,
        u.score_pct,
        u.grade,
        coalesce(b.grade_label, blank.label) AS grade_label,
        u.capped_by,
        cap.label AS capped_by_label,
        u.return_id,
        u.round = ctx.current_round AS is_current_round,
        u.indicator_score_pct,
        u.grade_uncapped,
        u.insufficient_evidence,
        u.cap_grade,
        a.label AS area_label,
        a.sort_order AS area_order
    FROM unioned AS u
    JOIN seeds.areas AS a USING (area)
    LEFT JOIN silver.grade_bands AS b USING (grade)
    LEFT JOIN seeds.caps AS cap ON cap.cap = u.capped_by
    -- an area with no grade had too little evidence to grade
    CROSS JOIN (SELECT label FROM seeds.blank_labels WHERE blank = 'insufficient_evidence') AS blank
    CROSS JOIN silver.run_context AS ctx
)
SELECT * FROM final ORDER BY urn, round, area_order;
