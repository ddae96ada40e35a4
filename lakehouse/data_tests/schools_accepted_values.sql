-- settings, return statuses, priorities and freshness take only their documented values
SELECT urn, setting, return_status, priority, freshness_worst
FROM gold.school_overview
WHERE setting NOT IN (SELECT setting FROM seeds.setting_rules UNION SELECT 'Other')
    OR return_status NOT IN ('received', 'late', 'awaiting', 'missing', 'not_expected')
    OR priority NOT IN ('high', 'medium', 'low')
    OR freshness_worst NOT IN (SELECT status FROM seeds.freshness_status)
    OR flag_count IS NULL
    OR (flag_count = 0) <> (priority IS NULL)
