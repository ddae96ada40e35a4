"""Triage: the support worklist, a school's flags, county themes, the impact of
support, and the cabinet pack's districts and named schools. Gold only.
"""

from __future__ import annotations

import pandas as pd

from lakehouse.filters import Filters
from lakehouse.reads.base import current_round, filter_sql, tenths
from lakehouse.sql import Con, frame


def worklist(
    con: Con, f: Filters, priorities: tuple[str, ...] = (), flags: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Flagged schools in worklist order (priority, support score, overall score).

    Columns: support_rank, urn, school, priority_label, support_score, concerns,
    themes, suggested_actions, grade_overall_label, score_overall, setting, district,
    completed_on, within_capacity, priority (the code, for colours). Concerns and
    themes in plain English, concerns first; ``within_capacity`` marks the schools the
    team can take on this round (rule casework_capacity, counted over the whole county,
    so a filter never changes who is in it).
    """
    where, params = filter_sql("gold.school_overview", f, alias="s")
    extra, extra_params = "", list[str]()
    if priorities:
        extra += f" AND s.priority IN ({', '.join('?' * len(priorities))})"
        extra_params.extend(priorities)
    if flags:
        extra += (
            " AND s.urn IN (SELECT urn FROM gold.support_flags "
            f"WHERE flag IN ({', '.join('?' * len(flags))}))"
        )
        extra_params.extend(flags)
    return frame(
        con,
        f"""
        WITH reasons AS (
            SELECT urn,
                   string_agg(flag_label || ': ' || reason, '; ' ORDER BY flag_order)
                       FILTER (WHERE kind = 'concern') AS concerns,
                   string_agg(flag_label || ': ' || reason, '; ' ORDER BY flag_order)
                       FILTER (WHERE kind = 'theme') AS themes,
                   string_agg(suggested_action, '; ' ORDER BY flag_order) AS actions
            FROM gold.support_flags GROUP BY urn
        )
        SELECT s.support_rank, s.urn, s.name AS school, s.priority_label, s.support_score,
               coalesce(r.concerns, '') AS concerns, coalesce(r.themes, '') AS themes,
               r.actions AS suggested_actions, s.grade_overall_label,
               round(s.score_overall, 1) AS score_overall, s.setting, s.district,
               s.completed_on, s.within_capacity, s.priority
        FROM gold.school_overview s
        JOIN reasons r USING (urn)
        WHERE s.flag_count > 0 AND {where}{extra}
        ORDER BY s.support_rank""",
        [*params, *extra_params],
    )


def worklist_summary(con: Con, f: Filters) -> pd.DataFrame:
    """Flagged schools per priority, with how many are within capacity: priority, label,
    schools, within_capacity (every priority in gold.priorities, zero when none)."""
    where, params = filter_sql("gold.school_overview", f, alias="s")
    return frame(
        con,
        f"""
        WITH counted AS (
            SELECT s.priority, count(*) AS schools,
                   count(*) FILTER (WHERE s.within_capacity) AS within_capacity
            FROM gold.school_overview s WHERE s.flag_count > 0 AND {where}
            GROUP BY s.priority
        )
        SELECT p.priority, p.priority_label AS label, coalesce(c.schools, 0) AS schools,
               coalesce(c.within_capacity, 0) AS within_capacity
        FROM gold.priorities p LEFT JOIN counted c USING (priority)
        ORDER BY p.priority_order""",
        params,
    )


def top_concerns(con: Con) -> pd.DataFrame:
    """Every school that needs support (a concern: high or medium priority) with its first
    concern in the flags' seed order and that concern's suggested action: urn, top_concern
    ("Label: reason"), top_action. Schools with themes only have no row."""
    return frame(
        con,
        """
        SELECT g.urn,
               arg_min(g.flag_label || ': ' || g.reason, g.flag_order) AS top_concern,
               arg_min(g.suggested_action, g.flag_order) AS top_action
        FROM gold.support_flags g JOIN gold.school_overview s USING (urn)
        WHERE g.kind = 'concern' AND s.needs_support
        GROUP BY g.urn""",
    )


def with_top_concerns(rows: pd.DataFrame, top: pd.DataFrame) -> pd.DataFrame:
    """The worklist with ``needs_support``, ``top_concern`` and ``top_action`` (from
    :func:`top_concerns`) for the export's print-ready sheet."""
    by_urn = (
        top.set_index("urn")
        if not top.empty
        else pd.DataFrame(columns=["top_concern", "top_action"])
    )
    out = rows.copy()
    out["needs_support"] = [u in by_urn.index for u in out["urn"]]
    out["top_concern"] = out["urn"].map(by_urn["top_concern"]).fillna("")
    out["top_action"] = out["urn"].map(by_urn["top_action"]).fillna("")
    return out


def school_flags(con: Con, urn: int) -> pd.DataFrame:
    """One school's flags, concerns first: kind and kind_label, flag_label, reason,
    suggested_action, weight, priority and priority_label, support_score, round."""
    return frame(
        con,
        """
        SELECT kind, kind_label, flag_label, reason, suggested_action, weight, priority,
               priority_label, support_score, round
        FROM gold.support_flags WHERE urn = ?
        ORDER BY kind = 'theme', flag_order""",
        [int(urn)],
    )


def flag_choices(con: Con) -> dict[str, str]:
    """Flag key -> label for the flags present."""
    return dict(
        con.execute(
            "SELECT flag, any_value(flag_label) FROM gold.support_flags GROUP BY flag ORDER BY 2"
        ).fetchall()
    )


def theme_trend(con: Con, f: Filters) -> pd.DataFrame:
    """Each theme in each round: returning schools, schools with the theme, share (%).

    Returning schools are those with a current return in the round (within the
    filters). Columns: round, flag, flag_label, county_action, returning, schools, share_pct.
    """
    # every round: a trend (the round filter narrows single-round queries only); every theme
    # in gold.themes, one no school raised included, so the list never depends on the data
    where, params = filter_sql("gold.school_rounds", f, alias="sr", skip=("round",))
    return frame(
        con,
        f"""
        WITH returned AS (
            SELECT sr.round, sr.return_id FROM gold.school_rounds sr WHERE {where}
        ),
        totals AS (SELECT round, count(*) AS returning FROM returned GROUP BY round),
        hits AS (
            SELECT t.round, t.flag, count(*) AS schools
            FROM gold.school_themes t JOIN returned r USING (return_id)
            GROUP BY t.round, t.flag
        )
        SELECT n.round, th.flag, th.flag_label, th.county_action, n.returning,
               coalesce(h.schools, 0) AS schools,
               100.0::DOUBLE * coalesce(h.schools, 0) / n.returning AS share_pct
        FROM gold.themes th
        CROSS JOIN totals n
        LEFT JOIN hits h ON h.round = n.round AND h.flag = th.flag
        ORDER BY th.flag_order, n.round""",
        params,
    )


def county_themes(con: Con, f: Filters, round: str | None = None) -> pd.DataFrame:
    """One row per theme for ``round`` (default the current): share, trend and county action.

    Columns: flag, flag_label, schools, returning (returning schools), share_pct, trend
    ((round, share_pct) pairs, oldest first; :func:`presentation.casework.trend_text` words
    them), county_action.
    """
    rnd = round or f.round or current_round(con)
    trend = theme_trend(con, f)
    trend = trend[trend["round"] <= rnd] if rnd else trend
    rows = []
    for flag, g in trend.groupby("flag", sort=False):
        now = g[g["round"] == rnd]
        returning = int(now["returning"].iloc[0]) if not now.empty else 0
        schools = int(now["schools"].iloc[0]) if not now.empty else 0
        rows.append(
            {
                "flag": flag,
                "flag_label": g["flag_label"].iloc[0],
                "schools": schools,
                "returning": returning,
                "share_pct": tenths(100 * schools / returning) if returning else None,
                "trend": tuple(
                    (str(when), float(share))
                    for when, share in zip(g["round"], g["share_pct"], strict=True)
                ),
                "county_action": g["county_action"].iloc[0],
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "flag",
            "flag_label",
            "schools",
            "returning",
            "share_pct",
            "trend",
            "county_action",
        ],
    )


def impact(
    con: Con,
    f: Filters,
    supported: tuple[tuple[int, str], ...] = (),
) -> pd.DataFrame:
    """How the overall grade moved from a round to the next for schools with support recorded
    in the round, beside schools flagged in that round with none recorded.

    ``supported`` holds (urn, round) pairs from :func:`lakehouse.casework.supported_rounds`.
    Flagged in a round means: any flag, in the current round; an inadequate area or a county
    theme, in earlier rounds (the flags a return shows on its own). A school counts once per
    round pair (a round and gold.rounds' next_round, both with overall grades within the
    filters), when it has an overall grade in both. Columns: round, next_round, group
    (``supported`` or ``flagged_unsupported``), group_label (gold.impact_groups), schools,
    improved, same, declined, improved_pct.
    """
    where, params = filter_sql("gold.school_rounds", f, alias="sr", skip=("round",))
    # the casework store's pairs are not in the database: bound as two lists, zipped by unnest
    urns = [int(u) for u, _ in supported]
    rounds = [str(r) for _, r in supported]
    return frame(
        con,
        f"""
        WITH helped AS (
            SELECT DISTINCT unnest(?::BIGINT[]) AS urn, unnest(?::VARCHAR[]) AS round
        ),
        flagged AS (
            SELECT urn, round FROM gold.school_themes
            UNION SELECT urn, round FROM gold.area_scores WHERE grade = 4
            UNION SELECT urn, round FROM gold.support_flags
        ),
        graded AS (
            SELECT sr.urn, sr.round, sr.grade_overall AS grade FROM gold.school_rounds sr
            WHERE sr.grade_overall IS NOT NULL AND {where}
        ),
        pairs AS (
            SELECT r.round, r.next_round FROM gold.rounds r
            WHERE r.round IN (SELECT round FROM graded)
              AND r.next_round IN (SELECT round FROM graded)
        ),
        grouped AS (
            -- grades run 1 (best) to 4: a negative change is an improvement
            SELECT p.round,
                   CASE WHEN h.urn IS NOT NULL THEN 'supported'
                        WHEN fl.urn IS NOT NULL THEN 'flagged_unsupported' END AS impact_group,
                   later.grade - g.grade AS change
            FROM pairs p
            JOIN graded g ON g.round = p.round
            JOIN graded later ON later.urn = g.urn AND later.round = p.next_round
            LEFT JOIN helped h ON h.urn = g.urn AND h.round = g.round
            LEFT JOIN flagged fl ON fl.urn = g.urn AND fl.round = g.round
        ),
        counted AS (
            SELECT round, impact_group, count(*) AS schools,
                   count(*) FILTER (WHERE change < 0) AS improved,
                   count(*) FILTER (WHERE change = 0) AS same,
                   count(*) FILTER (WHERE change > 0) AS declined
            FROM grouped WHERE impact_group IS NOT NULL
            GROUP BY round, impact_group
        )
        SELECT p.round, p.next_round, ig.impact_group AS "group", ig.group_label,
               coalesce(c.schools, 0) AS schools, coalesce(c.improved, 0) AS improved,
               coalesce(c.same, 0) AS same, coalesce(c.declined, 0) AS declined,
               -- half up to one decimal, as reads.base.tenths
               floor(100.0::DOUBLE * c.improved / c.schools * 10 + 0.5) / 10 AS improved_pct
        FROM pairs p
        CROSS JOIN gold.impact_groups ig
        LEFT JOIN counted c ON c.round = p.round AND c.impact_group = ig.impact_group
        ORDER BY p.round, ig.group_order""",
        [urns, rounds, *params],
    )


def district_support(con: Con, f: Filters) -> pd.DataFrame:
    """The districts within the filters (every district when none is chosen), with their
    shapes and counts in the round: district_code, district_name, geometry, schools,
    expected (returns expected), received (on time or late), need_support (gold's
    needs_support: concerns), themes_only (flagged for themes only: met by the county-wide
    offer)."""
    where, params = filter_sql("gold.school_overview", f, alias="s")
    picked, picked_params = "TRUE", []
    if f.districts:
        picked = f"d.district_name IN ({', '.join('?' * len(f.districts))})"
        picked_params = list(f.districts)
    return frame(
        con,
        f"""
        WITH schools_in_filter AS (
            SELECT s.urn, s.district_code, s.flag_count, s.needs_support, rs.status
            FROM gold.school_overview s
            LEFT JOIN gold.returns_status rs ON rs.urn = s.urn AND rs.round = ?
            WHERE {where}
        )
        SELECT d.district_code, d.district_name, d.geometry,
               count(x.urn)::INTEGER AS schools,
               count(x.status)::INTEGER AS expected,
               count(x.urn) FILTER (WHERE x.status IN ('received', 'late'))::INTEGER AS received,
               count(x.urn) FILTER (WHERE x.needs_support)::INTEGER AS need_support,
               count(x.urn) FILTER (WHERE x.flag_count > 0 AND NOT x.needs_support)::INTEGER
                   AS themes_only
        FROM gold.district_shapes d
        LEFT JOIN schools_in_filter x USING (district_code)
        WHERE {picked}
        GROUP BY d.district_code, d.district_name, d.geometry
        ORDER BY d.district_name""",
        [f.round, *params, *picked_params],
    )


def flag_names(con: Con, f: Filters) -> pd.DataFrame:
    """Every flagged school within the filters with its flags' names, concerns first then
    themes, in one query: urn, flag_names ('Training gap; Locked-down filtering')."""
    where, params = filter_sql("gold.school_overview", f, alias="s")
    return frame(
        con,
        f"""
        SELECT g.urn,
               string_agg(g.flag_label, '; ' ORDER BY g.kind = 'theme', g.flag_order)
                   AS flag_names
        FROM gold.support_flags g JOIN gold.school_overview s USING (urn)
        WHERE {where}
        GROUP BY g.urn""",
        params,
    )
