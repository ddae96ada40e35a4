-- one row per current return and indicator answered below full marks (Partly in place, Not
-- in place): the statements that cost the school points, in the words of the return
CREATE OR REPLACE TABLE gold.statements_lost AS
WITH source AS (
    SELECT * FROM gold.indicator_responses
),
max_points AS (
    SELECT CAST(max(points) AS DOUBLE) AS max_points FROM seeds.response_labels
),
final AS (
    SELECT
        s.urn,
        s.round,
        s.return_id,
        s.area,
        a.label AS area_label,
        a.sort_order AS area_order,
        s.indicator_id,
        s.statement,
        s.response,
        s.response_label,
        l.sort_order AS response_order,
        s.points,
        s.weight,
        -- the weighted points the answer left on the table, so the costliest come first
        s.weight * (m.max_points - s.points) AS points_lost
    FROM source AS s
    CROSS JOIN max_points AS m
    JOIN seeds.areas AS a USING (area)
    LEFT JOIN seeds.response_labels AS l USING (response)
    -- 'na' has no points: left out of the score, so it costs nothing
    WHERE s.points IS NOT NULL AND s.points < m.max_points
)
SELECT * FROM final ORDER BY urn, round, area_order, response_order DESC, indicator_id;
