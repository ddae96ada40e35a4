-- one row per school in the register
CREATE OR REPLACE TABLE gold.school_overview AS
WITH source AS (
    SELECT * FROM silver.schools
),
current_returns AS (
    SELECT r.*
    FROM silver.returns AS r
    CROSS JOIN silver.run_context AS ctx
    WHERE r.is_current AND r.round = ctx.current_round
),
flags AS (
    SELECT
        urn,
        count(*) AS flag_count,
        string_agg(flag, ',' ORDER BY flag_order) AS flags,
        any_value(priority) AS priority,
        any_value(priority_label) AS priority_label,
        any_value(priority_order) AS priority_order,
        any_value(support_score) AS support_score,
        any_value(concern_count) AS concern_count,
        any_value(theme_count) AS theme_count
    FROM gold.support_flags
    GROUP BY urn
),
freshness AS (
    SELECT
        urn,
        count(*) FILTER (WHERE is_required AND status IN ('overdue', 'missing'))
            AS policies_overdue_or_missing,
        arg_max(status, status_order) FILTER (WHERE is_required) AS freshness_worst
    FROM gold.policy_freshness
    GROUP BY urn
),
final AS (
    SELECT
        s.urn,
        s.name,
        s.setting,
        s.district,
        s.district_code,
        s.lat,
        s.lon,
        s.postcode,
        s.pupils,
        s.is_open,
        s.is_independent,
        s.expected_to_return,
        ctx.current_round,
        -- one definition of a return's status: gold.returns_status (not expected: no row)
        coalesce(rs.status, 'not_expected') AS return_status,
        c.return_id,
        c.completed_on,
        c.filtering,
        sr.return_version,
        sr.grade_overall,
        sr.grade_outcomes,
        sr.grade_provision,
        sr.grade_leadership,
        sr.grade_training,
        sr.score_overall,
        sr.score_outcomes,
        sr.score_provision,
        sr.score_leadership,
        sr.score_training,
        e.grade AS previous_grade_overall,
        coalesce(f.flag_count, 0) AS flag_count,
        coalesce(f.flags, '') AS flags,
        f.priority,
        f.priority_label,
        f.priority_order,
        coalesce(f.support_score, 0) AS support_score,
        coalesce(f.concern_count, 0) AS concern_count,
        coalesce(f.theme_count, 0) AS theme_count,
        -- "need support": a concern (high or medium priority); a school with themes only is
        -- met by the county-wide offer and counted apart
        coalesce(f.concern_count, 0) > 0 AS needs_support,
        CAST(coalesce(fr.policies_overdue_or_missing, 0) AS INTEGER)
            AS policies_overdue_or_missing,
        fr.freshness_worst,
        t.min_group_pct AS min_staff_coverage_pct,
        t.coverage_pct AS staff_coverage_pct,
        s.phase,
        s.establishment_type,
        s.status,
        s.la_name,
        s.head_name,
        s.head_first_name,
        s.head_last_name,
        s.head_title,
        s.telephone,
        s.website,
        s.trust,
        s.ofsted_rating,
        s.ofsted_last_inspection
    FROM source AS s
    CROSS JOIN silver.run_context AS ctx
    LEFT JOIN current_returns AS c USING (urn)
    LEFT JOIN gold.returns_status AS rs ON rs.urn = s.urn AND rs.round = ctx.current_round
    LEFT JOIN gold.school_rounds AS sr ON sr.return_id = c.return_id
    LEFT JOIN gold.previous_grades AS e ON e.urn = s.urn
    LEFT JOIN flags AS f ON f.urn = s.urn
    LEFT JOIN freshness AS fr ON fr.urn = s.urn
    LEFT JOIN silver.return_training AS t ON t.return_id = c.return_id
),
ranked AS (
    -- the support worklist's order (rules revision 1.1): priority, then support_score highest
    -- first, then overall score lowest first (no score, i.e. no return, first); urn breaks ties
    SELECT
        final.*,
        CASE WHEN final.flag_count > 0 THEN row_number() OVER (
            PARTITION BY final.flag_count > 0
            ORDER BY final.priority_order, final.support_score DESC,
                final.score_overall ASC NULLS FIRST, final.urn
        ) END AS support_rank
    FROM final
),
capacity AS (
    -- the schools the team can take on this round: the top of the worklist (rule
    -- casework_capacity)
    SELECT r.*, coalesce(r.support_rank <= rules.casework_capacity, false) AS within_capacity
    FROM ranked AS r
    CROSS JOIN silver.rules AS rules
),
labelled AS (
    -- the words pages show, joined from the vocabulary seeds (codes stay beside them)
    SELECT
        r.*,
        rs.label AS return_status_label,
        fa.label AS filtering_label,
        fs.label AS freshness_worst_label,
        CASE
            WHEN r.return_id IS NULL THEN (SELECT label FROM seeds.blank_labels
                                           WHERE blank = 'no_return')
            ELSE coalesce(gb.label, (SELECT label FROM seeds.blank_labels
                                     WHERE blank = 'insufficient_evidence'))
        END AS grade_overall_label
    FROM capacity AS r
    LEFT JOIN seeds.return_statuses AS rs ON rs.status = r.return_status
    LEFT JOIN seeds.filtering_approaches AS fa ON fa.filtering = r.filtering
    LEFT JOIN seeds.freshness_status AS fs ON fs.status = r.freshness_worst
    LEFT JOIN seeds.grade_bands AS gb ON gb.grade = r.grade_overall
)
SELECT * FROM labelled ORDER BY urn;
