-- one row per open school and flag raised in the current round
-- Revision 1.1 of the rules: every flag has a kind (concern / theme) and a weight (seeds.flags);
-- no_return waits for the round's deadline; priority counts concerns, not flags.
CREATE OR REPLACE TABLE gold.support_flags AS
WITH source AS (
    -- the current return in the current round of every open school that made one
    SELECT r.*
    FROM silver.returns AS r
    JOIN silver.schools AS s USING (urn)
    CROSS JOIN silver.run_context AS ctx
    WHERE r.is_current AND r.round = ctx.current_round AND s.is_open
),
scores AS (
    SELECT a.*
    FROM gold.area_scores AS a
    JOIN source AS s USING (return_id)
),
inadequate_area AS (
    SELECT
        sc.urn,
        'inadequate_area' AS flag,
        'Graded Inadequate: ' || string_agg(sc.area_label, ', ' ORDER BY sc.area_order) AS reason
    FROM scores AS sc
    CROSS JOIN silver.rules AS rules
    WHERE sc.grade >= rules.inadequate_grade
    GROUP BY sc.urn
),
themes AS (
    -- training_gap, policy_overdue, locked_down: one definition in gold.school_themes
    SELECT t.urn, t.flag, t.reason
    FROM gold.school_themes AS t
    JOIN source AS s USING (return_id)
),
offsite_unprotected AS (
    SELECT
        s.urn,
        'offsite_unprotected' AS flag,
        -- the statement itself, never its code: officers and schools read this
        s.pupils_offsite || CASE WHEN s.pupils_offsite = 1 THEN ' pupil' ELSE ' pupils' END
            || ' taught off-site; "' || i.statement || '": '
            || coalesce(l.label, 'no response') AS reason
    FROM source AS s
    JOIN silver.responses AS p ON p.return_id = s.return_id AND p.indicator_id = 'PRO4'
    JOIN seeds.indicators AS i ON i.indicator_id = p.indicator_id
    LEFT JOIN seeds.response_labels AS l ON l.response = p.response
    WHERE s.pupils_offsite > 0 AND p.response IS DISTINCT FROM 'fully'
),
incidents_not_logged AS (
    SELECT
        s.urn,
        'incidents_not_logged' AS flag,
        '"' || i.statement || '": ' || l.label AS reason
    FROM source AS s
    JOIN silver.responses AS p ON p.return_id = s.return_id AND p.indicator_id = 'LEA4'
    JOIN seeds.indicators AS i ON i.indicator_id = p.indicator_id
    JOIN seeds.response_labels AS l ON l.response = p.response
    WHERE p.response = 'not'
),
fm_standard_not_met AS (
    -- one row per school whatever the number of standards not met; the reason names them
    SELECT
        s.urn,
        'fm_standard_not_met' AS flag,
        'Not met: ' || string_agg(
            st.label || ' (' || regexp_replace(f.detail, '^[^:]*: ', '') || ')', '; '
            ORDER BY f.standard
        ) AS reason
    FROM source AS s
    JOIN silver.return_fm_standards AS f USING (return_id)
    JOIN seeds.fm_standards AS st ON CAST(st.standard AS INTEGER) = f.standard
    WHERE f.status = 'not_met'
    GROUP BY s.urn
),
declining AS (
    SELECT
        sc.urn,
        'declining' AS flag,
        'Overall graded ' || sc.grade_label || ' in ' || sc.round || ', down from '
            || e.grade_label || ' in ' || e.round AS reason
    FROM scores AS sc
    JOIN gold.previous_grades AS e USING (urn)
    WHERE sc.area = 'overall' AND sc.grade > e.grade
),
no_return AS (
    -- missing in the current round (gold.returns_status: its deadline has passed; before it
    -- the school is awaiting its return, on the chase list), and also in the previous round
    -- when that round was collected at all
    SELECT
        cur.urn,
        'no_return' AS flag,
        'No return for ' || cur.round
            || CASE WHEN prev.status = 'missing' THEN ' nor for ' || prev.round ELSE '' END
            AS reason,
        coalesce(prev.status = 'missing', false) AS two_rounds_running
    FROM gold.returns_status AS cur
    JOIN silver.schools AS s USING (urn)
    CROSS JOIN silver.run_context AS ctx
    LEFT JOIN gold.returns_status AS prev
        ON prev.urn = cur.urn AND prev.round = ctx.previous_round
    WHERE cur.round = ctx.current_round AND cur.status = 'missing' AND s.is_open
),
raised AS (
    SELECT urn, flag, reason, false AS two_rounds_running FROM inadequate_area
    UNION ALL SELECT urn, flag, reason, false FROM themes
    UNION ALL SELECT urn, flag, reason, false FROM offsite_unprotected
    UNION ALL SELECT urn, flag, reason, false FROM incidents_not_logged
    UNION ALL SELECT urn, flag, reason, false FROM declining
    UNION ALL SELECT urn, flag, reason, false FROM fm_standard_not_met
    UNION ALL SELECT urn, flag, reason, two_rounds_running FROM no_return
),
per_school AS (
    SELECT
        r.urn,
        count(*) AS flag_count,
        count(*) FILTER (WHERE f.kind = 'concern') AS concern_count,
        count(*) FILTER (WHERE f.kind = 'theme') AS theme_count,
        CAST(sum(CAST(f.weight AS INTEGER)) AS INTEGER) AS support_score,
        bool_or(CAST(f.forces_high_priority AS BOOLEAN)) AS forces_high,
        bool_or(r.two_rounds_running) AS two_rounds_running
    FROM raised AS r
    JOIN seeds.flags AS f USING (flag)
    GROUP BY r.urn
),
prioritised AS (
    SELECT
        p.*,
        CASE
            WHEN p.forces_high OR p.two_rounds_running
                OR p.concern_count >= rules.priority_high_concerns THEN 'high'
            WHEN p.concern_count >= rules.priority_medium_concerns THEN 'medium'
            ELSE 'low'
        END AS priority
    FROM per_school AS p
    CROSS JOIN silver.rules AS rules
),
final AS (
    SELECT
        r.urn,
        ctx.current_round AS round,
        r.flag,
        f.kind,
        r.reason AS detail,
        p.priority,
        p.support_score,
        f.label AS flag_label,
        r.reason,
        f.suggested_action,
        p.flag_count,
        CAST(p.concern_count AS INTEGER) AS concern_count,
        CAST(p.theme_count AS INTEGER) AS theme_count,
        CAST(f.weight AS INTEGER) AS weight,
        f.sort_order AS flag_order,
        pr.label AS priority_label,
        pr.sort_order AS priority_order,
        k.label AS kind_label
    FROM raised AS r
    JOIN prioritised AS p USING (urn)
    JOIN seeds.flags AS f USING (flag)
    JOIN seeds.priorities AS pr ON pr.priority = p.priority
    LEFT JOIN seeds.flag_kinds AS k ON k.kind = f.kind
    CROSS JOIN silver.run_context AS ctx
)
SELECT * FROM final ORDER BY urn, flag_order;
