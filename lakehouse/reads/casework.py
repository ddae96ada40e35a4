"""Casework beside the gold tables: pure joins of the worklist, the school directory and a
school's returns with what officers recorded in the store (:mod:`lakehouse.casework`,
which the pages and packs read through a store connection of their own).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from lakehouse.casework import newest_first
from lakehouse.filters import Filters
from lakehouse.reads.base import filter_sql
from lakehouse.sql import Con, frame


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


def school_directory(con: Con, f: Filters) -> pd.DataFrame:
    """urn, name, district, setting of the schools within the filters (for casework joins)."""
    where, params = filter_sql("gold.school_overview", f, alias="s", skip=("filtering",))
    return frame(
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
    "action_status",
    "action_open",
]


def casework_labels(con: Con) -> dict[str, dict[str, str]]:
    """The casework vocabularies as the built database names them (gold.casework_vocabulary):
    ``support_type``, ``action_status`` and ``reminder_method``, each code -> label in order.
    The store records codes; this is what pages and exports show for them."""
    labels: dict[str, dict[str, str]] = {
        "support_type": {},
        "action_status": {},
        "reminder_method": {},
    }
    for kind, code, label in con.execute(
        "SELECT vocabulary, code, label FROM gold.casework_vocabulary"
        " ORDER BY vocabulary, sort_order"
    ).fetchall():
        labels[kind][code] = label
    return labels


def casework_export(
    records: pd.DataFrame,
    actions: pd.DataFrame,
    directory: pd.DataFrame,
    labels: Mapping[str, Mapping[str, str]],
) -> pd.DataFrame:
    """One row per agreed action (a record with none: one row), schools within ``directory``.

    Columns: urn, school, district, setting, round, supported_on, type_label, officer,
    notes, next_review, action, owner, due_on, action_status_label, action_status (the code)
    and action_open (the store's ``is_open``: :func:`lakehouse.casework.open_statuses`).
    ``records``/``actions`` from :mod:`lakehouse.casework`; ``labels`` from
    :func:`casework_labels`. The one way to a school's support rows with their words: the
    casework workbook and the governor report both read it.
    """
    if records.empty:
        return pd.DataFrame(columns=CASEWORK_EXPORT)
    names = directory.set_index("urn")
    types = labels["support_type"]
    statuses = labels["action_status"]
    by_record = {rid: g for rid, g in actions.groupby("record_id")} if not actions.empty else {}
    rows = []
    r: Any  # a row of the store's frame: its columns' types are the store's
    a: Any
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
                {
                    **base,
                    "action": "",
                    "owner": "",
                    "due_on": None,
                    "action_status_label": "",
                    "action_status": "",
                    "action_open": False,
                }
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
                    "action_status": a.status,
                    "action_open": bool(a.is_open),
                }
            )
    return pd.DataFrame(rows, columns=CASEWORK_EXPORT)


def school_returns(con: Con, urn: int) -> pd.DataFrame:
    """The school's returns round by round: round, status, status_label, completed_on,
    deadline, grade_overall, grade_overall_label (rounds it was expected in; its current
    return's overall grade and that grade's label from gold.area_scores)."""
    return frame(
        con,
        """
        SELECT rs.round, rs.status, rs.status_label, rs.completed_on, rs.deadline,
               sr.grade_overall, a.grade_label AS grade_overall_label
        FROM gold.returns_status rs
        LEFT JOIN gold.school_rounds sr ON sr.urn = rs.urn AND sr.round = rs.round
        LEFT JOIN gold.area_scores a
            ON a.urn = rs.urn AND a.round = rs.round AND a.area = 'overall'
        WHERE rs.urn = ? ORDER BY rs.round""",
        [int(urn)],
    )


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
                f"; overall {r.grade_overall_label.lower()}" if pd.notna(r.grade_overall) else ""
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
