-- one row per school (URN) ever seen in the register: its latest register row
CREATE OR REPLACE TABLE silver.schools AS
WITH source AS (
    SELECT * FROM bronze.register
),
ranked AS (
    SELECT
        *,
        row_number() OVER (
            PARTITION BY urn ORDER BY loaded_at DESC, source_sha256 DESC
        ) AS recency,
        max(loaded_at) OVER (PARTITION BY urn) AS last_seen_in_register
    FROM source
),
latest AS (
    SELECT * FROM ranked WHERE recency = 1
),
setting_match AS (
    -- the first setting rule (by rule_order) whose non-blank patterns all match
    SELECT
        l.urn,
        arg_min(r.setting, r.rule_order) AS setting
    FROM latest AS l
    JOIN seeds.setting_rules AS r
        ON (coalesce(r.phase_like, '') = '' OR l.phase ILIKE r.phase_like)
        AND (coalesce(r.type_like, '') = '' OR l.establishment_type ILIKE r.type_like)
    GROUP BY l.urn
),
independence AS (
    SELECT DISTINCT l.urn
    FROM latest AS l
    JOIN seeds.independence_rules AS r
        ON (r.field = 'type_group' AND l.type_group ILIKE r.pattern)
        OR (r.field = 'establishment_type' AND l.establishment_type ILIKE r.pattern)
),
latest_rows AS (
    SELECT
        l.urn,
        l.name,
        coalesce(s.setting, 'Other') AS setting,
        l.district,
        l.district_code,
        l.la_name,
        l.phase,
        l.establishment_type,
        l.type_group,
        l.status,
        l.postcode,
        l.easting,
        l.northing,
        l.lat,
        l.lon,
        l.pupils,
        l.has_type_column,
        -- unknown statuses count as open: better to chase a return than miss a school
        coalesce(o.is_open, true) AS is_open,
        i.urn IS NOT NULL AS is_independent,
        l.last_seen_in_register,
        l.source_file,
        l.source_sha256,
        -- contact and context from a full GIAS extract (null when absent)
        nullif(concat_ws(' ', l.head_title, l.head_first_name, l.head_last_name), '')
            AS head_name,
        l.head_title,
        l.head_first_name,
        l.head_last_name,
        l.telephone,
        l.website,
        l.street,
        l.locality,
        l.address3,
        l.town,
        l.county,
        l.trust,
        l.ofsted_rating,
        coalesce(
            try_strptime(l.ofsted_last_inspection, '%d-%m-%Y'),
            try_strptime(l.ofsted_last_inspection, '%d/%m/%Y'),
            try_strptime(l.ofsted_last_inspection, '%Y-%m-%d')
        )::DATE AS ofsted_last_inspection
    FROM latest AS l
    LEFT JOIN setting_match AS s USING (urn)
    LEFT JOIN independence AS i USING (urn)
    LEFT JOIN seeds.open_status_rules AS o ON lower(trim(l.status)) = lower(trim(o.status))
),
final AS (
    SELECT
        *,
        -- without a type column the register cannot show independence: all open are expected
        is_open AND (NOT has_type_column OR NOT is_independent) AS expected_to_return
    FROM latest_rows
)
SELECT * FROM final ORDER BY urn;
