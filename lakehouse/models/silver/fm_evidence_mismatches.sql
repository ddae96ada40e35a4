-- one row per version 2 return with the sheet and statement answered 'fully' whose paired
-- standards check (seeds.fm_evidence_pairs) falls short: self-review and evidence disagree.
-- A statement paired with two checks (FML1) disagrees when either falls short. No row for a
-- return without the sheet: the warning on its Return version cell says so once.
CREATE OR REPLACE TABLE silver.fm_evidence_mismatches AS
WITH source AS (
    SELECT r.return_id, r.sha256, r.file_name, r.ingested_at
    FROM silver.returns AS r
    WHERE r.return_version >= 2 AND r.fm_sheet
),
pairs AS (
    SELECT
        s.return_id,
        p.indicator_id,
        c.check_key,
        c.in_place,
        c.short,
        c.check_order
    FROM source AS s
    JOIN silver.fm_checks AS c USING (return_id)
    JOIN seeds.fm_evidence_pairs AS p USING (check_key)
),
final AS (
    SELECT
        s.return_id,
        p.indicator_id,
        r.location,
        string_agg(p.check_key, ',' ORDER BY p.check_order) AS check_keys,
        string_agg(p.short, '; ' ORDER BY p.check_order) AS shortfalls,
        s.sha256,
        s.file_name,
        s.ingested_at
    FROM pairs AS p
    JOIN source AS s USING (return_id)
    JOIN silver.responses AS r
        ON r.return_id = p.return_id AND r.indicator_id = p.indicator_id
    WHERE r.response = 'fully' AND NOT p.in_place
    GROUP BY s.return_id, p.indicator_id, r.location, s.sha256, s.file_name, s.ingested_at
)
SELECT * FROM final;
