"""The audit log: who did what, when. Append-only, in the store beside the database.

One row per event: sign-in and sign-out, every export (with its filters and
row count), every upload (file names, SHA-256 and outcome), casework changes,
role changes, refused actions. Never the exported data itself. SQLite
triggers refuse UPDATE and DELETE, so not even the app can rewrite history.

Streamlit-free; pages call ``ui.auth.audit(action, **details)``, which adds
the signed-in user.
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from lakehouse import store

ACTIONS: tuple[str, ...] = (
    "sign_in",
    "sign_out",
    "export",
    "upload",
    "casework",
    "role_change",
    "denied",
)

store.register_schema(
    "audit",
    """
    CREATE TABLE IF NOT EXISTS audit_log (
        id      INTEGER PRIMARY KEY AUTOINCREMENT,
        at      TEXT NOT NULL,   -- UTC, ISO 8601 with seconds
        user    TEXT NOT NULL,   -- e-mail, or 'local user' without sign-in
        action  TEXT NOT NULL,
        details TEXT NOT NULL    -- JSON object
    );
    CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at);
    CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    """,
)


def _json(details: dict[str, Any]) -> str:
    return json.dumps(details, default=str, sort_keys=True, ensure_ascii=False)


def record_in(con: sqlite3.Connection, user: str, action: str, **details: Any) -> None:
    """Append one event on an open store connection (inside the caller's transaction)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action '{action}'")
    con.execute(
        "INSERT INTO audit_log (at, user, action, details) VALUES (?, ?, ?, ?)",
        [datetime.now(UTC).isoformat(timespec="seconds"), user, action, _json(details)],
    )


def record(
    user: str,
    action: str,
    db: str | os.PathLike[str] | None = None,
    *,
    path: Path | None = None,
    **details: Any,
) -> None:
    """Append one event to the store at ``path``, else ``db``'s (default: ``$ESAFETY_DB``'s)."""
    con = store.connect(db, path=path)
    try:
        with store.transaction(con):
            record_in(con, user, action, **details)
    finally:
        con.close()


def events(
    con: sqlite3.Connection,
    *,
    user: str | None = None,
    action: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int | None = 10_000,
) -> pd.DataFrame:
    """Events newest first, filtered; columns at, user, action, details (JSON text)."""
    where, params = [], []
    if user:
        where.append("user LIKE ?")
        params.append(f"%{user}%")
    if action:
        where.append("action = ?")
        params.append(action)
    if since:
        where.append("at >= ?")
        params.append(since.isoformat())
    if until:
        # inclusive of the whole last day: every timestamp of that day sorts below the next
        where.append("at < ?")
        params.append(date.fromordinal(until.toordinal() + 1).isoformat())
    sql = "SELECT id, at, user, action, details FROM audit_log"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY id DESC"
    if limit:
        sql += f" LIMIT {int(limit)}"
    rows = con.execute(sql, params).fetchall()
    return pd.DataFrame([dict(r) for r in rows], columns=["id", "at", "user", "action", "details"])
