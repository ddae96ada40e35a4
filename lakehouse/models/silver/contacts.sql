-- one row per person on the council's latest contact list (python -m ingest contacts)
CREATE OR REPLACE TABLE silver.contacts AS
WITH latest_load AS (
    -- a list is loaded whole: the newest file replaces the ones before it
    SELECT source_sha256
    FROM bronze.contacts
    ORDER BY loaded_at DESC, source_sha256 DESC
    LIMIT 1
),
source AS (
    SELECT c.*
    FROM bronze.contacts AS c
    JOIN latest_load USING (source_sha256)
),
typed AS (
    SELECT
        s.urn,
        s.role,
        coalesce(r.label, s.role) AS role_label,
        -- roles the council does not list come after the listed ones
        coalesce(r.chase_order, 1000) AS chase_order,
        r.salutation AS role_salutation,
        nullif(trim(s.name), '') AS name,
        nullif(lower(trim(s.email)), '') AS email,
        nullif(trim(s.telephone), '') AS telephone,
        s.source_row,
        s.source_file,
        s.loaded_at
    FROM source AS s
    LEFT JOIN seeds.contact_roles AS r ON r.role = s.role
)
SELECT * FROM typed ORDER BY urn, chase_order, source_row;
