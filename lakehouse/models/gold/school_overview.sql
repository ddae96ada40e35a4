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
earlier AS (
    SELECT a.urn, arg_max(a.grade, a.round) AS previous_grade_overall
    FROM gold.area_scores AS a
    CROSS JOIN silver.run_context AS ctx
    WHERE a.area = 'overall' AND a.grade IS NOT NULL AND a.round < ctx.current_round
    GROUP BY a.urn
),
flags AS (
    SELECT
        urn,
        count(*) AS flag_count,
        string_agg(flag, ',' ORDER BY flag_order) AS flags,
        any_value(priority) AS priority
    FROM gold.support_flags
    GROUP BY urn
),
freshness AS (
    SELECT
        urn,
        count(*) FILTER (WHERE status IN ('overdue', 'missing')) AS policies_overdue_or_missing,
        arg_max(status, status_order) AS freshness_worst
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
        CASE
            WHEN c.return_id IS NOT NULL AND c.completed_on > rd.deadline THEN 'late'
            WHEN c.return_id IS NOT NULL THEN 'received'
            WHEN ctx.current_round IS NOT NULL AND s.expected_to_return THEN 'missing'
            ELSE 'not_expected'
        END AS return_status,
        c.return_id,
        c.completed_on,
        c.filtering,
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
        e.previous_grade_overall,
        coalesce(f.flag_count, 0) AS flag_count,
        coalesce(f.flags, '') AS flags,
        f.priority,
        CAST(coalesce(fr.policies_overdue_or_missing, 0) AS INTEGER)
            AS policies_overdue_or_missing,
        fr.freshness_worst,
        t.min_group_pct AS min_staff_coverage_pct,
        t.coverage_pct AS staff_coverage_pct,
        s.phase,
        s.establishment_type,
        s.status,
        s.la_name
    FROM source AS s
    CROSS JOIN silver.run_context AS ctx
    LEFT JOIN current_returns AS c USING (urn)
    LEFT JOIN gold.rounds AS rd ON rd.round = ctx.current_round
    LEFT JOIN gold.school_rounds AS sr ON sr.return_id = c.return_id
    LEFT JOIN earlier AS e ON e.urn = s.urn
    LEFT JOIN flags AS f ON f.urn = s.urn
    LEFT JOIN freshness AS fr ON fr.urn = s.urn
    LEFT JOIN silver.return_training AS t ON t.return_id = c.return_id
)
SELECT * FROM final ORDER BY urn;
