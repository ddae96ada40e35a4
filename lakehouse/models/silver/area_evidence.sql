-- one row per return and area: the weighted indicator score and whether evidence suffices
CREATE OR REPLACE TABLE silver.area_evidence AS
WITH source AS (
    SELECT * FROM silver.responses
),
versions AS (
    SELECT DISTINCT return_version FROM silver.returns
),
area_sizes AS (
    -- "half answered" counts the statements of the return's own version (RETURN-v2.md)
    SELECT v.return_version, i.area, count(*) AS indicators
    FROM seeds.indicators AS i
    JOIN versions AS v ON CAST(i.version AS INTEGER) <= v.return_version
    GROUP BY v.return_version, i.area
),
grid AS (
    SELECT r.return_id, a.area, a.indicators
    FROM silver.returns AS r
    JOIN area_sizes AS a USING (return_version)
),
max_points AS (
    SELECT CAST(max(points) AS DOUBLE) AS max_points FROM seeds.response_labels
),
area_points AS (
    SELECT
        return_id,
        area,
        count(response) AS responded,
        count(points) AS scored,
        sum(weight * points) AS weighted_points,
        sum(weight) FILTER (WHERE points IS NOT NULL) AS scored_weight
    FROM source
    GROUP BY return_id, area
),
final AS (
    SELECT
        g.return_id,
        g.area,
        g.indicators,
        coalesce(r.responded, 0) AS responded,
        coalesce(r.scored, 0) AS scored,
        CASE WHEN r.scored_weight > 0
            THEN 100.0 * r.weighted_points / (r.scored_weight * m.max_points) END
            AS indicator_score_pct,
        -- 'na' counts towards the share answered but never towards the score
        coalesce(r.responded, 0) < rules.min_answered_share * g.indicators
            OR coalesce(r.scored, 0) = 0
            OR coalesce(r.scored_weight, 0) = 0 AS insufficient_evidence
    FROM grid AS g
    LEFT JOIN area_points AS r USING (return_id, area)
    CROSS JOIN max_points AS m
    CROSS JOIN silver.rules AS rules
)
SELECT * FROM final;
