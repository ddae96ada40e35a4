-- one row per person on the council's latest contact list, with the school it names
CREATE OR REPLACE TABLE gold.contact_list AS
SELECT
    c.urn,
    s.name AS school,
    s.district,
    c.role,
    c.role_label,
    c.name,
    c.email,
    c.telephone,
    s.urn IS NOT NULL AS in_register,
    coalesce(s.is_open, false) AS is_open,
    -- the person a chase goes to (gold.school_contacts picks one per school)
    (sc.email IS NOT DISTINCT FROM c.email AND sc.contact_name IS NOT DISTINCT FROM c.name
        AND sc.contact_role IS NOT DISTINCT FROM c.role) AS is_chase_contact,
    c.source_file,
    c.source_row
FROM silver.contacts AS c
LEFT JOIN silver.schools AS s USING (urn)
LEFT JOIN gold.school_contacts AS sc USING (urn)
ORDER BY s.name NULLS FIRST, c.urn, c.chase_order, c.source_row;
