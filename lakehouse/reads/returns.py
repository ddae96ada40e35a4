"""Returns: who has sent theirs, the files that could not be read and the warnings
inside those that could, return rates by round, the chase list and the council's
contacts, and returns that left out a whole section. Gold only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from lakehouse.filters import Filters
from lakehouse.reads.base import NOT_KNOWN, as_of_date, current_round, filter_sql, tenths
from lakehouse.sql import Con, frame

RETURNS_BY: tuple[str, ...] = ("district", "setting")


# grouping column -> where its groups come in order: settings in the council's usual order
# (gold.settings; a setting it lacks, and the not-known group, after them by name), districts
# by name
_RETURNS_ORDER = {
    "district": 'c."group"',
    "setting": 'coalesce(o.setting_order, (SELECT count(*) + 1 FROM gold.settings)), c."group"',
}


def returns_by(con: Con, f: Filters, by: str) -> pd.DataFrame:
    """Expected, received, late and missing returns in the round per district or setting
    (settings in the council's usual order, districts by name)."""
    if by not in RETURNS_BY:
        raise ValueError(f"cannot group returns by {by!r}")
    where, params = filter_sql("gold.returns_status", f)
    return frame(
        con,
        f"""
        WITH counted AS (
            SELECT coalesce({by}, {NOT_KNOWN}) AS "group", count(*)::INTEGER AS expected,
                   count(*) FILTER (WHERE status IN ('received', 'late'))::INTEGER AS received,
                   count(*) FILTER (WHERE status = 'late')::INTEGER AS late,
                   count(*) FILTER (WHERE status = 'missing')::INTEGER AS missing,
                   count(*) FILTER (WHERE status = 'awaiting')::INTEGER AS awaiting
            FROM gold.returns_status WHERE {where} GROUP BY 1
        )
        SELECT c.* FROM counted c LEFT JOIN gold.settings o ON o.setting = c."group"
        ORDER BY {_RETURNS_ORDER[by]}""",
        params,
    )


def rejected_files(con: Con) -> pd.DataFrame:
    """Files that could not be loaded, newest first: the school each came from (when the
    file named one: its register name, else the URN it gave), the reason, when received."""
    df = frame(
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
    where, params = filter_sql("gold.school_overview", f, alias="s", skip=("filtering",))
    return frame(con, sql.format(where=where), [f.round, *params])


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
    an indicator code in a message has its statement quoted beside it (gold.messages'
    message_quoted)."""
    return _file_rows_in_round(
        con,
        f,
        """
        SELECT m.urn, s.name AS school, m.file_name, m.severity, m.location,
               m.message_quoted AS message
        FROM gold.messages m JOIN gold.school_overview s ON s.urn = m.urn
        WHERE m.round = ? AND {where}
        ORDER BY m.severity, s.name, m.location""",
    )


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
    rnd = round or f.round or current_round(con)
    where, params = filter_sql("gold.returns_status", f.with_(round=rnd), alias="rs")
    as_of = as_of_date(con)
    df = frame(
        con,
        f"""
        SELECT rs.urn, s.name AS school, rs.setting, rs.district,
               CASE WHEN c.contact_name IS NOT NULL
                    THEN c.contact_name || ' (' || c.contact_role_label || ')' END AS contact,
               c.email, s.head_name AS head, c.telephone, s.website, s.trust, s.postcode,
               rs.round, rs.status, coalesce(rs.status_label, '') AS status_label, rs.deadline,
               coalesce(prev.status_label, 'No record') AS previous_status_label,
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


def with_reminders(
    chase: pd.DataFrame, reminded: pd.DataFrame, methods: Mapping[str, str]
) -> pd.DataFrame:
    """The chase list with when each school was last reminded (:func:`casework.last_reminded`):
    last_reminded, reminded_how_label (``methods``: the reminder methods' labels,
    :func:`lakehouse.reads.casework.casework_labels`), reminders."""
    out = chase.copy()
    by_urn = reminded.set_index("urn") if not reminded.empty else None

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
    return frame(
        con,
        """
        SELECT urn, school, district, role_label, name, email, telephone, is_chase_contact,
               in_register, is_open, source_file, source_row
        FROM gold.contact_list""",
    )


def contact_problems(con: Con) -> pd.DataFrame:
    """What the latest contact list load reported: each problem naming its row and column
    (location, message)."""
    return frame(
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


def return_rates(con: Con, f: Filters) -> pd.DataFrame:
    """Per round, as councils report them: expected, received by the deadline (on time),
    received late, still awaiting, missing, and the on-time and received-in-all rates (%):
    round, deadline, expected, on_time, late, awaiting, missing, on_time_pct, received_pct."""
    where, params = filter_sql("gold.returns_status", f, skip=("round",))
    df = frame(
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
        tenths(100 * n / e) if pd.notna(e) else None
        for n, e in zip(df["on_time"], expected, strict=True)
    ]
    df["received_pct"] = [
        tenths(100 * (n + late) / e) if pd.notna(e) else None
        for n, late, e in zip(df["on_time"], df["late"], expected, strict=True)
    ]
    return df


def incomplete_returns(con: Con, f: Filters, round: str | None = None) -> pd.DataFrame:
    """Current returns in the round that left out a whole section, for follow-up:
    urn, school, district, setting, completed_on, sections_missing (one row per return)."""
    rnd = round or f.round or current_round(con)
    where, params = filter_sql("gold.school_overview", f, alias="s", skip=("filtering",))
    return frame(
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
