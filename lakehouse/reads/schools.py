"""Schools: finding one, its gold row, its policies, training and incidents, and the
county map's points and districts. Gold only.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from lakehouse import search
from lakehouse.filters import Filters
from lakehouse.reads.base import AREAS, filter_sql
from lakehouse.sql import Con, frame, scalar


def find_schools(con: Con, text: str, limit: int = 50) -> pd.DataFrame:
    """Schools a person's search finds, best first (:func:`lakehouse.search.matches`):
    urn, name, setting, district, postcode, is_open, closed, label."""
    return search.matches(search.search_index(con), text, limit)


def school_names(con: Con, urns: tuple[int, ...]) -> dict[int, str]:
    """URN -> register name for the URNs given that are in the register."""
    if not urns:
        return {}
    marks = ", ".join("?" * len(urns))
    return dict(
        con.execute(
            f"SELECT urn, name FROM gold.school_overview WHERE urn IN ({marks})",
            [int(u) for u in urns],
        ).fetchall()
    )


def school(con: Con, urn: int) -> dict[str, Any] | None:
    """The school's gold.school_overview row as a dict, or None."""
    df = frame(con, "SELECT * FROM gold.school_overview WHERE urn = ?", [urn])
    return None if df.empty else {str(k): v for k, v in df.iloc[0].items()}


# The round's return and return status beside every school (bind the round twice). The
# filtering filter then applies to r.filtering: a school's approach can change by round.
_ROUND_JOINS = """
        LEFT JOIN gold.school_rounds r ON r.urn = s.urn AND r.round = ?
        LEFT JOIN gold.returns_status rs ON rs.urn = s.urn AND rs.round = ?"""


def school_points(con: Con, f: Filters) -> pd.DataFrame:
    """One row per located school with every map measure; grades from the chosen round."""
    rnd = f.round
    grade_cols = ", ".join(f"r.grade_{a} AS grade_{a}" for a in AREAS)
    where, params = filter_sql("gold.school_overview", f, alias="s", skip=("filtering",))
    sql = f"""
        SELECT s.urn, s.name, s.setting, s.district, s.district_code, s.lat, s.lon,
               s.postcode, s.pupils, {grade_cols}, r.filtering, s.priority, s.flags, s.flag_count,
               s.freshness_worst,
               CASE WHEN NOT s.expected_to_return THEN 'not_expected'
                    ELSE coalesce(rs.status, 'missing') END AS return_status,
               r.completed_on
        FROM gold.school_overview s {_ROUND_JOINS}
        WHERE s.lat IS NOT NULL AND s.lon IS NOT NULL AND {where}"""
    bound = [rnd, rnd, *params]
    if f.filtering:
        sql += " AND r.filtering = ?"
        bound.append(f.filtering)
    return frame(con, sql + " ORDER BY s.name", bound)


def unmapped_schools(con: Con, f: Filters) -> int:
    """Schools in the filter that have no location (listed, not mapped)."""
    where, params = filter_sql("gold.school_overview", f, skip=("filtering",))
    return int(
        scalar(
            con,
            "SELECT count(*) FROM gold.school_overview "
            f"WHERE (lat IS NULL OR lon IS NULL) AND {where}",
            params,
        )
        or 0
    )


def district_summary(con: Con, f: Filters) -> pd.DataFrame:
    """Every district with its shape and the aggregates of ``district_measures`` (filtered).

    The district filter itself is not applied here so the other districts stay
    on the map to be clicked.
    """
    rnd = f.round
    where, params = filter_sql("gold.school_overview", f, alias="s", skip=("district", "filtering"))
    means = ", ".join(f"avg(r.score_{a}) AS mean_score_{a}" for a in AREAS)
    sql = f"""
        WITH sch AS (
            SELECT s.urn, s.district_code, s.flag_count, s.needs_support, s.expected_to_return,
                   rs.status, r.filtering, {", ".join(f"r.score_{a}" for a in AREAS)}
            FROM gold.school_overview s {_ROUND_JOINS}
            WHERE {where}
        ), agg AS (
            SELECT district_code, count(*)::INTEGER AS schools,
                   100.0 * count(*) FILTER (WHERE status IN ('received', 'late'))
                       / nullif(count(*) FILTER (WHERE expected_to_return), 0) AS received_pct,
                   100.0 * count(*) FILTER (WHERE flag_count > 0) / count(*) AS flagged_pct,
                   100.0 * count(*) FILTER (WHERE needs_support) / count(*) AS need_support_pct,
                   {means}
            FROM sch r {"WHERE r.filtering = ?" if f.filtering else ""}
            GROUP BY district_code
        )
        SELECT d.district_code, d.district_name, d.geometry, coalesce(a.schools, 0) AS schools,
               a.* EXCLUDE (district_code, schools)
        FROM gold.district_shapes d LEFT JOIN agg a USING (district_code)
        ORDER BY d.district_name"""
    bound = [rnd, rnd, *params, *([f.filtering] if f.filtering else [])]
    return frame(con, sql, bound)


def school_policies(con: Con, urn: int) -> pd.DataFrame:
    """The school's required policies with last review and freshness (status, status_label)."""
    return frame(
        con,
        """
        SELECT policy_label, last_reviewed, days_since_review, status, status_label, round
        FROM gold.policy_freshness WHERE urn = ? ORDER BY policy""",
        [urn],
    )


def school_training(con: Con, urn: int) -> pd.DataFrame:
    """Training coverage by staff group from the school's current return."""
    return frame(
        con,
        """
        SELECT staff_group_label, headcount, trained, coverage_pct, is_valid, round
        FROM gold.training_coverage WHERE urn = ?
        ORDER BY round DESC, staff_group""",
        [urn],
    )


def school_incidents(con: Con, urn: int) -> pd.DataFrame:
    """Incidents by category, every round with a current return."""
    return frame(
        con,
        """
        SELECT round, category_label, count
        FROM gold.incident_counts WHERE urn = ? ORDER BY round DESC, category""",
        [urn],
    )
