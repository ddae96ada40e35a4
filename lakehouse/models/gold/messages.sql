-- one row per row of bronze.messages, and per self-review statement whose evidence disagrees
-- (silver.fm_evidence_mismatches: a warning on the statement's response cell); each message
-- also with the statement quoted beside every indicator code in it, as the Returns page
-- shows it (the words of the seeds the database was built with)
CREATE OR REPLACE TABLE gold.messages AS
WITH source AS (
    SELECT * FROM bronze.messages
    UNION ALL BY NAME
    SELECT
        m.sha256,
        m.file_name,
        'warning' AS severity,
        m.location,
        m.indicator_id || ': ' || t.text || ' (' || m.shortfalls || ')' AS message,
        m.ingested_at
    FROM silver.fm_evidence_mismatches AS m
    CROSS JOIN (SELECT text FROM seeds.v2_messages WHERE message = 'evidence_mismatch') AS t
),
file_keys AS (
    SELECT sha256, arg_max(urn, ingested_at) AS urn, arg_max(round, ingested_at) AS round
    FROM bronze.files
    WHERE sha256 IS NOT NULL AND urn IS NOT NULL
    GROUP BY sha256
),
statements AS (
    -- what a code is quoted with: every statement of either return version (seeds/indicators.csv;
    -- a code names one statement, whichever version asked it)
    SELECT map_from_entries(list((indicator_id, statement))) AS said
    FROM seeds.indicators
),
split AS (
    -- each candidate code with the character before it (a word boundary, as Python's \b sees
    -- one: not a letter, digit or underscore in any script), and the text between candidates
    SELECT
        m.*,
        regexp_split_to_array(m.message, '(^|[^\pL\pN_])[A-Z]{3}[0-9]{1,2}') AS between,
        regexp_extract_all(m.message, '(^|[^\pL\pN_])[A-Z]{3}[0-9]{1,2}') AS found
    FROM source AS m
),
candidates AS (
    -- per candidate: the text after it, the text to look ahead in (to the next candidate and
    -- that candidate, at least 4 characters: far enough) and the statement of its code
    SELECT
        x.* EXCLUDE (between, found),
        x.between[1] AS head,
        list_transform(range(1, len(x.found) + 1), lambda i: {
            'candidate': x.found[i],
            'after': x.between[i + 1],
            'ahead': x.between[i + 1] || coalesce(x.found[i + 1], ''),
            'statement': s.said[regexp_extract(x.found[i], '[A-Z]{3}[0-9]{1,2}$')]
        }) AS pieces
    FROM split AS x
    CROSS JOIN statements AS s
),
quoted AS (
    -- a candidate is a code when a word boundary follows it; an indicator's code is quoted
    -- unless its quote ( ("...") ) already follows it, so a message is never quoted twice
    SELECT
        c.* EXCLUDE (head, pieces),
        c.head || array_to_string(list_transform(c.pieces, lambda p: p.candidate || CASE
            WHEN p.statement IS NOT NULL
                AND NOT regexp_matches(p.ahead, '^[\pL\pN_]')
                AND NOT starts_with(p.ahead, ' ("')
                THEN ' ("' || p.statement || '")'
            ELSE ''
        END || p.after), '') AS message_quoted
    FROM candidates AS c
),
final AS (
    SELECT
        m.* EXCLUDE (message_quoted),
        coalesce(r.urn, k.urn) AS urn,
        coalesce(r.round, k.round) AS round,
        m.message_quoted
    FROM quoted AS m
    LEFT JOIN bronze.returns AS r USING (sha256)
    LEFT JOIN file_keys AS k USING (sha256)
)
SELECT * FROM final ORDER BY ingested_at, file_name, location;
