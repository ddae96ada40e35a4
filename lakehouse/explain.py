"""How each grade was reached, and how a school's incidents compare with the county.

The reads behind the school profile's "How each grade was reached" section and
the governor report, so both show the same rows. Gold tables only; each function
takes an open DuckDB connection (a cursor per call is the caller's job).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from lakehouse.sql import frame

Con = duckdb.DuckDBPyConnection


# no round named: the round the build calls current
_ROUND = "round = coalesce(?, (SELECT value FROM gold.build_info WHERE key = 'current_round'))"


def grade_explanations(con: Con, urn: int, round: str | None = None) -> pd.DataFrame:
    """One row per area of the school's return in ``round`` (default the current round):
    area, area_label, score_text, band_label, band_range, grade, grade_label, capped_by,
    cap_label, explanation (the sentence), statements_lost, points_lost."""
    return frame(
        con,
        f"""
        SELECT area, area_label, score_pct, score_text, band_grade, band_label, band_range,
               grade, grade_label, capped_by, cap_label, cap_meaning, cap_fact,
               explanation, statements_lost, points_lost
        FROM gold.grade_explanations WHERE urn = ? AND {_ROUND}
        ORDER BY area_order""",
        [urn, round],
    )


def statements_lost(con: Con, urn: int, round: str | None = None) -> pd.DataFrame:
    """The statements that cost the school points in ``round`` (default the current round):
    area, area_label, response_label, statement; Not in place before Partly in place."""
    return frame(
        con,
        f"""
        SELECT area, area_label, response, response_label, statement, points_lost
        FROM gold.statements_lost WHERE urn = ? AND {_ROUND}
        ORDER BY area_order, response_order DESC, points_lost DESC, indicator_id""",
        [urn, round],
    )


def incident_comparison(con: Con, urn: int, round: str) -> pd.DataFrame:
    """Per incident category in ``round``: the school's count, the county's mean per school
    (over every school whose return gave incident figures, so the means add up to the mean
    total) and ``schools`` (that n), in seed order."""
    return frame(
        con,
        """
        WITH rows AS (
            SELECT * FROM gold.incident_counts WHERE round = ?
        ), n AS (
            SELECT count(DISTINCT urn)::INTEGER AS schools FROM rows
        ), county AS (
            SELECT category, any_value(category_label) AS category_label,
                   any_value(category_order) AS category_order, sum(count) AS county_total
            FROM rows GROUP BY category
        )
        SELECT c.category, c.category_label, s.count AS school_count,
               c.county_total / n.schools AS county_mean, n.schools
        FROM county c CROSS JOIN n
        LEFT JOIN (SELECT category, count FROM rows WHERE urn = ?) s USING (category)
        ORDER BY c.category_order""",
        [round, urn],
    )
