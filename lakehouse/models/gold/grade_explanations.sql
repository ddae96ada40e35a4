-- one row per current return (every round) and area: how the grade was reached, in words
-- the score, the band the score alone falls in, any cap that made the grade worse (its label
-- and meaning from seeds/caps.csv with the rule numbers filled in, and the school's own fact
-- behind it), and the statements that cost points; the profile page and the governor report
-- both read these rows
CREATE OR REPLACE TABLE gold.grade_explanations AS
WITH source AS (
    SELECT * FROM gold.area_scores
),
phrases AS (
    SELECT
        max(text) FILTER (WHERE key = 'band_sentence') AS band_sentence,
        max(text) FILTER (WHERE key = 'capped_sentence') AS capped_sentence,
        max(text) FILTER (WHERE key = 'insufficient_sentence') AS insufficient_sentence,
        max(text) FILTER (WHERE key = 'band_range') AS band_range,
        max(text) FILTER (WHERE key = 'band_range_top') AS band_range_top,
        max(text) FILTER (WHERE key = 'area_graded') AS area_graded
    FROM seeds.report_text
),
bands AS (
    SELECT
        b.grade,
        b.grade_label,
        CASE WHEN b.upper_score IS NULL
            THEN replace(p.band_range_top, '{min}', printf('%g', b.min_score))
            ELSE replace(
                replace(p.band_range, '{min}', printf('%g', b.min_score)),
                '{upper}', printf('%g', b.upper_score)
            )
        END AS band_range
    FROM silver.grade_bands AS b
    CROSS JOIN phrases AS p
),
rule_words AS (
    -- a rule number as a reader wants it: a grade by its label, a percentage with its sign
    SELECT
        'rule ' || r.rule AS token,
        CASE
            WHEN r.rule LIKE '%\_grade' ESCAPE '\' THEN coalesce(b.grade_label, printf('%g', CAST(r.value AS DOUBLE)))
            WHEN r.rule LIKE '%\_pct' ESCAPE '\' THEN printf('%g', CAST(r.value AS DOUBLE)) || '%'
            WHEN r.rule LIKE '%\_share' ESCAPE '\'
                THEN printf('%g', 100 * CAST(r.value AS DOUBLE)) || '%'
            ELSE printf('%g', CAST(r.value AS DOUBLE))
        END AS words
    FROM seeds.rules AS r
    LEFT JOIN silver.grade_bands AS b
        ON r.rule LIKE '%\_grade' ESCAPE '\' AND b.grade = TRY_CAST(r.value AS DOUBLE)
),
caps AS (
    SELECT
        c.cap,
        c.label AS cap_label,
        -- longest names first, so a rule whose name starts another's is never half replaced
        list_reduce(
            (SELECT list({'token': token, 'words': words} ORDER BY length(token) DESC)
                FROM rule_words),
            lambda acc, x: replace(acc, x.token, x.words),
            c.description
        ) AS cap_meaning
    FROM seeds.caps AS c
),
area_grades AS (
    SELECT
        s.return_id,
        string_agg(
            replace(replace(p.area_graded, '{area}', s.area_label), '{grade}', s.grade_label),
            ', ' ORDER BY s.area_order
        ) FILTER (WHERE s.area <> 'overall' AND s.grade >= rules.inadequate_grade)
            AS inadequate_areas,
        max(replace(replace(p.area_graded, '{area}', s.area_label), '{grade}', s.grade_label))
            FILTER (WHERE s.area = 'leadership') AS leadership_grade
    FROM source AS s
    CROSS JOIN phrases AS p
    CROSS JOIN silver.rules AS rules
    GROUP BY s.return_id
),
policies_due AS (
    SELECT
        p.return_id,
        count(*) AS policies_due,
        string_agg(pol.label, ', ' ORDER BY pol.sort_order) AS policies_due_text
    FROM silver.policy_review_status AS p
    JOIN seeds.policies AS pol USING (policy)
    WHERE p.is_required AND p.status_at_completion IN ('overdue', 'missing')
    GROUP BY p.return_id
),
lost AS (
    SELECT
        return_id,
        area,
        count(*) AS statements_lost,
        sum(points_lost) AS points_lost
    FROM gold.statements_lost
    GROUP BY return_id, area
),
facts AS (
    -- the school's own fact behind the cap that bit
    SELECT
        s.return_id,
        s.area,
        CASE s.capped_by
            WHEN 'training_group_below_50' THEN t.groups_below_text
            WHEN 'policy_overdue' THEN pd.policies_due_text
            WHEN 'leadership' THEN ag.leadership_grade
            WHEN 'inadequate_area' THEN ag.inadequate_areas
            WHEN 'fm_filtering_not_met' THEN fm3.detail
            WHEN 'fm_review_not_met' THEN fm2.detail
        END AS cap_fact
    FROM source AS s
    LEFT JOIN silver.return_training AS t USING (return_id)
    LEFT JOIN policies_due AS pd USING (return_id)
    LEFT JOIN area_grades AS ag USING (return_id)
    LEFT JOIN silver.return_fm_standards AS fm2 ON fm2.return_id = s.return_id AND fm2.standard = 2
    LEFT JOIN silver.return_fm_standards AS fm3 ON fm3.return_id = s.return_id AND fm3.standard = 3
),
worded AS (
    SELECT
        s.urn,
        s.round,
        s.return_id,
        s.is_current_round,
        s.area,
        s.area_label,
        s.area_order,
        s.score_pct,
        CAST(floor(s.score_pct + 0.5) AS INTEGER) || '%' AS score_text,
        s.grade_uncapped AS band_grade,
        b.grade_label AS band_label,
        b.band_range,
        s.grade,
        s.grade_label,
        s.capped_by,
        c.cap_label,
        c.cap_meaning,
        f.cap_fact,
        coalesce(l.statements_lost, 0) AS statements_lost,
        coalesce(l.points_lost, 0) AS points_lost,
        p.*
    FROM source AS s
    CROSS JOIN phrases AS p
    LEFT JOIN bands AS b ON b.grade = s.grade_uncapped
    LEFT JOIN caps AS c ON c.cap = s.capped_by
    LEFT JOIN facts AS f USING (return_id, area)
    LEFT JOIN lost AS l USING (return_id, area)
),
final AS (
    SELECT
        urn, round, return_id, is_current_round, area, area_label, area_order,
        score_pct, score_text, band_grade, band_label, band_range, grade, grade_label,
        capped_by, cap_label, cap_meaning, cap_fact, statements_lost, points_lost,
        CASE
            WHEN score_pct IS NULL THEN replace(
                insufficient_sentence, '{share}',
                (SELECT printf('%g', 100 * min_answered_share) || '%' FROM silver.rules)
            )
            WHEN capped_by IS NOT NULL THEN replace(replace(replace(replace(replace(
                capped_sentence,
                '{score}', score_text),
                '{band}', band_label),
                '{grade}', grade_label),
                '{cap}', cap_label),
                -- the meaning reads on from a colon: its first letter in lower case
                '{reason}',
                lower(left(cap_meaning, 1)) || substr(cap_meaning, 2)
                    || coalesce(' (' || cap_fact || ')', ''))
            ELSE replace(replace(replace(
                band_sentence,
                '{score}', score_text),
                '{band}', band_label),
                '{range}', band_range)
        END AS explanation
    FROM worded
)
SELECT * FROM final ORDER BY urn, round, area_order;
