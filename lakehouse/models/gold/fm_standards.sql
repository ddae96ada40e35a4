-- one row per current return (one per school and round, every round) and DfE filtering and
-- monitoring standard: four rows for every current return, a version 1 return's all 'unknown'
CREATE OR REPLACE TABLE gold.fm_standards AS
WITH source AS (
    SELECT
        r.return_id, r.urn, r.round, r.return_version, r.completed_on, r.filtering,
        sch.setting, sch.district
    FROM silver.returns AS r
    JOIN silver.schools AS sch USING (urn)
    WHERE r.is_current
),
final AS (
    SELECT
        s.urn,
        s.round,
        f.standard,
        f.status,
        f.detail,
        s.return_id,
        s.return_version,
        s.completed_on,
        st.label AS standard_label,
        fs.label AS status_label,
        CAST(fs.sort_order AS INTEGER) AS status_order,
        f.reviewed_on,
        f.next_review_due,
        s.round = ctx.current_round AS is_current_round,
        s.setting,
        s.district,
        s.filtering
    FROM source AS s
    JOIN silver.return_fm_standards AS f USING (return_id)
    JOIN seeds.fm_standards AS st ON CAST(st.standard AS INTEGER) = f.standard
    JOIN seeds.fm_statuses AS fs ON fs.status = f.status
    CROSS JOIN silver.run_context AS ctx
)
SELECT * FROM final ORDER BY urn, round, standard;
