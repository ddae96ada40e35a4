"""Casework: the support the council gives each school, kept in the transactional store.

What officers type in — support records, agreed actions, the caseload, chase
reminders — lives in the SQLite store beside the analytical database
(:mod:`lakehouse.store`), never in the DuckDB file that every ingest replaces.
Every write is one ``BEGIN IMMEDIATE`` transaction that also appends its audit
event, so a record and its audit line stand or fall together. ``lakehouse
build`` never writes here.

Vocabularies (support types, action statuses, reminder methods) are seeds;
functions take and return their codes. Dates are ISO text in the store and
:class:`datetime.date` in Python.

Streamlit-free: pages call these with ``ui.auth.current_user().email`` as
``by`` after ``ui.auth.require("casework")``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd

from lakehouse import audit, store
from lakehouse.seeds import vocabulary

store.register_schema(
    "casework",
    """
    CREATE TABLE IF NOT EXISTS support_records (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        urn          INTEGER NOT NULL,
        round        TEXT NOT NULL,      -- the collection round the support belongs to
        supported_on TEXT NOT NULL,      -- ISO date
        type         TEXT NOT NULL,      -- seeds/support_types.csv
        officer      TEXT NOT NULL,
        notes        TEXT NOT NULL DEFAULT '',
        next_review  TEXT,               -- ISO date or null
        created_at   TEXT NOT NULL,
        created_by   TEXT NOT NULL,
        updated_at   TEXT NOT NULL,
        updated_by   TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS support_records_urn ON support_records (urn);
    CREATE TABLE IF NOT EXISTS support_actions (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        record_id   INTEGER NOT NULL REFERENCES support_records (id),
        action      TEXT NOT NULL,
        owner       TEXT NOT NULL,
        due_on      TEXT,               -- ISO date or null
        status      TEXT NOT NULL,      -- seeds/action_statuses.csv
        updated_at  TEXT NOT NULL,
        updated_by  TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS support_actions_record ON support_actions (record_id);
    CREATE TABLE IF NOT EXISTS caseload_events (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        urn       INTEGER NOT NULL,
        round     TEXT NOT NULL,
        in_caseload INTEGER NOT NULL,   -- 1 added, 0 removed; the latest event holds
        reason    TEXT NOT NULL,
        at        TEXT NOT NULL,
        by        TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS caseload_events_round ON caseload_events (round, urn);
    CREATE TABLE IF NOT EXISTS reminders (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        urn         INTEGER NOT NULL,
        round       TEXT NOT NULL,
        reminded_on TEXT NOT NULL,      -- ISO date
        method      TEXT NOT NULL,      -- seeds/reminder_methods.csv
        by          TEXT NOT NULL,
        note        TEXT NOT NULL DEFAULT '',
        created_at  TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS reminders_round ON reminders (round, urn);
    """,
)

NOTES_MAX = 4000  # characters: a page of notes, not a pasted document


class CaseworkError(ValueError):
    """A casework entry that cannot be saved; the message is one line for the officer."""


@dataclass(frozen=True)
class Action:
    """One agreed action: what, who does it, by when, and where it stands."""

    action: str
    owner: str
    due_on: date | None = None
    status: str = "open"


def connect(db: Any = None) -> sqlite3.Connection:
    """The store for ``db`` (default ``$ESAFETY_DB``'s) with the casework tables."""
    return store.connect(db)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _text(value: str | None, what: str, *, required: bool = True, limit: int = 200) -> str:
    text = (value or "").strip()
    if required and not text:
        raise CaseworkError(f"{what} is needed")
    if len(text) > limit:
        raise CaseworkError(f"{what} is too long ({len(text)} characters; at most {limit})")
    return text


def _code(value: str, kind: str, what: str) -> str:
    codes = vocabulary(kind)
    if value not in codes:
        raise CaseworkError(f"{what} '{value}' is not one of: {', '.join(codes.values())}")
    return value


def _check_action(a: Action) -> Action:
    return Action(
        action=_text(a.action, "The action", limit=500),
        owner=_text(a.owner, "The action's owner"),
        due_on=a.due_on,
        status=_code(a.status, "action_status", "Action status"),
    )


# --- support records and their actions -------------------------------------------------------


def add_record(
    con: sqlite3.Connection,
    *,
    urn: int,
    round: str,  # noqa: A002 - the contract's name
    supported_on: date,
    type: str,  # noqa: A002 - the seed's column
    officer: str,
    by: str,
    notes: str = "",
    next_review: date | None = None,
    actions: Iterable[Action] = (),
) -> int:
    """Save one support record and its agreed actions; returns the record's id."""
    checked = [_check_action(a) for a in actions]
    values = [
        int(urn),
        _text(round, "The round"),
        supported_on.isoformat(),
        _code(type, "support_type", "Support type"),
        _text(officer, "The officer"),
        _text(notes, "Notes", required=False, limit=NOTES_MAX),
        _iso(next_review),
    ]
    now = _now()
    with store.transaction(con):
        cur = con.execute(
            "INSERT INTO support_records (urn, round, supported_on, type, officer, notes,"
            " next_review, created_at, created_by, updated_at, updated_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [*values, now, by, now, by],
        )
        record_id = int(cur.lastrowid)
        for a in checked:
            _insert_action(con, record_id, a, by, now)
        audit.record_in(
            con,
            by,
            "casework",
            change="support record added",
            record=record_id,
            urn=int(urn),
            type=type,
            actions=len(checked),
        )
    return record_id


def _insert_action(con: sqlite3.Connection, record_id: int, a: Action, by: str, now: str) -> int:
    cur = con.execute(
        "INSERT INTO support_actions (record_id, action, owner, due_on, status, updated_at,"
        " updated_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [record_id, a.action, a.owner, _iso(a.due_on), a.status, now, by],
    )
    return int(cur.lastrowid)


def update_record(
    con: sqlite3.Connection,
    record_id: int,
    *,
    by: str,
    notes: str | None = None,
    next_review: date | None = None,
    clear_next_review: bool = False,
) -> None:
    """Change a record's notes or next review date (who and when are kept)."""
    with store.transaction(con):
        row = con.execute(
            "SELECT urn, notes, next_review FROM support_records WHERE id = ?", [record_id]
        ).fetchone()
        if row is None:
            raise CaseworkError(f"support record {record_id} does not exist")
        new_notes = (
            row["notes"]
            if notes is None
            else _text(notes, "Notes", required=False, limit=NOTES_MAX)
        )
        new_review = None if clear_next_review else (_iso(next_review) or row["next_review"])
        con.execute(
            "UPDATE support_records SET notes = ?, next_review = ?, updated_at = ?, updated_by = ?"
            " WHERE id = ?",
            [new_notes, new_review, _now(), by, record_id],
        )
        audit.record_in(
            con,
            by,
            "casework",
            change="support record updated",
            record=record_id,
            urn=row["urn"],
        )


def add_action(con: sqlite3.Connection, record_id: int, action: Action, *, by: str) -> int:
    """Add an agreed action to an existing record; returns its id."""
    checked = _check_action(action)
    with store.transaction(con):
        row = con.execute("SELECT urn FROM support_records WHERE id = ?", [record_id]).fetchone()
        if row is None:
            raise CaseworkError(f"support record {record_id} does not exist")
        action_id = _insert_action(con, record_id, checked, by, _now())
        audit.record_in(
            con,
            by,
            "casework",
            change="action added",
            record=record_id,
            action_id=action_id,
            urn=row["urn"],
        )
    return action_id


def set_action_status(con: sqlite3.Connection, action_id: int, status: str, *, by: str) -> None:
    """Mark an action open, done or dropped."""
    _code(status, "action_status", "Action status")
    with store.transaction(con):
        row = con.execute(
            "SELECT a.status, r.urn FROM support_actions a JOIN support_records r"
            " ON r.id = a.record_id WHERE a.id = ?",
            [action_id],
        ).fetchone()
        if row is None:
            raise CaseworkError(f"action {action_id} does not exist")
        con.execute(
            "UPDATE support_actions SET status = ?, updated_at = ?, updated_by = ? WHERE id = ?",
            [status, _now(), by, action_id],
        )
        audit.record_in(
            con,
            by,
            "casework",
            change="action status",
            action_id=action_id,
            urn=row["urn"],
            before=row["status"],
            after=status,
        )


def _frame(
    con: sqlite3.Connection, sql: str, params: list[Any], columns: list[str]
) -> pd.DataFrame:
    rows = con.execute(sql, params).fetchall()
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def _dates(df: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for c in columns:
        df[c] = [date.fromisoformat(v) if isinstance(v, str) and v else None for v in df[c]]
    return df


RECORD_COLUMNS = [
    "id",
    "urn",
    "round",
    "supported_on",
    "type",
    "officer",
    "notes",
    "next_review",
    "updated_at",
    "updated_by",
]
ACTION_COLUMNS = [
    "id",
    "record_id",
    "urn",
    "round",
    "action",
    "owner",
    "due_on",
    "status",
    "updated_at",
    "updated_by",
]


def records(con: sqlite3.Connection, urn: int | None = None) -> pd.DataFrame:
    """Support records newest first (one school's, or all)."""
    where, params = ("WHERE urn = ?", [int(urn)]) if urn is not None else ("", [])
    df = _frame(
        con,
        f"SELECT {', '.join(RECORD_COLUMNS)} FROM support_records {where}"
        " ORDER BY supported_on DESC, id DESC",
        params,
        RECORD_COLUMNS,
    )
    return _dates(df, "supported_on", "next_review")


def actions(con: sqlite3.Connection, urn: int | None = None) -> pd.DataFrame:
    """Agreed actions, soonest due first (one school's, or all)."""
    where, params = ("WHERE r.urn = ?", [int(urn)]) if urn is not None else ("", [])
    df = _frame(
        con,
        "SELECT a.id, a.record_id, r.urn, r.round, a.action, a.owner, a.due_on, a.status,"
        " a.updated_at, a.updated_by FROM support_actions a"
        f" JOIN support_records r ON r.id = a.record_id {where}"
        " ORDER BY a.due_on IS NULL, a.due_on, a.id",
        params,
        ACTION_COLUMNS,
    )
    return _dates(df, "due_on")


def summary(con: sqlite3.Connection, today: date) -> pd.DataFrame:
    """One row per school with casework: last supported, next action due, overdue actions.

    Columns: urn, supported_on (latest), records, open_actions, next_action_due,
    overdue_actions (open and due before ``today``), next_review.
    """
    open_codes = [c for c, row in _open_statuses().items() if row]
    marks = ", ".join("?" * len(open_codes)) or "NULL"
    df = _frame(
        con,
        f"""
        SELECT r.urn,
               max(r.supported_on),
               count(DISTINCT r.id),
               count(a.id) FILTER (WHERE a.status IN ({marks})),
               min(a.due_on) FILTER (WHERE a.status IN ({marks})),
               count(a.id) FILTER (WHERE a.status IN ({marks}) AND a.due_on < ?),
               (SELECT r2.next_review FROM support_records r2 WHERE r2.urn = r.urn
                 ORDER BY r2.supported_on DESC, r2.id DESC LIMIT 1)
        FROM support_records r LEFT JOIN support_actions a ON a.record_id = r.id
        GROUP BY r.urn ORDER BY r.urn""",
        [*open_codes, *open_codes, *open_codes, today.isoformat()],
        [
            "urn",
            "supported_on",
            "records",
            "open_actions",
            "next_action_due",
            "overdue_actions",
            "next_review",
        ],
    )
    return _dates(df, "supported_on", "next_action_due", "next_review")


def _open_statuses() -> dict[str, bool]:
    from lakehouse.seeds import read_seed

    return {r["status"]: r["is_open"].lower() == "true" for r in read_seed("action_statuses")}


def supported_rounds(con: sqlite3.Connection) -> pd.DataFrame:
    """School x round with any support record: urn, round, records."""
    return _frame(
        con,
        "SELECT urn, round, count(*) FROM support_records GROUP BY urn, round ORDER BY urn, round",
        [],
        ["urn", "round", "records"],
    )


# --- the caseload ------------------------------------------------------------------------------


def set_caseload(
    con: sqlite3.Connection,
    urn: int,
    round: str,  # noqa: A002
    in_caseload: bool,
    *,
    reason: str,
    by: str,
) -> None:
    """Add a school to the round's caseload, or take it off, with the officer's reason."""
    why = _text(reason, "A reason", limit=500)
    with store.transaction(con):
        con.execute(
            "INSERT INTO caseload_events (urn, round, in_caseload, reason, at, by)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [int(urn), _text(round, "The round"), int(bool(in_caseload)), why, _now(), by],
        )
        audit.record_in(
            con,
            by,
            "casework",
            change="caseload " + ("added" if in_caseload else "removed"),
            urn=int(urn),
            round=round,
            reason=why,
        )


def caseload(con: sqlite3.Connection, round: str) -> pd.DataFrame:  # noqa: A002
    """The round's caseload now: urn, reason, since, by (the latest event per school holds)."""
    df = _frame(
        con,
        """
        SELECT urn, reason, at, by FROM caseload_events e
        WHERE round = ? AND in_caseload = 1
          AND id = (SELECT max(id) FROM caseload_events e2
                    WHERE e2.urn = e.urn AND e2.round = e.round)
        ORDER BY urn""",
        [round],
        ["urn", "reason", "since", "by"],
    )
    return df


def caseload_history(con: sqlite3.Connection, urn: int) -> pd.DataFrame:
    """Every add and remove for one school, newest first."""
    df = _frame(
        con,
        "SELECT round, in_caseload, reason, at, by FROM caseload_events WHERE urn = ?"
        " ORDER BY id DESC",
        [int(urn)],
        ["round", "in_caseload", "reason", "at", "by"],
    )
    df["in_caseload"] = df["in_caseload"].astype(bool)
    return df


# --- chase reminders -----------------------------------------------------------------------------


def log_reminder(
    con: sqlite3.Connection,
    urn: int,
    round: str,  # noqa: A002
    *,
    reminded_on: date,
    method: str,
    by: str,
    note: str = "",
) -> int:
    """Record that a school was reminded about its return: when, how, by whom."""
    values = [
        int(urn),
        _text(round, "The round"),
        reminded_on.isoformat(),
        _code(method, "reminder_method", "Reminder method"),
        _text(by, "Who reminded the school"),
        _text(note, "The note", required=False, limit=500),
        _now(),
    ]
    with store.transaction(con):
        cur = con.execute(
            "INSERT INTO reminders (urn, round, reminded_on, method, by, note, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            values,
        )
        audit.record_in(
            con,
            by,
            "casework",
            change="reminder logged",
            urn=int(urn),
            round=round,
            method=method,
        )
    return int(cur.lastrowid)


def reminders(con: sqlite3.Connection, round: str | None = None) -> pd.DataFrame:  # noqa: A002
    """Reminders newest first: urn, round, reminded_on, method, by, note."""
    where, params = ("WHERE round = ?", [round]) if round else ("", [])
    df = _frame(
        con,
        f"SELECT urn, round, reminded_on, method, by, note FROM reminders {where}"
        " ORDER BY reminded_on DESC, id DESC",
        params,
        ["urn", "round", "reminded_on", "method", "by", "note"],
    )
    return _dates(df, "reminded_on")


def last_reminded(con: sqlite3.Connection, round: str) -> pd.DataFrame:  # noqa: A002
    """Per school, the latest reminder in the round: urn, last_reminded, reminded_how, reminders."""
    df = _frame(
        con,
        """
        SELECT urn, max(reminded_on), count(*),
               (SELECT method FROM reminders r2 WHERE r2.urn = r.urn AND r2.round = r.round
                 ORDER BY reminded_on DESC, id DESC LIMIT 1)
        FROM reminders r WHERE round = ? GROUP BY urn, round ORDER BY urn""",
        [round],
        ["urn", "last_reminded", "reminders", "reminded_how"],
    )
    return _dates(df, "last_reminded")


def supported_pairs(db: Any = None) -> tuple[tuple[int, str], ...]:
    """(urn, round) of every school with a support record, from the store of ``db`` (a path or
    an object with ``.path``); empty when no store exists yet (reading never creates one).

    What :func:`lakehouse.triage.impact` takes, for packs that have only the database.
    """
    where = store.store_path(getattr(db, "path", db))
    if not where.exists():
        return ()
    con = store.connect(path=where)
    try:
        rounds = supported_rounds(con)
    finally:
        con.close()
    return tuple((int(u), str(r)) for u, r in zip(rounds["urn"], rounds["round"], strict=True))
