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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd

from lakehouse import audit, store
from lakehouse.dates import day_month_year
from lakehouse.seeds import read_seed, vocabulary

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
    -- every change of an action's status, append-only: when it was done, and by whom
    CREATE TABLE IF NOT EXISTS action_events (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        action_id    INTEGER NOT NULL REFERENCES support_actions (id),
        status       TEXT NOT NULL,     -- seeds/action_statuses.csv
        before       TEXT NOT NULL,     -- the status it replaced
        completed_on TEXT,              -- ISO date, for a status that completes the action
        at           TEXT NOT NULL,
        by           TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS action_events_action ON action_events (action_id);
    -- an undo is a row of its own: the entry it reverses stays, marked undone
    CREATE TABLE IF NOT EXISTS casework_undos (
        id       INTEGER PRIMARY KEY AUTOINCREMENT,
        entry    TEXT NOT NULL,         -- record / reminder / caseload / action_event
        entry_id INTEGER NOT NULL,
        reason   TEXT NOT NULL,
        at       TEXT NOT NULL,
        by       TEXT NOT NULL,
        UNIQUE (entry, entry_id)
    );
    """,
)

UNDOABLE = ("record", "reminder", "caseload", "action_event")
# "id NOT IN" this for each kind of entry: what an undo has taken back
_LIVE = "{col} NOT IN (SELECT entry_id FROM casework_undos WHERE entry = '{entry}')"


def _live(col: str, entry: str) -> str:
    return _LIVE.format(col=col, entry=entry)


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


def _new_id(cur: sqlite3.Cursor) -> int:
    """The id SQLite gave the row an INSERT on ``cur`` just wrote."""
    if cur.lastrowid is None:
        raise sqlite3.DatabaseError("the insert wrote no row")
    return cur.lastrowid


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
    round: str,
    supported_on: date,
    type: str,
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
        record_id = _new_id(cur)
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
    return _new_id(cur)


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


def _completes(status: str) -> bool:
    """Whether an action with this status is completed (done), not open or dropped."""
    return status == "done"


def set_action_status(
    con: sqlite3.Connection,
    action_id: int,
    status: str,
    *,
    by: str,
    completed_on: date | None = None,
) -> int:
    """Mark an action open, done or dropped; returns the event's id.

    Done keeps its completion date (``completed_on``, default today); each change is a
    row of ``action_events``, so the action's history and its undo are on record.
    """
    _code(status, "action_status", "Action status")
    done_on = (completed_on or date.today()) if _completes(status) else None
    with store.transaction(con):
        row = con.execute(
            "SELECT a.status, r.urn FROM support_actions a JOIN support_records r"
            " ON r.id = a.record_id WHERE a.id = ?",
            [action_id],
        ).fetchone()
        if row is None:
            raise CaseworkError(f"action {action_id} does not exist")
        now = _now()
        con.execute(
            "UPDATE support_actions SET status = ?, updated_at = ?, updated_by = ? WHERE id = ?",
            [status, now, by, action_id],
        )
        cur = con.execute(
            "INSERT INTO action_events (action_id, status, before, completed_on, at, by)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [action_id, status, row["status"], _iso(done_on), now, by],
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
            completed_on=_iso(done_on),
        )
    return _new_id(cur)


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
    "completed_on",
    "updated_at",
    "updated_by",
    "is_open",
]
# the completion date of an action now done: its latest live event's
_COMPLETED_ON = f"""(SELECT e.completed_on FROM action_events e
    WHERE e.action_id = a.id AND {_live("e.id", "action_event")}
    ORDER BY e.id DESC LIMIT 1)"""


def records(con: sqlite3.Connection, urn: int | None = None) -> pd.DataFrame:
    """Support records newest first (one school's, or all); an undone record is left out."""
    where, params = ("AND urn = ?", [int(urn)]) if urn is not None else ("", [])
    df = _frame(
        con,
        f"SELECT {', '.join(RECORD_COLUMNS)} FROM support_records"
        f" WHERE {_live('id', 'record')} {where}"
        " ORDER BY supported_on DESC, id DESC",
        params,
        RECORD_COLUMNS,
    )
    return _dates(df, "supported_on", "next_review")


def actions(con: sqlite3.Connection, urn: int | None = None) -> pd.DataFrame:
    """Agreed actions, soonest due first (one school's, or all), with ``completed_on`` for
    those done and ``is_open`` (:func:`open_statuses`); the actions of an undone record are
    left out."""
    where, params = ("AND r.urn = ?", [int(urn)]) if urn is not None else ("", [])
    df = _frame(
        con,
        "SELECT a.id, a.record_id, r.urn, r.round, a.action, a.owner, a.due_on, a.status,"
        f" CASE WHEN a.status = 'done' THEN {_COMPLETED_ON} END,"
        " a.updated_at, a.updated_by FROM support_actions a"
        f" JOIN support_records r ON r.id = a.record_id WHERE {_live('r.id', 'record')} {where}"
        " ORDER BY a.due_on IS NULL, a.due_on, a.id",
        params,
        ACTION_COLUMNS[:-1],
    )
    is_open = open_statuses()
    df["is_open"] = [s in is_open for s in df["status"]]
    return _dates(df, "due_on", "completed_on")


def summary(con: sqlite3.Connection, today: date) -> pd.DataFrame:
    """One row per school with casework: last supported, next action due, overdue actions.

    Columns: urn, supported_on (latest), records, open_actions, next_action_due,
    overdue_actions (open and due before ``today``), next_review.
    """
    open_codes = sorted(open_statuses())
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
                 AND {_live("r2.id", "record")} ORDER BY r2.supported_on DESC, r2.id DESC LIMIT 1)
        FROM support_records r LEFT JOIN support_actions a ON a.record_id = r.id
        WHERE {_live("r.id", "record")}
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


def open_statuses() -> frozenset[str]:
    """The action status codes that count as open (still to do): ``is_open`` in
    ``seeds/action_statuses.csv``, the one place a council changes it.

    The one answer to "is this action open?" for the summary, the store's action rows
    (``is_open``), the casework pages and the governor report. The store is read without a
    built database, so the rule is the seeds' in force, as a save's code check is.
    """
    return frozenset(
        r["status"] for r in read_seed("action_statuses") if r["is_open"].lower() == "true"
    )


def supported_rounds(con: sqlite3.Connection) -> pd.DataFrame:
    """School x round with any support record: urn, round, records."""
    return _frame(
        con,
        f"SELECT urn, round, count(*) FROM support_records WHERE {_live('id', 'record')}"
        " GROUP BY urn, round ORDER BY urn, round",
        [],
        ["urn", "round", "records"],
    )


# --- the caseload ------------------------------------------------------------------------------


def set_caseload(
    con: sqlite3.Connection,
    urn: int,
    round: str,
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


def caseload(con: sqlite3.Connection, round: str) -> pd.DataFrame:
    """The round's caseload now: urn, reason, since, by (the latest event per school holds)."""
    df = _frame(
        con,
        f"""
        SELECT urn, reason, at, by FROM caseload_events e
        WHERE round = ? AND in_caseload = 1
          AND id = (SELECT max(id) FROM caseload_events e2
                    WHERE e2.urn = e.urn AND e2.round = e.round
                      AND {_live("e2.id", "caseload")})
        ORDER BY urn""",
        [round],
        ["urn", "reason", "since", "by"],
    )
    return df


def caseload_history(con: sqlite3.Connection, urn: int) -> pd.DataFrame:
    """Every add and remove for one school, newest first (``undone`` when taken back)."""
    df = _frame(
        con,
        "SELECT id, round, in_caseload, reason, at, by,"
        f" NOT ({_live('id', 'caseload')}) FROM caseload_events WHERE urn = ?"
        " ORDER BY id DESC",
        [int(urn)],
        ["id", "round", "in_caseload", "reason", "at", "by", "undone"],
    )
    df["in_caseload"] = df["in_caseload"].astype(bool)
    df["undone"] = df["undone"].astype(bool)
    return df


# --- chase reminders -----------------------------------------------------------------------------


def log_reminder(
    con: sqlite3.Connection,
    urn: int,
    round: str,
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
    return _new_id(cur)


def reminders(con: sqlite3.Connection, round: str | None = None) -> pd.DataFrame:
    """Reminders newest first: urn, round, reminded_on, method, by, note."""
    where, params = ("AND round = ?", [round]) if round else ("", [])
    df = _frame(
        con,
        "SELECT urn, round, reminded_on, method, by, note FROM reminders"
        f" WHERE {_live('id', 'reminder')} {where}"
        " ORDER BY reminded_on DESC, id DESC",
        params,
        ["urn", "round", "reminded_on", "method", "by", "note"],
    )
    return _dates(df, "reminded_on")


def last_reminded(con: sqlite3.Connection, round: str) -> pd.DataFrame:
    """Per school, the latest reminder in the round: urn, last_reminded, reminded_how, reminders."""
    df = _frame(
        con,
        f"""
        SELECT urn, max(reminded_on), count(*),
               (SELECT method FROM reminders r2 WHERE r2.urn = r.urn AND r2.round = r.round
                 AND {_live("r2.id", "reminder")} ORDER BY reminded_on DESC, id DESC LIMIT 1)
        FROM reminders r WHERE round = ? AND {_live("r.id", "reminder")}
        GROUP BY urn, round ORDER BY urn""",
        [round],
        ["urn", "last_reminded", "reminders", "reminded_how"],
    )
    return _dates(df, "last_reminded")


def supported_pairs(db: Any = None) -> tuple[tuple[int, str], ...]:
    """(urn, round) of every school with a support record, from the store of ``db`` (a path or
    an object with ``.path``); empty when no store exists yet (reading never creates one).

    What :func:`lakehouse.reads.triage.impact` takes, for packs that have only the database.
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


# --- undo: a reversal row, never a delete --------------------------------------------------------

_ENTRY_URN = {
    "record": "SELECT urn FROM support_records WHERE id = ?",
    "reminder": "SELECT urn FROM reminders WHERE id = ?",
    "caseload": "SELECT urn FROM caseload_events WHERE id = ?",
    "action_event": "SELECT r.urn FROM action_events e JOIN support_actions a"
    " ON a.id = e.action_id JOIN support_records r ON r.id = a.record_id WHERE e.id = ?",
}


def undo(con: sqlite3.Connection, entry: str, entry_id: int, *, by: str, reason: str) -> int:
    """Take back one casework entry with a reason; returns the undo's id.

    The entry stays in the store and its audit line in the log; the undo is a row of
    its own (``casework_undos``) with its own audit line. Views leave an undone entry
    out; an undone status change puts the action back as it was (only the latest
    change of an action can be undone, so the history reads straight).
    """
    if entry not in UNDOABLE:
        raise CaseworkError(f"'{entry}' cannot be undone (one of: {', '.join(UNDOABLE)})")
    why = _text(reason, "A reason", limit=500)
    with store.transaction(con):
        row = con.execute(_ENTRY_URN[entry], [int(entry_id)]).fetchone()
        if row is None:
            raise CaseworkError(f"{entry.replace('_', ' ')} {entry_id} does not exist")
        done = con.execute(
            "SELECT 1 FROM casework_undos WHERE entry = ? AND entry_id = ?", [entry, entry_id]
        ).fetchone()
        if done:
            raise CaseworkError("That entry has been undone already")
        if entry == "action_event":
            event = con.execute(
                "SELECT action_id, before FROM action_events WHERE id = ?", [entry_id]
            ).fetchone()
            latest = con.execute(
                f"SELECT max(id) FROM action_events WHERE action_id = ?"
                f" AND {_live('id', 'action_event')}",
                [event["action_id"]],
            ).fetchone()[0]
            if latest != entry_id:
                raise CaseworkError("Undo the action's later change first")
            con.execute(
                "UPDATE support_actions SET status = ?, updated_at = ?, updated_by = ?"
                " WHERE id = ?",
                [event["before"], _now(), by, event["action_id"]],
            )
        cur = con.execute(
            "INSERT INTO casework_undos (entry, entry_id, reason, at, by) VALUES (?, ?, ?, ?, ?)",
            [entry, int(entry_id), why, _now(), by],
        )
        audit.record_in(
            con,
            by,
            "casework",
            change="undo",
            entry=entry,
            entry_id=int(entry_id),
            urn=row["urn"],
            reason=why,
        )
    return _new_id(cur)


# --- one case timeline per school ---------------------------------------------------------------

TIMELINE_COLUMNS = ["on", "at", "kind", "what", "detail", "by", "entry", "entry_id", "undone"]


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def _words(value: date | None) -> str:
    return day_month_year(value) if value else ""


def timeline(
    con: sqlite3.Connection, urn: int, labels: Mapping[str, Mapping[str, str]] | None = None
) -> pd.DataFrame:
    """Everything the store holds for one school, newest first: support records, agreed
    actions (due and completion dates), status changes, reminders, caseload changes with
    their reasons, and undos (the undone entry kept, ``undone`` true).

    Columns: on (date), at (when it was written), kind (``support``, ``action``,
    ``reminder``, ``caseload``, ``undo``), what, detail, by, entry and entry_id (what
    :func:`undo` takes; empty for rows that cannot be undone), undone. The codes are named
    by ``labels`` (kind -> code -> label: the built database's words,
    :func:`lakehouse.reads.casework.casework_labels`); without them, by the seeds in force
    (a store read with no database beside it).
    """
    urn = int(urn)
    named = labels or {
        k: vocabulary(k) for k in ("support_type", "action_status", "reminder_method")
    }
    types = named["support_type"]
    statuses = named["action_status"]
    methods = named["reminder_method"]
    undone = {
        (e, int(i)): (reason, at, by)
        for e, i, reason, at, by in con.execute(
            "SELECT entry, entry_id, reason, at, by FROM casework_undos"
        ).fetchall()
    }
    rows: list[dict[str, Any]] = []

    def add(kind: str, on: date | None, what: str, detail: str, row: Any, entry: str = "") -> None:
        # row: the store's row behind the entry, its columns aliased ``at``, ``by`` and ``id``
        entry_id = int(row["id"]) if entry else None
        undo = (entry, entry_id) in undone if entry else False
        values = (on, row["at"], kind, what, detail, row["by"], entry, entry_id, undo)
        rows.append(dict(zip(TIMELINE_COLUMNS, values, strict=True)))

    for r in con.execute(
        "SELECT id, round, supported_on, type, officer, notes, next_review, created_at AS at,"
        " created_by AS by FROM support_records WHERE urn = ?",
        [urn],
    ).fetchall():
        review = _day(r["next_review"])
        what = f"{types.get(r['type'], r['type'])} by {r['officer']} ({r['round']})"
        notes = r["notes"] + (f" Next review {_words(review)}." if review else "")
        add("support", _day(r["supported_on"]), what, notes, r, "record")
        for a in con.execute(
            "SELECT id, action, owner, due_on, status FROM support_actions WHERE record_id = ?"
            " ORDER BY id",
            [r["id"]],
        ).fetchall():
            due = _day(a["due_on"])
            detail = (
                f"Owner {a['owner']}"
                + (f"; due {_words(due)}" if due else "; no due date")
                + f"; now {statuses.get(a['status'], a['status']).lower()}"
            )
            # agreed with the record: its date and author; undone with it, not on its own
            add("action", _day(r["supported_on"]), f"Action agreed: {a['action']}", detail, r)
    for e in con.execute(
        "SELECT e.id, e.status, e.before, e.completed_on, e.at, e.by, a.action, a.due_on"
        " FROM action_events e JOIN support_actions a ON a.id = e.action_id"
        " JOIN support_records r ON r.id = a.record_id WHERE r.urn = ?",
        [urn],
    ).fetchall():
        done_on, due = _day(e["completed_on"]), _day(e["due_on"])
        label = statuses.get(e["status"], e["status"]).lower()
        detail = f"Was {statuses.get(e['before'], e['before']).lower()}"
        if done_on:
            detail += f"; completed {_words(done_on)}" + (f", due {_words(due)}" if due else "")
        what = f"Action {label}: {e['action']}"
        add("action", done_on or _day(e["at"]), what, detail, e, "action_event")
    for m in con.execute(
        "SELECT id, round, reminded_on, method, by, note, created_at AS at FROM reminders"
        " WHERE urn = ?",
        [urn],
    ).fetchall():
        how = methods.get(m["method"], m["method"])
        what = f"Reminded about the {m['round']} return ({how})"
        add("reminder", _day(m["reminded_on"]), what, m["note"], m, "reminder")
    for c in con.execute(
        "SELECT id, round, in_caseload, reason, at, by FROM caseload_events WHERE urn = ?",
        [urn],
    ).fetchall():
        verb = "Added to" if c["in_caseload"] else "Taken off"
        what = f"{verb} the {c['round']} caseload"
        add("caseload", _day(c["at"]), what, f"Reason: {c['reason']}", c, "caseload")
    whats = {(r["entry"], r["entry_id"]): r["what"] for r in rows if r["entry"]}
    for (entry, entry_id), (reason, at, by) in undone.items():
        if (entry, entry_id) in whats:
            what = f"Undone: {whats[(entry, entry_id)]}"
            add("undo", _day(at), what, f"Reason: {reason}", {"at": at, "by": by})
    return _newest_first(pd.DataFrame(rows, columns=TIMELINE_COLUMNS))


def _newest_first(df: pd.DataFrame) -> pd.DataFrame:
    # written in the same second: an undo after what it undoes, otherwise as written
    tie = (df["kind"] == "undo").astype(int)
    return (
        df.assign(_tie=tie)
        .sort_values(["on", "at", "_tie"], ascending=False, kind="stable")
        .drop(columns="_tie")
        .reset_index(drop=True)
    )


def newest_first(df: pd.DataFrame) -> pd.DataFrame:
    """Timeline rows (:data:`TIMELINE_COLUMNS`) newest first, as :func:`timeline` orders them."""
    return _newest_first(df)
