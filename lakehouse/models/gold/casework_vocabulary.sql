-- one row per code of a casework vocabulary (seeds support_types, action_statuses, reminder_methods)
-- The words for the codes officers record in the casework store, so the pages and exports that
-- show the store's records name them from the built database like every other label.
CREATE OR REPLACE TABLE gold.casework_vocabulary AS
WITH source AS (
    SELECT 'support_type' AS vocabulary, t.type AS code, t.label, t.sort_order
    FROM seeds.support_types AS t
    UNION ALL
    SELECT 'action_status', s.status, s.label, s.sort_order
    FROM seeds.action_statuses AS s
    UNION ALL
    SELECT 'reminder_method', m.method, m.label, m.sort_order
    FROM seeds.reminder_methods AS m
)
SELECT vocabulary, code, label, sort_order FROM source ORDER BY vocabulary, sort_order;
