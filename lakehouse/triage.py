"""Triage: the support worklist, county themes, the chase list, return rates and impact.

Streamlit-free queries on the gold tables (like :mod:`lakehouse.queries`, each
takes a cursor first), plus pure functions that join in what officers recorded
in the store (:mod:`lakehouse.casework`), which the pages and packs read
through a store connection of their own. Filters become SQL in one place,
``queries._where``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import pandas as pd

from lakehouse.casework import newest_first
from lakehouse.dates import day_month_year
from lakehouse.filters import Filters
from lakehouse.queries import _where, build_info
from lakehouse.seeds import grade_label, read_seed, report_text, vocabulary

Con = duckdb.DuckDBPyConnection


def _df(con: Con, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


def _current_round(con: Con) -> str | None:
    return build_info(con).get("current_round") or None


# --- the support worklist ------------------------------------------------------------------


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
    where, params = _where("gold.school_overview", f, alias="s")
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
    return _df(
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


def with_casework(
    rows: pd.DataFrame, summary: pd.DataFrame, caseload: pd.DataFrame
) -> pd.DataFrame:
    """The worklist with what the store says: in_caseload, caseload_reason, supported_on,
    next_action_due, overdue_actions.

    ``summary`` is :func:`lakehouse.casework.summary`, ``caseload`` :func:`casework.caseload`.
    """
    out = rows.copy()
    by_urn = summary.set_index("urn") if not summary.empty else None
    in_case = dict(zip(caseload["urn"], caseload["reason"], strict=True))
    out["in_caseload"] = [u in in_case for u in out["urn"]]
    out["caseload_reason"] = [in_case.get(u, "") for u in out["urn"]]

    def pick(column: str, default: Any) -> list[Any]:
        if by_urn is None:
            return [default] * len(out)
        return [by_urn.at[u, column] if u in by_urn.index else default for u in out["urn"]]

    out["supported_on"] = pick("supported_on", None)
    out["next_action_due"] = pick("next_action_due", None)
    out["overdue_actions"] = [int(v or 0) for v in pick("overdue_actions", 0)]
    return out


def casework_note(row: pd.Series) -> str:
    """'supported on 3 Dec 2026; next action due 10 Jan 2027; 1 overdue' for one worklist row."""
    bits = []
    if row.get("supported_on"):
        bits.append(f"supported on {_day(row['supported_on'])}")
    if row.get("next_action_due"):
        bits.append(f"next action due {_day(row['next_action_due'])}")
    overdue = int(row.get("overdue_actions") or 0)
    if overdue:
        bits.append(f"{overdue} overdue action" + ("" if overdue == 1 else "s"))
    return "; ".join(bits)


def _day(value: date) -> str:
    return day_month_year(value)


# --- county themes -----------------------------------------------------------------------------


def theme_trend(con: Con, f: Filters) -> pd.DataFrame:
    """Each theme in each round: returning schools, schools with the theme, share (%).

    Returning schools are those with a current return in the round (within the
    filters). Columns: round, flag, flag_label, county_action, returning, schools, share_pct.
    """
    # every round: a trend (the round filter narrows single-round queries only)
    where, params = _where("gold.school_rounds", f, alias="sr", skip=("round",))
    returning = f"SELECT sr.round, sr.return_id FROM gold.school_rounds sr WHERE {where}"
    totals = dict(
        con.execute(
            f"SELECT round, count(*) FROM ({returning}) GROUP BY round ORDER BY round", params
        ).fetchall()
    )
    hits = {
        (rnd, flag): n
        for rnd, flag, n in con.execute(
            f"""SELECT t.round, t.flag, count(*) FROM gold.school_themes t
                JOIN ({returning}) r USING (return_id) GROUP BY t.round, t.flag""",
            params,
        ).fetchall()
    }
    themes = sorted(
        (t for t in read_seed("flags") if t["kind"] == "theme"), key=lambda t: int(t["sort_order"])
    )
    rows = [
        {
            "round": rnd,
            "flag": t["flag"],
            "flag_label": t["label"],
            "county_action": t["county_action"],
            "returning": int(total),
            "schools": int(hits.get((rnd, t["flag"]), 0)),
            "share_pct": 100.0 * hits.get((rnd, t["flag"]), 0) / total,
        }
        for t in themes
        for rnd, total in sorted(totals.items())
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "round",
            "flag",
            "flag_label",
            "county_action",
            "returning",
            "schools",
            "share_pct",
        ],
    )


def county_themes(con: Con, f: Filters, round: str | None = None) -> pd.DataFrame:
    """One row per theme for ``round`` (default the current): share, trend and county action.

    Columns: flag, flag_label, schools, returning (returning schools), share_pct, trend
    (shares by round, oldest first, e.g. '52% → 61% → 63%'), county_action.
    """
    rnd = round or f.round or _current_round(con)
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
                "share_pct": _tenths(100 * schools / returning) if returning else None,
                "trend": " → ".join(
                    f"{when}: {_pct(share)}"
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


def _tenths(value: float) -> float:
    # half up to one decimal (the builtin is shadowed by the contract's ``round``)
    return int(value * 10 + 0.5) / 10


def _pct(value: float) -> str:
    # half up, as everywhere the council reads a percentage
    return f"{int(value + 0.5)}%"


# --- worklist summary (cabinet pack) -------------------------------------------------------------


def worklist_summary(con: Con, f: Filters) -> pd.DataFrame:
    """Flagged schools per priority, with how many are within capacity: priority, label,
    schools, within_capacity (every priority, zero when none)."""
    where, params = _where("gold.school_overview", f, alias="s")
    found = {
        p: (n, c)
        for p, n, c in con.execute(
            f"""SELECT s.priority, count(*), count(*) FILTER (WHERE s.within_capacity)
                FROM gold.school_overview s WHERE s.flag_count > 0 AND {where}
                GROUP BY s.priority""",
            params,
        ).fetchall()
    }
    return pd.DataFrame(
        [
            {
                "priority": p,
                "label": label,
                "schools": int(found.get(p, (0, 0))[0]),
                "within_capacity": int(found.get(p, (0, 0))[1]),
            }
            for p, label in vocabulary("priority").items()
        ],
        columns=["priority", "label", "schools", "within_capacity"],
    )


# --- one school's flags, and the casework export -------------------------------------------------


def school_flags(con: Con, urn: int) -> pd.DataFrame:
    """One school's flags, concerns first: kind and kind_label, flag_label, reason,
    suggested_action, weight, priority and priority_label, support_score, round."""
    df = _df(
        con,
        """
        SELECT kind, flag_label, reason, suggested_action, weight, priority, priority_label,
               support_score, round
        FROM gold.support_flags WHERE urn = ?
        ORDER BY kind = 'theme', flag_order""",
        [int(urn)],
    )
    df.insert(1, "kind_label", df["kind"].map(vocabulary("flag_kind")))
    return df


def school_directory(con: Con, f: Filters) -> pd.DataFrame:
    """urn, name, district, setting of the schools within the filters (for casework joins)."""
    where, params = _where("gold.school_overview", f, alias="s", skip=("filtering",))
    return _df(
        con,
        f"SELECT s.urn, s.name, s.district, s.setting FROM gold.school_overview s WHERE {where}",
        params,
    )


CASEWORK_EXPORT = [
    "urn",
    "school",
    "district",
    "setting",
    "round",
    "supported_on",
    "type_label",
    "officer",
    "notes",
    "next_review",
    "action",
    "owner",
    "due_on",
    "action_status_label",
]


def casework_export(
    records: pd.DataFrame, actions: pd.DataFrame, directory: pd.DataFrame
) -> pd.DataFrame:
    """One row per agreed action (a record with none: one row), schools within ``directory``.

    Columns: urn, school, district, setting, round, supported_on, type_label, officer,
    notes, next_review, action, owner, due_on, action_status_label. ``records``/``actions``
    from :mod:`lakehouse.casework`; labels from the seeds.
    """
    if records.empty:
        return pd.DataFrame(columns=CASEWORK_EXPORT)
    names = directory.set_index("urn")
    types = vocabulary("support_type")
    statuses = vocabulary("action_status")
    by_record = {rid: g for rid, g in actions.groupby("record_id")} if not actions.empty else {}
    rows = []
    r: Any  # a row of the store's frame: its columns' types are the store's
    for r in records.itertuples(index=False):
        if r.urn not in names.index:
            continue
        base = {
            "urn": int(r.urn),
            "school": names.at[r.urn, "name"],
            "district": names.at[r.urn, "district"],
            "setting": names.at[r.urn, "setting"],
            "round": r.round,
            "supported_on": r.supported_on,
            "type_label": types.get(r.type, r.type),
            "officer": r.officer,
            "notes": r.notes,
            "next_review": r.next_review,
        }
        acts = by_record.get(r.id)
        if acts is None or acts.empty:
            rows.append(
                {**base, "action": "", "owner": "", "due_on": None, "action_status_label": ""}
            )
            continue
        for a in acts.itertuples(index=False):
            rows.append(
                {
                    **base,
                    "action": a.action,
                    "owner": a.owner,
                    "due_on": a.due_on,
                    "action_status_label": statuses.get(a.status, a.status),
                }
            )
    return pd.DataFrame(rows, columns=CASEWORK_EXPORT)


# --- chasing returns ---------------------------------------------------------------------------


def _as_of(con: Con) -> date | None:
    value = build_info(con).get("as_of")
    return date.fromisoformat(value) if value else None


def chase_list(con: Con, f: Filters, round: str | None = None) -> pd.DataFrame:
    """Expected schools with no return in the round: contacts, status and days to the deadline.

    Columns: urn, school, setting, district, contact, email, head, telephone, website,
    trust, postcode, round, status, status_label, deadline, days_to_deadline,
    previous_status_label, then the mail merge's name and address parts and has_email,
    has_contact. The status is *Awaiting return* before the deadline and *Missing* after
    it. Days to the deadline count from the build's as-of date (negative once it has
    passed). Contact columns are blank when the register extract did not carry them.
    ``contact`` and ``email`` are the person a chase goes to (gold.school_contacts: the
    council's contact list, an e-mail first); ``telephone`` is theirs, else the register's.
    """
    rnd = round or f.round or _current_round(con)
    where, params = _where("gold.returns_status", f.with_(round=rnd), alias="rs")
    as_of = _as_of(con)
    df = _df(
        con,
        f"""
        SELECT rs.urn, s.name AS school, rs.setting, rs.district,
               CASE WHEN c.contact_name IS NOT NULL
                    THEN c.contact_name || ' (' || c.contact_role_label || ')' END AS contact,
               c.email, s.head_name AS head, c.telephone, s.website, s.trust, s.postcode,
               rs.round, rs.status, rs.deadline, prev.status AS previous_status,
               s.head_title, s.head_first_name, s.head_last_name,
               c.salutation, c.street, c.locality, c.address3, c.town, c.county,
               c.has_email, c.has_contact
        FROM gold.returns_status rs
        JOIN gold.school_overview s USING (urn)
        LEFT JOIN gold.school_contacts c USING (urn)
        LEFT JOIN gold.returns_status prev
               ON prev.urn = rs.urn
              AND prev.round = (SELECT max(round) FROM gold.rounds WHERE round < ?)
        WHERE rs.status IN ('awaiting', 'missing') AND {where}
        ORDER BY rs.status = 'missing' DESC, rs.district, s.name""",
        [rnd, *params],
    )
    statuses = vocabulary("return_status")
    df.insert(
        list(df.columns).index("deadline"), "status_label", df["status"].map(statuses).fillna("")
    )
    df["previous_status_label"] = [
        statuses.get(s, "No record") for s in df.pop("previous_status").fillna("no record")
    ]
    days = [
        (d.date() if hasattr(d, "date") else d) - as_of if as_of and d is not None else None
        for d in df["deadline"]
    ]
    df.insert(
        list(df.columns).index("deadline") + 1,
        "days_to_deadline",
        [v.days if v is not None else None for v in days],
    )
    return df


def with_reminders(chase: pd.DataFrame, reminded: pd.DataFrame) -> pd.DataFrame:
    """The chase list with when each school was last reminded (:func:`casework.last_reminded`):
    last_reminded, reminded_how_label, reminders."""
    out = chase.copy()
    by_urn = reminded.set_index("urn") if not reminded.empty else None
    methods = vocabulary("reminder_method")

    def pick(column: str, default: Any) -> list[Any]:
        if by_urn is None:
            return [default] * len(out)
        return [by_urn.at[u, column] if u in by_urn.index else default for u in out["urn"]]

    out["last_reminded"] = pick("last_reminded", None)
    out["reminded_how_label"] = [methods.get(m, m) if m else "" for m in pick("reminded_how", "")]
    out["reminders"] = [int(n) for n in pick("reminders", 0)]
    return out


def contact_list(con: Con) -> pd.DataFrame:
    """The council's latest contact list as loaded, each person with the school it names:
    urn, school, district, role_label, name, email, telephone, is_chase_contact,
    in_register, is_open, source_file, source_row."""
    return _df(
        con,
        """
        SELECT urn, school, district, role_label, name, email, telephone, is_chase_contact,
               in_register, is_open, source_file, source_row
        FROM gold.contact_list""",
    )


def contact_problems(con: Con) -> pd.DataFrame:
    """What the latest contact list load reported: each problem naming its row and column
    (location, message)."""
    return _df(
        con,
        """
        SELECT m.location, m.message
        FROM gold.messages m
        WHERE m.sha256 = (
            SELECT sha256 FROM bronze.files
            WHERE kind = 'contacts' AND status IN ('loaded', 'rejected')
            ORDER BY ingested_at DESC LIMIT 1
        )
        ORDER BY m.ingested_at, m.message""",
    )


def contact_coverage(con: Con) -> dict[str, int]:
    """Open schools expected to return: how many, with an e-mail contact, with any contact."""
    row = con.execute(
        """
        SELECT count(*), count(*) FILTER (WHERE has_email), count(*) FILTER (WHERE has_contact)
        FROM gold.school_contacts WHERE expected_to_return"""
    ).fetchall()[0]
    return {"schools": int(row[0]), "with_email": int(row[1]), "with_contact": int(row[2])}


def contact_gaps(chase: pd.DataFrame) -> tuple[int, int]:
    """(schools on a chase list with no e-mail contact, those with no contact at all)."""
    if chase.empty or "has_email" not in chase:
        return 0, 0
    no_email = int((~chase["has_email"].fillna(False).astype(bool)).sum())
    nothing = int((~chase["has_contact"].fillna(False).astype(bool)).sum())
    return no_email, nothing


def contact_warning(chase: pd.DataFrame) -> str | None:
    """What a chase screen says when schools on it cannot be e-mailed (None when all can)."""
    no_email, nothing = contact_gaps(chase)
    if not no_email:
        return None
    total = len(chase)
    if total == 1:
        first = "The school on this list has no e-mail contact"
    elif no_email == total:
        first = f"None of the {total} schools on this list has an e-mail contact"
    else:
        verb = "has" if no_email == 1 else "have"
        first = f"{no_email} of the {total} schools on this list {verb} no e-mail contact"
    if not nothing:
        phone = "; they can be telephoned" if no_email > 1 else "; it can be telephoned"
    elif total == 1:
        phone = " and no telephone number"
    else:
        phone = f"; {nothing} {'has' if nothing == 1 else 'have'} no telephone number either"
    return (
        f"{first}{phone}. GIAS publishes no e-mail addresses: load the council's contact "
        "list with `python -m ingest contacts FILE.csv` (URN, role, name, e-mail, telephone)."
    )


def return_rates(con: Con, f: Filters) -> pd.DataFrame:
    """Per round, as councils report them: expected, received by the deadline (on time),
    received late, still awaiting, missing, and the on-time and received-in-all rates (%):
    round, deadline, expected, on_time, late, awaiting, missing, on_time_pct, received_pct."""
    where, params = _where("gold.returns_status", f, skip=("round",))
    df = _df(
        con,
        f"""
        SELECT round, any_value(deadline) AS deadline, count(*)::INTEGER AS expected,
               count(*) FILTER (WHERE status = 'received')::INTEGER AS on_time,
               count(*) FILTER (WHERE status = 'late')::INTEGER AS late,
               count(*) FILTER (WHERE status = 'awaiting')::INTEGER AS awaiting,
               count(*) FILTER (WHERE status = 'missing')::INTEGER AS missing
        FROM gold.returns_status WHERE {where}
        GROUP BY round ORDER BY round""",
        params,
    )
    expected = df["expected"].where(df["expected"] > 0)
    df["on_time_pct"] = [
        _tenths(100 * n / e) if pd.notna(e) else None
        for n, e in zip(df["on_time"], expected, strict=True)
    ]
    df["received_pct"] = [
        _tenths(100 * (n + late) / e) if pd.notna(e) else None
        for n, late, e in zip(df["on_time"], df["late"], expected, strict=True)
    ]
    return df


# --- impact ------------------------------------------------------------------------------------


# the groups impact compares: code -> its label's row in seeds/report_text.csv
IMPACT_GROUPS = {
    "supported": "impact_supported",
    "flagged_unsupported": "impact_flagged_unsupported",
}


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
    round pair, when it has an overall grade in both. Columns: round, next_round, group
    (``supported`` or ``flagged_unsupported``), group_label (seeds/report_text.csv),
    schools, improved, same, declined, improved_pct.
    """
    where, params = _where("gold.school_rounds", f, alias="sr", skip=("round",))
    grades = _df(
        con,
        f"""
        SELECT sr.urn, sr.round, sr.grade_overall FROM gold.school_rounds sr
        WHERE sr.grade_overall IS NOT NULL AND {where}""",
        params,
    )
    flagged = {
        (int(u), r)
        for u, r in con.execute(
            """
            SELECT urn, round FROM gold.school_themes
            UNION SELECT urn, round FROM gold.area_scores WHERE grade = 4
            UNION SELECT urn, round FROM gold.support_flags"""
        ).fetchall()
    }
    helped = {(int(u), str(r)) for u, r in supported}
    by_school = {(int(u), r): int(g) for u, r, g in grades.itertuples(index=False)}
    rounds = sorted({r for _, r in by_school})
    rows = []
    for rnd in rounds:
        nxt = f"{int(rnd[:4]) + 1}/{(int(rnd[:4]) + 2) % 100:02d}"
        if nxt not in rounds:
            continue
        groups: dict[str, list[int]] = {group: [] for group in IMPACT_GROUPS}
        for (urn, r), grade in by_school.items():
            if r != rnd or (urn, nxt) not in by_school:
                continue
            change = by_school[(urn, nxt)] - grade  # grades run 1 (best) to 4
            if (urn, rnd) in helped:
                groups["supported"].append(change)
            elif (urn, rnd) in flagged:
                groups["flagged_unsupported"].append(change)
        for group, changes in groups.items():
            n = len(changes)
            better = sum(c < 0 for c in changes)
            rows.append(
                {
                    "round": rnd,
                    "next_round": nxt,
                    "group": group,
                    "group_label": report_text(IMPACT_GROUPS[group]),
                    "schools": n,
                    "improved": better,
                    "same": sum(c == 0 for c in changes),
                    "declined": sum(c > 0 for c in changes),
                    "improved_pct": _tenths(100 * better / n) if n else None,
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "round",
            "next_round",
            "group",
            "group_label",
            "schools",
            "improved",
            "same",
            "declined",
            "improved_pct",
        ],
    )


# --- incomplete returns ------------------------------------------------------------------------


def incomplete_returns(con: Con, f: Filters, round: str | None = None) -> pd.DataFrame:
    """Current returns in the round that left out a whole section, for follow-up:
    urn, school, district, setting, completed_on, sections_missing (one row per return)."""
    rnd = round or f.round or _current_round(con)
    where, params = _where("gold.school_overview", f, alias="s", skip=("filtering",))
    return _df(
        con,
        f"""
        SELECT i.urn, s.name AS school, s.district, s.setting,
               any_value(i.completed_on) AS completed_on,
               string_agg(i.section_label || ' (' || i.detail || ')', '; '
                          ORDER BY i.section_order) AS sections_missing
        FROM gold.incomplete_returns i JOIN gold.school_overview s USING (urn)
        WHERE i.round = ? AND {where}
        GROUP BY i.urn, s.name, s.district, s.setting
        ORDER BY s.district, s.name""",
        [rnd, *params],
    )


def school_incomplete(con: Con, urn: int) -> dict[str, list[str]]:
    """Round -> the sections the school's current return in that round left out."""
    out: dict[str, list[str]] = {}
    for rnd, label in con.execute(
        "SELECT round, section_label FROM gold.incomplete_returns WHERE urn = ?"
        " ORDER BY round, section_order",
        [int(urn)],
    ).fetchall():
        out.setdefault(rnd, []).append(label)
    return out


# --- one school's case timeline -------------------------------------------------------------------


def school_returns(con: Con, urn: int) -> pd.DataFrame:
    """The school's returns round by round: round, status, status_label, completed_on,
    deadline, grade_overall (rounds it was expected in; its current return's grade)."""
    df = _df(
        con,
        """
        SELECT rs.round, rs.status, rs.completed_on, rs.deadline, sr.grade_overall
        FROM gold.returns_status rs
        LEFT JOIN gold.school_rounds sr ON sr.urn = rs.urn AND sr.round = rs.round
        WHERE rs.urn = ? ORDER BY rs.round""",
        [int(urn)],
    )
    df.insert(2, "status_label", df["status"].map(vocabulary("return_status")))
    return df


def case_timeline(entries: pd.DataFrame, returns: pd.DataFrame) -> pd.DataFrame:
    """One school's case timeline, newest first: the store's entries
    (:func:`lakehouse.casework.timeline`) and its returns (:func:`school_returns`): a
    return received (on time or late) on the day it was completed, a missing one on the
    deadline. A return still awaited is not history yet. Same columns as the entries."""
    rows = []
    r: Any  # a row of school_returns
    for r in returns.itertuples(index=False):
        if r.status in ("received", "late") and r.completed_on is not None:
            on = r.completed_on
            grade = (
                f"; overall {grade_label(int(r.grade_overall)).lower()}"
                if pd.notna(r.grade_overall)
                else ""
            )
            detail = f"{r.status_label}{grade}"
        elif r.status == "missing":
            on, detail = r.deadline, f"{r.status_label}: no return by the deadline"
        else:
            continue
        on = on.date() if isinstance(on, pd.Timestamp) else on
        rows.append(
            {
                "on": on,
                "at": on.isoformat(),
                "kind": "return",
                "what": f"Return for {r.round}",
                "detail": detail,
                "by": "",
                "entry": "",
                "entry_id": None,
                "undone": False,
            }
        )
    both = pd.concat([entries, pd.DataFrame(rows, columns=entries.columns)], ignore_index=True)
    return newest_first(both)


def top_concerns(con: Con) -> pd.DataFrame:
    """Every school that needs support (a concern: high or medium priority) with its first
    concern in the flags' seed order and that concern's suggested action: urn, top_concern
    ("Label: reason"), top_action. Schools with themes only have no row."""
    return _df(
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


# --- the cabinet pack: districts and the named-schools appendix ---------------------------------


def district_support(con: Con, f: Filters) -> pd.DataFrame:
    """The districts within the filters (every district when none is chosen), with their
    shapes and counts in the round: district_code, district_name, geometry, schools,
    expected (returns expected), received (on time or late), need_support (gold's
    needs_support: concerns), themes_only (flagged for themes only: met by the county-wide
    offer)."""
    where, params = _where("gold.school_overview", f, alias="s")
    picked, picked_params = "TRUE", []
    if f.districts:
        picked = f"d.district_name IN ({', '.join('?' * len(f.districts))})"
        picked_params = list(f.districts)
    return _df(
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
    where, params = _where("gold.school_overview", f, alias="s")
    return _df(
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
