-- one row per school in the register: whom a chase goes to, how, and where to post it
CREATE OR REPLACE TABLE gold.school_contacts AS
WITH ranked AS (
    -- the contact to chase: one with an e-mail first, then by the role's chase order
    SELECT
        c.*,
        row_number() OVER (
            PARTITION BY c.urn
            ORDER BY c.email IS NULL, c.chase_order, c.source_row
        ) AS pick,
        count(*) OVER (PARTITION BY c.urn) AS contacts
    FROM silver.contacts AS c
),
chosen AS (
    SELECT * FROM ranked WHERE pick = 1
),
titles AS (
    -- a name written with its title ("Mrs Jane Smith") is greeted by title and surname
    SELECT
        urn,
        regexp_extract(name, '^(Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Rev|Revd|Sir|Dame)\.?\s', 1)
            AS title,
        regexp_extract(name, '(\S+)$', 1) AS surname
    FROM chosen
)
SELECT
    s.urn,
    s.name AS school,
    s.district,
    s.setting,
    s.is_open,
    s.expected_to_return,
    c.name AS contact_name,
    c.role AS contact_role,
    c.role_label AS contact_role_label,
    c.email,
    -- the contact's own number, else the school's from the register
    coalesce(c.telephone, s.telephone) AS telephone,
    coalesce(c.contacts, 0)::INTEGER AS contacts,
    s.head_name,
    CASE
        WHEN c.name IS NOT NULL AND t.title <> '' THEN 'Dear ' || t.title || ' ' || t.surname
        WHEN c.name IS NOT NULL THEN 'Dear ' || c.name
        WHEN s.head_title IS NOT NULL AND s.head_last_name IS NOT NULL
            THEN 'Dear ' || s.head_title || ' ' || s.head_last_name
        ELSE coalesce(c.role_salutation, head_role.salutation)
    END AS salutation,
    s.street,
    s.locality,
    s.address3,
    s.town,
    s.county,
    s.postcode,
    s.website,
    c.email IS NOT NULL AS has_email,
    c.email IS NOT NULL OR coalesce(c.telephone, s.telephone) IS NOT NULL AS has_contact
FROM silver.schools AS s
LEFT JOIN chosen AS c USING (urn)
LEFT JOIN titles AS t USING (urn)
LEFT JOIN (SELECT salutation FROM seeds.contact_roles WHERE role = 'head') AS head_role ON true
ORDER BY s.urn;
