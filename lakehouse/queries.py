"""Every query the dashboard pages and the packs run. Gold tables only.

Each function takes an open DuckDB connection (a cursor per call is the
caller's job) and, where it narrows, a ``lakehouse.filters.Filters``. The filters are
turned into SQL in one place, ``_where``, with every value bound as a
parameter; table, column, area and measure names come from the allow-lists
below, never from the caller's text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from lakehouse import search, seeds, spec
from lakehouse.filters import Filters

Con = duckdb.DuckDBPyConnection

AREAS: tuple[str, ...] = tuple(
    r["area"] for r in sorted(spec.areas(), key=lambda r: int(r["sort_order"]))
)


def area_labels() -> dict[str, str]:
    """Area code -> label, in order (read from the seeds each time, so a rename shows)."""
    return seeds.vocabulary("area")


# table -> filter field -> column; a table without a field is not narrowed by it
_FILTER_COLUMNS: dict[str, dict[str, str]] = {
    "gold.school_overview": {
        "district": "district",
        "setting": "setting",
        "filtering": "filtering",
    },
    "gold.grade_distribution": {
        "round": "round",
        "district": "district",
        "setting": "setting",
        "filtering": "filtering",
    },
    "gold.school_rounds": {
        "round": "round",
        "district": "district",
        "setting": "setting",
        "filtering": "filtering",
    },
    "gold.returns_status": {"round": "round", "district": "district", "setting": "setting"},
    "gold.fm_standards": {
        "round": "round",
        "district": "district",
        "setting": "setting",
        "filtering": "filtering",
    },
}

# the groupings a comparison may use (identifiers: allow-lists); their headings are
# presentation.measures'
COMPARE_BY: tuple[str, ...] = ("setting", "district", "filtering")
RETURNS_BY: tuple[str, ...] = ("district", "setting")


@dataclass(frozen=True)
class FilterOptions:
    """The choices the sidebar offers, read from the data."""

    rounds: tuple[str, ...]
    current_round: str | None
    districts: tuple[str, ...]
    settings: tuple[str, ...]


def _df(con: Con, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


def _scalar(con: Con, sql: str, params: list[Any] | None = None) -> Any:
    # fetchall, not fetchone: a half-read result blocks the next query on a DuckDB 2 cursor
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


def _where(
    table: str,
    f: Filters,
    alias: str = "",
    skip: tuple[str, ...] = (),
) -> tuple[str, list[Any]]:
    """The one place filters become SQL: ' AND '-joined clauses and their bound values.

    The round is ``f.round`` as the caller resolved it (``resolve_round``); no round
    means no rounds are loaded, so a table narrowed by round has nothing to show.
    """
    cols = _FILTER_COLUMNS[table]
    prefix = f"{alias}." if alias else ""
    clauses: list[str] = []
    params: list[Any] = []
    if "round" in cols and "round" not in skip:
        clauses.append(f"{prefix}{cols['round']} = ?")
        params.append(f.round)
    if "district" in cols and "district" not in skip and f.districts:
        clauses.append(f"{prefix}{cols['district']} IN ({', '.join('?' * len(f.districts))})")
        params.extend(f.districts)
    if "setting" in cols and "setting" not in skip and f.settings:
        clauses.append(f"{prefix}{cols['setting']} IN ({', '.join('?' * len(f.settings))})")
        params.extend(f.settings)
    if "filtering" in cols and "filtering" not in skip and f.filtering:
        clauses.append(f"{prefix}{cols['filtering']} = ?")
        params.append(f.filtering)
    return (" AND ".join(clauses) or "TRUE"), params


def _area(area: str) -> str:
    if area not in AREAS:
        raise ValueError(f"unknown area {area!r}; expected one of {', '.join(AREAS)}")
    return area


# --- what is loaded --------------------------------------------------------------


def has_data(con: Con) -> bool:
    """True when the gold layer is built and lists at least one school."""
    found = _scalar(
        con,
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_schema = 'gold' AND table_name IN ('school_overview', 'build_info', 'rounds')",
    )
    return found == 3 and bool(_scalar(con, "SELECT count(*) FROM gold.school_overview"))


def build_info(con: Con) -> dict[str, str]:
    """gold.build_info as a dict (as_of, current_round, previous_round, built_at, ...)."""
    return dict(con.execute("SELECT key, value FROM gold.build_info").fetchall())


def filter_options(con: Con) -> FilterOptions:
    """Rounds (newest first), current round, districts and settings present."""
    rounds = [
        r[0] for r in con.execute("SELECT round FROM gold.rounds ORDER BY round DESC").fetchall()
    ]
    current = build_info(con).get("current_round") or (rounds[0] if rounds else None)
    districts = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT district FROM gold.school_overview "
            "WHERE district IS NOT NULL ORDER BY 1"
        ).fetchall()
    ]
    settings = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT setting FROM gold.school_overview WHERE setting IS NOT NULL ORDER BY 1"
        ).fetchall()
    ]
    return FilterOptions(tuple(rounds), current, tuple(districts), tuple(settings))


def resolve_round(f: Filters, options: FilterOptions) -> Filters:
    """The one place "no round chosen" becomes the current round.

    Pages (``ui.app.page_context``) and packs call it once and pass the resulting
    filters to every query, so no query looks the current round up for itself.
    """
    return f if f.round else f.with_(round=options.current_round)


def with_current_round(con: Con, f: Filters) -> Filters:
    """``resolve_round`` reading the choices from the database (packs, scripts, tests)."""
    return resolve_round(f, filter_options(con))


# --- overview ----------------------------------------------------------------------


def headline(con: Con, f: Filters) -> dict[str, Any]:
    """Big numbers: schools, expected/received/late/missing returns, schools flagged."""
    where, params = _where("gold.school_overview", f, skip=("filtering",))
    schools = _scalar(con, f"SELECT count(*) FROM gold.school_overview WHERE {where}", params)
    rwhere, rparams = _where("gold.returns_status", f)
    counts = dict(
        con.execute(
            f"SELECT status, count(*) FROM gold.returns_status WHERE {rwhere} GROUP BY status",
            rparams,
        ).fetchall()
    )
    fwhere, fparams = _where("gold.school_overview", f, alias="s")
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
        where, params = _where("gold.grade_distribution", f, skip=("round",))
    else:
        where, params = _where("gold.grade_distribution", f)
    keys = "round, area" if per_round else "area"
    return _df(
        con,
        f"""
        SELECT {keys}, any_value(area_label) AS area_label, grade,
               any_value(grade_label) AS grade_label, sum(schools)::INTEGER AS schools
        FROM gold.grade_distribution WHERE {where}
        GROUP BY {keys}, grade ORDER BY {keys}, grade NULLS LAST""",
        params,
    )


def grade_distribution(con: Con, f: Filters) -> pd.DataFrame:
    """Schools at each grade of each area in the round (area, grade, grade_label, schools)."""
    return _grade_counts(con, f, per_round=False)


def grade_trend(con: Con, f: Filters) -> pd.DataFrame:
    """Every round's grade counts per area (the round filter is ignored: this is the history)."""
    return _grade_counts(con, f, per_round=True)


def _per_filtered_school(con: Con, f: Filters, select: str, source: str, rest: str) -> pd.DataFrame:
    """``SELECT select FROM source JOIN gold.school_overview s``, narrowed, then ``rest``.

    ``source`` is a per-school gold table with an alias; callers pass literals only.
    """
    where, params = _where("gold.school_overview", f, alias="s")
    return _df(
        con,
        f"SELECT {select} FROM {source} JOIN gold.school_overview s USING (urn) "
        f"WHERE {where} {rest}",
        params,
    )


def freshness_summary(con: Con, f: Filters) -> pd.DataFrame:
    """Schools at each freshness status per required policy (policy, status, schools)."""
    return _per_filtered_school(
        con,
        f,
        "p.policy, any_value(p.policy_label) AS policy_label, p.status, "
        "count(*)::INTEGER AS schools",
        "gold.policy_freshness p",
        "GROUP BY p.policy, p.status ORDER BY p.policy, p.status",
    )


def flag_summary(con: Con, f: Filters) -> pd.DataFrame:
    """The most common concerns, the reasons a school needs support: flag, flag_label, schools
    (most first). Themes are met by the county-wide offer and counted apart."""
    return _per_filtered_school(
        con,
        f,
        "g.flag, any_value(g.flag_label) AS flag_label, count(DISTINCT g.urn)::INTEGER AS schools",
        "gold.support_flags g",
        "AND g.kind = 'concern' GROUP BY g.flag ORDER BY schools DESC, flag_label",
    )


# --- county map ------------------------------------------------------------------

# The round's return and return status beside every school (bind the round twice). The
# filtering filter then applies to r.filtering: a school's approach can change by round.
_ROUND_JOINS = """
        LEFT JOIN gold.school_rounds r ON r.urn = s.urn AND r.round = ?
        LEFT JOIN gold.returns_status rs ON rs.urn = s.urn AND rs.round = ?"""


def school_points(con: Con, f: Filters) -> pd.DataFrame:
    """One row per located school with every map measure; grades from the chosen round."""
    rnd = f.round
    grade_cols = ", ".join(f"r.grade_{a} AS grade_{a}" for a in AREAS)
    where, params = _where("gold.school_overview", f, alias="s", skip=("filtering",))
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
    return _df(con, sql + " ORDER BY s.name", bound)


def unmapped_schools(con: Con, f: Filters) -> int:
    """Schools in the filter that have no location (listed, not mapped)."""
    where, params = _where("gold.school_overview", f, skip=("filtering",))
    return int(
        _scalar(
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
    where, params = _where("gold.school_overview", f, alias="s", skip=("district", "filtering"))
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
    return _df(con, sql, bound)


# --- setting comparison ------------------------------------------------------------


def grade_by(con: Con, f: Filters, area: str, by: str) -> pd.DataFrame:
    """Schools at each grade of one area per group (setting, district or filtering)."""
    _area(area)
    if by not in COMPARE_BY:
        raise ValueError(f"cannot compare by {by!r}")
    where, params = _where("gold.grade_distribution", f)
    return _df(
        con,
        f"""
        SELECT coalesce({by}, 'Not known') AS "group", grade, any_value(grade_label) AS grade_label,
               sum(schools)::INTEGER AS schools
        FROM gold.grade_distribution WHERE area = ? AND {where}
        GROUP BY 1, grade ORDER BY 1, grade NULLS LAST""",
        [area, *params],
    )


# --- flagged schools ---------------------------------------------------------------


def flag_choices(con: Con) -> dict[str, str]:
    """Flag key -> label for the flags present."""
    return dict(
        con.execute(
            "SELECT flag, any_value(flag_label) FROM gold.support_flags GROUP BY flag ORDER BY 2"
        ).fetchall()
    )


# --- school profile ----------------------------------------------------------------


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
    df = _df(con, "SELECT * FROM gold.school_overview WHERE urn = ?", [urn])
    return None if df.empty else {str(k): v for k, v in df.iloc[0].items()}


def _area_comparison(con: Con, urn: int, round_sql: str, params: list[Any]) -> pd.DataFrame:
    """One row per area comparing the school with every current return of one round.

    Read long from gold.area_scores (one row per return and area, with gold's labels);
    ``round_sql`` is a literal expression for the round, its values in ``params``.
    """
    return _df(
        con,
        f"""
        WITH scores AS (
            SELECT a.urn, a.area, a.area_label, a.area_order, a.score_pct, a.grade, s.setting
            FROM gold.area_scores AS a
            JOIN gold.school_overview AS s USING (urn)
            WHERE a.round = ({round_sql})
        )
        SELECT area, any_value(area_label) AS area_label, any_value(area_order) AS sort_order,
               max(score_pct) FILTER (WHERE urn = ?) AS school_score,
               max(grade) FILTER (WHERE urn = ?) AS school_grade,
               avg(score_pct) AS county_mean,
               avg(score_pct) FILTER (
                   WHERE setting = (SELECT setting FROM gold.school_overview WHERE urn = ?)
               ) AS setting_mean
        FROM scores
        GROUP BY area
        ORDER BY sort_order""",
        [*params, urn, urn, urn],
    )


def school_area_comparison(con: Con, urn: int) -> pd.DataFrame:
    """Per area: the school's score and grade against the county and its setting (current round)."""
    return _area_comparison(con, urn, "SELECT round FROM gold.rounds WHERE is_current", [])


def school_policies(con: Con, urn: int) -> pd.DataFrame:
    """The school's required policies with last review and freshness."""
    return _df(
        con,
        """
        SELECT policy_label, last_reviewed, days_since_review, status, round
        FROM gold.policy_freshness WHERE urn = ? ORDER BY policy""",
        [urn],
    )


def school_training(con: Con, urn: int) -> pd.DataFrame:
    """Training coverage by staff group from the school's current return."""
    return _df(
        con,
        """
        SELECT staff_group_label, headcount, trained, coverage_pct, is_valid, round
        FROM gold.training_coverage WHERE urn = ?
        ORDER BY round DESC, staff_group""",
        [urn],
    )


def school_incidents(con: Con, urn: int) -> pd.DataFrame:
    """Incidents by category, every round with a current return."""
    return _df(
        con,
        """
        SELECT round, category_label, count
        FROM gold.incident_counts WHERE urn = ? ORDER BY round DESC, category""",
        [urn],
    )


def school_history(con: Con, urn: int) -> pd.DataFrame:
    """The school's grades and scores in every round."""
    cols = ", ".join(f"grade_{a}, score_{a}" for a in AREAS)
    return _df(
        con,
        f"""
        SELECT round, completed_on, filtering, {cols}
        FROM gold.school_rounds WHERE urn = ? ORDER BY round""",
        [urn],
    )


# --- returns and data quality --------------------------------------------------------


def returns_by(con: Con, f: Filters, by: str) -> pd.DataFrame:
    """Expected, received, late and missing returns in the round per district or setting."""
    if by not in RETURNS_BY:
        raise ValueError(f"cannot group returns by {by!r}")
    where, params = _where("gold.returns_status", f)
    df = _df(
        con,
        f"""
        SELECT coalesce({by}, 'Not known') AS "group", count(*)::INTEGER AS expected,
               count(*) FILTER (WHERE status IN ('received', 'late'))::INTEGER AS received,
               count(*) FILTER (WHERE status = 'late')::INTEGER AS late,
               count(*) FILTER (WHERE status = 'missing')::INTEGER AS missing,
               count(*) FILTER (WHERE status = 'awaiting')::INTEGER AS awaiting
        FROM gold.returns_status WHERE {where} GROUP BY 1 ORDER BY 1""",
        params,
    )
    if by == "setting" and not df.empty:
        order = {g: i for i, g in enumerate(spec.setting_order(df["group"]))}
        df = df.sort_values("group", key=lambda g: g.map(order), ignore_index=True)
    return df


def rejected_files(con: Con) -> pd.DataFrame:
    """Files that could not be loaded, newest first: the school each came from (when the
    file named one: its register name, else the URN it gave), the reason, when received."""
    df = _df(
        con,
        """
        SELECT f.file_name, f.urn, s.name AS _name, f.reason, f.kind, f.ingested_at, f.batch_id
        FROM gold.files f LEFT JOIN gold.school_overview s ON s.urn = f.urn
        WHERE f.status = 'rejected' ORDER BY f.ingested_at DESC, f.file_name""",
    )
    school = [
        n
        if isinstance(n, str) and n
        else (f"URN {int(u)} (not in the register)" if pd.notna(u) else "Not known (unread)")
        for u, n in zip(df["urn"], df.pop("_name"), strict=True)
    ]
    df.insert(1, "school", school)
    return df


def _file_rows_in_round(con: Con, f: Filters, sql: str) -> pd.DataFrame:
    """Run ``sql`` (a literal) whose one ``?`` is the round and whose ``{where}`` narrows
    ``gold.school_overview s``. The filtering filter is skipped: its filtering is the
    current round's answer, not the chosen round's."""
    where, params = _where("gold.school_overview", f, alias="s", skip=("filtering",))
    return _df(con, sql.format(where=where), [f.round, *params])


def return_warnings(con: Con, f: Filters) -> pd.DataFrame:
    """Per loaded return file in the round: warnings and errors found inside it."""
    return _file_rows_in_round(
        con,
        f,
        """
        SELECT fl.urn, s.name AS school, fl.round, fl.file_name, fl.warnings, fl.errors
        FROM gold.files fl JOIN gold.school_overview s ON s.urn = fl.urn
        WHERE fl.status = 'loaded' AND fl.round = ? AND (fl.warnings > 0 OR fl.errors > 0)
          AND {where}
        ORDER BY fl.errors DESC, fl.warnings DESC, s.name""",
    )


def return_messages(con: Con, f: Filters) -> pd.DataFrame:
    """Every warning and error inside loaded returns in the round, tied to sheet and cell;
    an indicator code in a message has its statement quoted beside it."""
    return _file_rows_in_round(
        con,
        f,
        """
        SELECT m.urn, s.name AS school, m.file_name, m.severity, m.location, m.message
        FROM gold.messages m JOIN gold.school_overview s ON s.urn = m.urn
        WHERE m.round = ? AND {where}
        ORDER BY m.severity, s.name, m.location""",
    ).pipe(lambda df: df.assign(message=[spec.quote_statements(m) for m in df["message"]]))


# --- packs -------------------------------------------------------------------------


def school_area_comparison_in_round(con: Con, urn: int, round: str) -> pd.DataFrame:
    """As ``school_area_comparison`` for any round (governor --round)."""
    return _area_comparison(con, urn, "?", [round])


def flag_priority_summary(con: Con, f: Filters) -> pd.DataFrame:
    """Flagged schools per reason and priority: flag, flag_label, priority, schools."""
    return _per_filtered_school(
        con,
        f,
        "g.flag, any_value(g.flag_label) AS flag_label, s.priority, "
        "count(DISTINCT g.urn)::INTEGER AS schools",
        "gold.support_flags g",
        "GROUP BY g.flag, s.priority ORDER BY g.flag, s.priority",
    )


def priority_summary(con: Con, f: Filters) -> pd.DataFrame:
    """Flagged schools per priority: priority, schools."""
    where, params = _where("gold.school_overview", f, alias="s")
    return _df(
        con,
        f"""
        SELECT s.priority, count(*)::INTEGER AS schools
        FROM gold.school_overview s WHERE s.flag_count > 0 AND {where}
        GROUP BY s.priority ORDER BY s.priority""",
        params,
    )
