-- one row per current return (one per school and round, every round) and county-wide theme
-- raised from it: the flags of kind 'theme' (training_gap, policy_overdue, locked_down,
-- fm_standard_partly, old_template).
-- gold.support_flags takes the current round's themes from here, so the worklist and the
-- county trend read one definition. policy_overdue: in the current round judged at the as-of
-- date (gold.policy_freshness); in earlier rounds at the return's completion date.
CREATE OR REPLACE TABLE gold.school_themes AS
WITH source AS (
    SELECT
        r.return_id, r.urn, r.round, r.filtering, r.return_version,
        r.round = ctx.current_round AS is_current_round
    FROM silver.returns AS r
    CROSS JOIN silver.run_context AS ctx
    WHERE r.is_current
),
training_gap AS (
    SELECT
        s.return_id,
        'training_gap' AS flag,
        concat_ws(
            '; ',
            CASE WHEN sc.grade >= rules.training_gap_grade
                THEN 'Training graded ' || sc.grade_label END,
            CASE WHEN t.groups_below > 0 THEN t.groups_below_text END
        ) AS reason
    FROM source AS s
    CROSS JOIN silver.rules AS rules
    LEFT JOIN gold.area_scores AS sc ON sc.return_id = s.return_id AND sc.area = 'training'
    LEFT JOIN silver.return_training AS t ON t.return_id = s.return_id
    WHERE sc.grade >= rules.training_gap_grade OR t.groups_below > 0
),
policy_now AS (
    SELECT
        s.return_id,
        'policy_overdue' AS flag,
        concat_ws(
            '; ',
            'Overdue: ' || string_agg(
                f.policy_label || ' (reviewed ' || f.days_since_review || ' days ago)',
                ', ' ORDER BY f.policy_order
            ) FILTER (WHERE f.status = 'overdue'),
            'Missing: ' || string_agg(f.policy_label, ', ' ORDER BY f.policy_order)
                FILTER (WHERE f.status = 'missing')
        ) AS reason
    FROM source AS s
    JOIN gold.policy_freshness AS f ON f.urn = s.urn
    WHERE s.is_current_round AND f.is_required AND f.status IN ('overdue', 'missing')
    GROUP BY s.return_id
),
policy_then AS (
    SELECT
        s.return_id,
        'policy_overdue' AS flag,
        'Overdue or missing when the return was completed: '
            || string_agg(pl.label, ', ' ORDER BY pl.sort_order) AS reason
    FROM source AS s
    JOIN silver.policy_review_status AS p ON p.return_id = s.return_id
    JOIN seeds.policies AS pl ON pl.policy = p.policy
    WHERE NOT s.is_current_round AND p.is_required
        AND p.status_at_completion IN ('overdue', 'missing')
    GROUP BY s.return_id
),
locked_down AS (
    SELECT return_id, 'locked_down' AS flag, 'Filtering approach is Locked down' AS reason
    FROM source
    WHERE filtering = 'locked_down'
),
fm_standard_partly AS (
    -- no standard not met and at least one partly: one row whatever the number of standards
    SELECT
        s.return_id,
        'fm_standard_partly' AS flag,
        'Partly met: ' || string_agg(
            st.label || ' (' || regexp_replace(f.detail, '^[^:]*: ', '') || ')', '; '
            ORDER BY f.standard
        ) FILTER (WHERE f.status = 'partly') AS reason
    FROM source AS s
    JOIN silver.return_fm_standards AS f USING (return_id)
    JOIN seeds.fm_standards AS st ON CAST(st.standard AS INTEGER) = f.standard
    GROUP BY s.return_id
    HAVING count(*) FILTER (WHERE f.status = 'not_met') = 0
        AND count(*) FILTER (WHERE f.status = 'partly') > 0
),
expected_versions AS (
    -- per round, the newest return version expected by then (seeds.return_versions)
    SELECT s.return_id, max(CAST(v.version AS INTEGER)) AS expected_version
    FROM source AS s
    JOIN seeds.return_versions AS v ON s.round >= v.expected_from_round
    GROUP BY s.return_id
),
old_template AS (
    SELECT s.return_id, 'old_template' AS flag, m.text AS reason
    FROM source AS s
    JOIN expected_versions AS e USING (return_id)
    CROSS JOIN (SELECT text FROM seeds.v2_messages WHERE message = 'old_template') AS m
    WHERE s.return_version < e.expected_version
),
raised AS (
    SELECT * FROM training_gap
    UNION ALL SELECT * FROM policy_now
    UNION ALL SELECT * FROM policy_then
    UNION ALL SELECT * FROM locked_down
    UNION ALL SELECT * FROM fm_standard_partly
    UNION ALL SELECT * FROM old_template
),
final AS (
    SELECT
        s.urn,
        s.round,
        r.flag,
        r.reason,
        s.return_id,
        s.is_current_round,
        f.label AS flag_label,
        f.county_action,
        f.sort_order AS flag_order
    FROM raised AS r
    JOIN source AS s USING (return_id)
    JOIN seeds.flags AS f USING (flag)
    WHERE f.kind = 'theme'
)
SELECT * FROM final ORDER BY round, urn, flag_order;
