"""Grades and the county's big numbers: the headline, grade counts and trends, a
grade by setting, district or filtering, a school's areas against the county, policy
freshness and the flag and priority counts the overview and the packs show. Gold only.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from lakehouse.filters import Filters
from lakehouse.reads.base import AREAS, NOT_KNOWN, filter_sql
from lakehouse.sql import Con, frame, scalar

# the groupings a comparison may use (identifiers: allow-lists); their headings are
# presentation.measures'
COMPARE_BY: tuple[str, ...] = ("setting", "district", "filtering")


def headline(con: Con, f: Filters) -> dict[str, Any]:
    """Big numbers: schools, expected/received/late/missing returns, schools flagged."""
    where, params = filter_sql("gold.school_overview", f, skip=("filtering",))
    schools = scalar(con, f"SELECT count(*) FROM gold.school_overview WHERE {where}", params)
    rwhere, rparams = filter_sql("gold.returns_status", f)
    counts = dict(
        con.execute(
            f"SELECT status, count(*) FROM gold.returns_status WHERE {rwhere} GROUP BY status",
            rparams,
        ).fetchall()
    )
    fwhere, fparams = filter_sql("gold.school_overview", f, alias="s")
    flagged, need_support = con.execute(
        f"""SELECT count(*) FILTER (WHERE s.flag_count > 0),
                   count(*) FILTER (WHERE s.needs_support)
            FROM gold.school_overview s WHERE {fwhere}""",
        fparams,
    ).fetchone() or (0, 0)
    received = counts.get("received", 0) + counts.get("late", 0)
    # awaiting: no return yet, deadline not passed (still expected, not yet missing)
    expected = received + counts.get("missing", 0) + counts.get("awaiting", 0)
    return {
        "round": f.round,
        "schools": int(schools or 0),
        "expected": int(expected),
        "received": int(received),
        "late": int(counts.get("late", 0)),
        "missing": int(counts.get("missing", 0)),
        "awaiting": int(counts.get("awaiting", 0)),
        # any flag; of those, the schools that need support (a concern: high or medium
        # priority) and the rest, with themes only (met by the county-wide offer)
        "flagged": int(flagged or 0),
        "need_support": int(need_support or 0),
        "themes_only": int(flagged or 0) - int(need_support or 0),
    }


def _grade_counts(con: Con, f: Filters, per_round: bool) -> pd.DataFrame:
    """Schools per area and grade: in the page's round, or (per_round) in every round."""
    if per_round:
        where, params = filter_sql("gold.grade_distribution", f, skip=("round",))
    else:
        where, params = filter_sql("gold.grade_distribution", f)
    keys = "round, area" if per_round else "area"
    return frame(
        con,
        f"""
        SELECT {keys}, any_value(area_label) AS area_label, grade,
               any_value(grade_label) AS grade_label, sum(schools)::INTEGER AS schools,
               any_value(area_order) AS area_order
        FROM gold.grade_distribution WHERE {where}
        GROUP BY {keys}, grade ORDER BY {keys}, grade NULLS LAST""",
        params,
    )


def grade_distribution(con: Con, f: Filters) -> pd.DataFrame:
    """Schools at each grade of each area in the round (area, area_label, grade, grade_label,
    schools, area_order)."""
    return _grade_counts(con, f, per_round=False)


def grade_trend(con: Con, f: Filters) -> pd.DataFrame:
    """Every round's grade counts per area (the round filter is ignored: this is the history)."""
    return _grade_counts(con, f, per_round=True)


def _schools_per(
    con: Con, f: Filters, source: str, keys: str, label: str, also: str = "", order: str = ""
) -> pd.DataFrame:
    """Schools within the filters counted per ``keys`` of a per-school gold table: ``keys``,
    the group's ``label`` and ``schools``, ordered by ``order`` (else the keys).

    ``source`` is the table with its alias, ``also`` a further condition; callers pass
    literals only.
    """
    where, params = filter_sql("gold.school_overview", f, alias="s")
    name = label.split(".")[-1]
    return frame(
        con,
        f"""SELECT {keys}, any_value({label}) AS {name}, count(DISTINCT s.urn)::INTEGER AS schools
            FROM {source} JOIN gold.school_overview s USING (urn)
            WHERE {where} {f"AND {also}" if also else ""}
            GROUP BY {keys} ORDER BY {order or keys}""",
        params,
    )


def freshness_summary(con: Con, f: Filters) -> pd.DataFrame:
    """Schools at each freshness status per required policy (policy, status, policy_label,
    schools)."""
    return _schools_per(con, f, "gold.policy_freshness p", "p.policy, p.status", "p.policy_label")


def flag_summary(con: Con, f: Filters) -> pd.DataFrame:
    """The most common concerns, the reasons a school needs support: flag, flag_label, schools
    (most first). Themes are met by the county-wide offer and counted apart."""
    concerns = "g.kind = 'concern'"
    most = "schools DESC, flag_label"
    return _schools_per(con, f, "gold.support_flags g", "g.flag", "g.flag_label", concerns, most)


def flag_priority_summary(con: Con, f: Filters) -> pd.DataFrame:
    """Flagged schools per reason and priority: flag, kind (concern or theme, as the database
    was built), priority, flag_label, schools."""
    keys = "g.flag, g.kind, s.priority"
    return _schools_per(con, f, "gold.support_flags g", keys, "g.flag_label")


def _area(area: str) -> str:
    if area not in AREAS:
        raise ValueError(f"unknown area {area!r}; expected one of {', '.join(AREAS)}")
    return area


def grade_by(con: Con, f: Filters, area: str, by: str) -> pd.DataFrame:
    """Schools at each grade of one area per group (setting, district or filtering)."""
    _area(area)
    if by not in COMPARE_BY:
        raise ValueError(f"cannot compare by {by!r}")
    where, params = filter_sql("gold.grade_distribution", f)
    return frame(
        con,
        f"""
        SELECT coalesce({by}, {NOT_KNOWN}) AS "group", grade, any_value(grade_label) AS grade_label,
               sum(schools)::INTEGER AS schools
        FROM gold.grade_distribution WHERE area = ? AND {where}
        GROUP BY 1, grade ORDER BY 1, grade NULLS LAST""",
        [area, *params],
    )


def _area_comparison(con: Con, urn: int, round_sql: str, params: list[Any]) -> pd.DataFrame:
    """One row per area comparing the school with every current return of one round:
    area, area_label, sort_order, school_score, school_grade, school_grade_label,
    county_mean, setting_mean.

    Read long from gold.area_scores (one row per return and area, with gold's labels);
    ``round_sql`` is a literal expression for the round, its values in ``params``.
    """
    return frame(
        con,
        f"""
        WITH scores AS (
            SELECT a.urn, a.area, a.area_label, a.area_order, a.score_pct, a.grade,
                   a.grade_label, s.setting
            FROM gold.area_scores AS a
            JOIN gold.school_overview AS s USING (urn)
            WHERE a.round = ({round_sql})
        )
        SELECT area, any_value(area_label) AS area_label, any_value(area_order) AS sort_order,
               max(score_pct) FILTER (WHERE urn = ?) AS school_score,
               max(grade) FILTER (WHERE urn = ?) AS school_grade,
               max(grade_label) FILTER (WHERE urn = ?) AS school_grade_label,
               avg(score_pct) AS county_mean,
               avg(score_pct) FILTER (
                   WHERE setting = (SELECT setting FROM gold.school_overview WHERE urn = ?)
               ) AS setting_mean
        FROM scores
        GROUP BY area
        ORDER BY sort_order""",
        [*params, urn, urn, urn, urn],
    )


def school_area_comparison(con: Con, urn: int) -> pd.DataFrame:
    """Per area: the school's score and grade against the county and its setting (current round)."""
    return _area_comparison(con, urn, "SELECT round FROM gold.rounds WHERE is_current", [])


def school_area_comparison_in_round(con: Con, urn: int, round: str) -> pd.DataFrame:
    """As ``school_area_comparison`` for any round (governor --round)."""
    return _area_comparison(con, urn, "?", [round])


def school_history(con: Con, urn: int) -> pd.DataFrame:
    """The school's grades and scores in every round: round, completed_on, filtering, then
    grade_<area> and score_<area> for each area, then grade_<area>_label for each area
    (gold.area_scores' label of the grade: the insufficient-evidence words for none)."""
    cols = ", ".join(f"r.grade_{a}, r.score_{a}" for a in AREAS)
    labels = ", ".join(
        f"max(a.grade_label) FILTER (WHERE a.area = '{a}') AS grade_{a}_label" for a in AREAS
    )
    return frame(
        con,
        f"""
        SELECT r.round, r.completed_on, r.filtering, {cols}, {labels}
        FROM gold.school_rounds AS r
        LEFT JOIN gold.area_scores AS a ON a.return_id = r.return_id
        WHERE r.urn = ?
        GROUP BY ALL ORDER BY r.round""",
        [urn],
    )
