"""The audit log: who did what, when. Append-only, in the store beside the database.

One row per event: sign-in and sign-out, every export (with its filters and
row count), every upload (file names, SHA-256 and outcome), casework changes,
role changes, refused actions, ingests from the command line. Never the
exported data itself. Each row names the person three ways: the e-mail shown
to people (``user``) and the identity provider's issuer and subject, which
the provider never reassigns (an e-mail can be renamed or claimed unverified).

Nothing may rewrite history, and anything that does is found:

- SQLite triggers refuse UPDATE and DELETE, and refuse an INSERT (or REPLACE)
  that reuses or goes below the last ``id`` or does not follow the last row's
  hash. A REPLACE of an existing row is an INSERT with an old ``id``: refused.
- Each row carries the hash of the row before it and a hash of its own
  content (SHA-256): a hash chain. :func:`verify` (``python -m lakehouse audit
  verify`` and the Admin page) recomputes it and names the first broken link,
  so an edit made with the triggers dropped still shows.

Streamlit-free; pages call ``ui.auth.audit(action, **details)``, which adds
the signed-in user.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
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
    "ingest",
    "role_list_change",
)
GENESIS = ""  # the "previous hash" of the first row
TRIGGERS: tuple[str, ...] = (
    "audit_log_no_update",
    "audit_log_no_delete",
    "audit_log_append_only",
    "audit_log_chained",
)
_COLUMNS = "id, at, user, issuer, subject, action, details, prev_hash, hash"

_TRIGGER_DDL = """
    CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER IF NOT EXISTS audit_log_append_only BEFORE INSERT ON audit_log
    WHEN NEW.id IS NOT NULL AND NEW.id <= (SELECT COALESCE(MAX(id), 0) FROM audit_log)
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: an id may not be reused'); END;
    CREATE TRIGGER IF NOT EXISTS audit_log_chained BEFORE INSERT ON audit_log
    WHEN NEW.prev_hash IS NOT COALESCE(
        (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), ''
    ) OR NEW.hash IS NULL
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: a row must follow the last'); END;
"""

store.register_schema(
    "audit",
    """
    CREATE TABLE IF NOT EXISTS audit_log (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        at        TEXT NOT NULL,   -- UTC, ISO 8601 with seconds
        user      TEXT NOT NULL,   -- e-mail, or 'local user' without sign-in
        action    TEXT NOT NULL,
        details   TEXT NOT NULL,   -- JSON object
        issuer    TEXT NOT NULL DEFAULT '',  -- the identity provider (iss)
        subject   TEXT NOT NULL DEFAULT '',  -- its id for the person (sub; oid for Entra)
        prev_hash TEXT,            -- the previous row's hash ('' for the first row)
        hash      TEXT             -- SHA-256 of prev_hash and this row's content
    );
    CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at);
    """,
)


def row_hash(prev_hash: str, row: dict[str, Any]) -> str:
    """The chain hash of one row: SHA-256 over the previous hash and every column but hash."""
    parts = [prev_hash] + [
        str(row[c]) for c in ("id", "at", "user", "issuer", "subject", "action", "details")
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _migrate(con: sqlite3.Connection) -> None:
    """Bring a store made before the chain up to date (idempotent; one transaction).

    Adds the issuer, subject and hash columns, chains the rows already there
    (the only time rows are ever rewritten, with the update trigger lifted
    inside the same transaction), then makes sure every trigger exists.
    """
    columns = {r[1] for r in con.execute("PRAGMA table_info(audit_log)")}
    unchained = (
        "hash" not in columns
        or con.execute("SELECT 1 FROM audit_log WHERE hash IS NULL LIMIT 1").fetchone()
    )
    if unchained:
        with store.transaction(con):
            for name, ddl in (
                ("issuer", "TEXT NOT NULL DEFAULT ''"),
                ("subject", "TEXT NOT NULL DEFAULT ''"),
                ("prev_hash", "TEXT"),
                ("hash", "TEXT"),
            ):
                if name not in columns:
                    con.execute(f"ALTER TABLE audit_log ADD COLUMN {name} {ddl}")
            con.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
            prev = GENESIS
            for row in con.execute(f"SELECT {_COLUMNS} FROM audit_log ORDER BY id").fetchall():
                digest = row["hash"] or row_hash(prev, dict(row))
                if row["hash"] is None:
                    con.execute(
                        "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?",
                        [prev, digest, row["id"]],
                    )
                prev = digest
            _create_triggers(con)
    else:
        _create_triggers(con)


def _create_triggers(con: sqlite3.Connection) -> None:
    # one statement at a time: executescript would commit the caller's transaction
    for statement in _TRIGGER_DDL.split("END;"):
        if statement.strip():
            con.execute(statement + "END;")


store.register_migration("audit", _migrate)


def _json(details: dict[str, Any]) -> str:
    return json.dumps(details, default=str, sort_keys=True, ensure_ascii=False)


def _denied_per_minute() -> int:
    from lakehouse.seeds import read_seed

    for row in read_seed("security_limits"):
        if row["name"] == "denied_rows_per_minute":
            return int(row["value"])
    return 1


def record_in(
    con: sqlite3.Connection,
    user: str,
    action: str,
    *,
    issuer: str = "",
    subject: str = "",
    **details: Any,
) -> bool:
    """Append one event on an open store connection (inside the caller's transaction).

    Returns False when nothing was written: a ``denied`` row beyond
    ``denied_rows_per_minute`` for the same account (the refusal still happens;
    a no-role account opening many tabs must not flood the log).
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action '{action}'")
    now = datetime.now(UTC)
    last = con.execute("SELECT id, at, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    if action == "denied":
        since = (now - timedelta(minutes=1)).isoformat(timespec="seconds")
        (recent,) = con.execute(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'denied' AND user = ? AND at >= ?",
            [user, since],
        ).fetchone()
        if recent >= _denied_per_minute():
            return False
    at = now.isoformat(timespec="seconds")
    if last is not None and last["at"] > at:  # a clock stepped back: never a backdated row
        at = last["at"]
    row = {
        "id": (last["id"] if last else 0) + 1,
        "at": at,
        "user": user,
        "issuer": issuer,
        "subject": subject,
        "action": action,
        "details": _json(details),
    }
    prev = last["hash"] if last else GENESIS
    con.execute(
        f"INSERT INTO audit_log ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [*row.values(), prev, row_hash(prev, row)],
    )
    return True


def record(
    user: str,
    action: str,
    db: str | os.PathLike[str] | None = None,
    *,
    path: Path | None = None,
    issuer: str = "",
    subject: str = "",
    **details: Any,
) -> bool:
    """Append one event to the store at ``path``, else ``db``'s (default: ``$ESAFETY_DB``'s).

    Raises when it cannot be written (a locked or unwritable store): callers
    that must not act unrecorded (uploads, sign-ins, exports) stop on it.
    """
    con = store.connect(db, path=path)
    try:
        with store.transaction(con):
            return record_in(con, user, action, issuer=issuer, subject=subject, **details)
    finally:
        con.close()


def os_user() -> str:
    """The operating-system account running a command-line tool (for its audit rows)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


@dataclass(frozen=True)
class Verdict:
    """What :func:`verify` found: rows checked, and the first broken link if any."""

    rows: int
    broken_at: int | None = None  # the id of the first row whose link or content is wrong
    problem: str = ""
    head: str = GENESIS  # the last row's hash: write it down to catch a rebuilt chain

    @property
    def intact(self) -> bool:
        return self.broken_at is None and not self.problem


def verify(con: sqlite3.Connection) -> Verdict:
    """Recompute the hash chain; name the first row whose link or content does not match."""
    missing = [
        t
        for t in TRIGGERS
        if not con.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?", [t]
        ).fetchone()
    ]
    prev, count, expected_id = GENESIS, 0, None
    for row in con.execute(f"SELECT {_COLUMNS} FROM audit_log ORDER BY id"):
        count += 1
        row = dict(row)
        if expected_id is not None and row["id"] != expected_id:
            return Verdict(count, row["id"], f"rows {expected_id} to {row['id'] - 1} are missing")
        if row["prev_hash"] != prev:
            return Verdict(count, row["id"], f"row {row['id']} does not follow row {row['id'] - 1}")
        if row["hash"] != row_hash(prev, row):
            return Verdict(count, row["id"], f"row {row['id']} was changed after it was written")
        prev, expected_id = row["hash"], row["id"] + 1
    if missing:
        return Verdict(count, None, "protection removed: " + ", ".join(missing), prev)
    return Verdict(count, None, "", prev)


def events(
    con: sqlite3.Connection,
    *,
    user: str | None = None,
    action: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int | None = 10_000,
) -> pd.DataFrame:
    """Events newest first, filtered; columns id, at, user, action, details (JSON text)."""
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
