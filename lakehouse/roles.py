"""Who may use the dashboard: e-mail -> viewer, officer or admin.

Two sources, in this order: rows an admin set on the admin page (kept in the
store, so they survive every ingest swap), then the council's initial list,
a CSV (``lakehouse/access/roles.csv``, or ``$ESAFETY_ROLES``) with columns
``email,role``. An e-mail in neither has no access: a signed-in stranger
sees nothing but a message saying whom to ask. An admin row with role
``none`` takes away access the CSV gave.

A role change ends that person's signed-in sessions (``lakehouse.sessions``),
so a lowered or removed role applies at once. Edits to the CSV itself are
found by its hash, checked when the server starts and on every build
(:func:`check_list`): each is recorded as ``role_list_change`` with the
e-mails added, removed or changed, and ends their sessions too.

Streamlit-free: the admin page and the sign-in glue call these functions.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lakehouse import store

ROLES: tuple[str, ...] = ("viewer", "officer", "admin")
NO_ACCESS = "none"
DEFAULT_LIST = Path(__file__).resolve().parent / "access" / "roles.csv"

store.register_schema(
    "roles",
    """
    CREATE TABLE IF NOT EXISTS roles (
        email      TEXT PRIMARY KEY,   -- lower case
        role       TEXT NOT NULL CHECK (role IN ('viewer', 'officer', 'admin', 'none')),
        changed_by TEXT NOT NULL,
        changed_at TEXT NOT NULL        -- UTC, ISO 8601
    );
    CREATE TABLE IF NOT EXISTS role_list_seen (
        path      TEXT PRIMARY KEY,
        sha256    TEXT NOT NULL,
        rows      TEXT NOT NULL,        -- JSON e-mail -> role, to name what changed
        seen_at   TEXT NOT NULL
    );
    """,
)


class RoleListError(ValueError):
    """The roles CSV is malformed (the message names the file and row)."""


@dataclass(frozen=True)
class RoleRow:
    email: str
    role: str
    source: str  # 'list' (the CSV) or 'admin' (set on the admin page)
    changed_by: str = ""
    changed_at: str = ""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def list_path() -> Path:
    env = os.environ.get("ESAFETY_ROLES")
    return Path(env).expanduser().resolve() if env else DEFAULT_LIST


def read_list(path: Path | None = None) -> dict[str, str]:
    """The council's initial list: e-mail -> role. Raises RoleListError naming the bad row."""
    path = path or list_path()
    if not path.exists():
        return {}
    out: dict[str, str] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or {"email", "role"} - set(reader.fieldnames):
            raise RoleListError(f"{path.name}: the header must have the columns email,role")
        for line, row in enumerate(reader, start=2):
            email = normalise_email(row.get("email") or "")
            role = (row.get("role") or "").strip().lower()
            if not email:
                continue
            if "@" not in email:
                raise RoleListError(f"{path.name} row {line}: '{email}' is not an e-mail address")
            if role not in (*ROLES, NO_ACCESS):
                raise RoleListError(
                    f"{path.name} row {line}: role '{role}' must be one of {', '.join(ROLES)}"
                )
            out[email] = role
    return out


def role_of(email: str, con: sqlite3.Connection, list_rows: dict[str, str] | None = None) -> str:
    """The role for ``email``: an admin's row, else the list's, else ``none`` (no access)."""
    key = normalise_email(email)
    if not key:
        return NO_ACCESS
    row = con.execute("SELECT role FROM roles WHERE email = ?", [key]).fetchone()
    if row is not None:
        return row["role"]
    rows = read_list() if list_rows is None else list_rows
    return rows.get(key, NO_ACCESS)


def all_roles(con: sqlite3.Connection, list_rows: dict[str, str] | None = None) -> list[RoleRow]:
    """Everyone with a role, admin rows overriding the list, sorted by e-mail."""
    merged: dict[str, RoleRow] = {
        e: RoleRow(e, r, "list")
        for e, r in (read_list() if list_rows is None else list_rows).items()
    }
    for row in con.execute("SELECT email, role, changed_by, changed_at FROM roles"):
        merged[row["email"]] = RoleRow(
            row["email"], row["role"], "admin", row["changed_by"], row["changed_at"]
        )
    return [merged[e] for e in sorted(merged)]


def set_role(con: sqlite3.Connection, email: str, role: str, changed_by: str) -> str:
    """Give ``email`` a role (``none`` removes access); returns the previous role.

    Records the change in the audit log in the same transaction.
    """
    from lakehouse import audit

    key = normalise_email(email)
    if "@" not in key:
        raise ValueError(f"'{email}' is not an e-mail address")
    if role not in (*ROLES, NO_ACCESS):
        raise ValueError(f"role must be one of {', '.join((*ROLES, NO_ACCESS))}")
    with store.transaction(con):
        before = role_of(key, con)
        con.execute(
            "INSERT INTO roles (email, role, changed_by, changed_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (email) DO UPDATE SET role = excluded.role, "
            "changed_by = excluded.changed_by, changed_at = excluded.changed_at",
            [key, role, changed_by, datetime.now(UTC).isoformat(timespec="seconds")],
        )
        audit.record_in(con, changed_by, "role_change", email=key, before=before, after=role)
        _end_sessions(con, [key], "role_change")
    return before


def _end_sessions(con: sqlite3.Connection, emails: list[str], why: str) -> None:
    """End the live sessions whose role comes from these e-mails (lakehouse.sessions' table;
    inside the caller's transaction)."""
    # a store no one has signed in to has no sessions table yet, and nothing to end
    if not con.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sessions'"
    ).fetchone():
        return
    now = datetime.now(UTC).isoformat(timespec="seconds")
    for email in emails:
        con.execute(
            "UPDATE sessions SET ended_at = ?, ended_why = ? "
            "WHERE role_email = ? AND ended_at IS NULL",
            [now, why, normalise_email(email)],
        )


def check_list(con: sqlite3.Connection, by: str, path: Path | None = None) -> dict[str, list]:
    """Record an edit of the role list file since it was last seen; returns what changed.

    The first time a file is seen it is recorded as a change from nothing.
    ``by`` names who is checking (the server, or the OS user running a build).
    """
    from lakehouse import audit

    path = path or list_path()
    data = path.read_bytes() if path.exists() else b""
    digest = hashlib.sha256(data).hexdigest()
    rows = read_list(path)
    key = str(path)
    with store.transaction(con):
        seen = con.execute(
            "SELECT sha256, rows FROM role_list_seen WHERE path = ?", [key]
        ).fetchone()
        if seen is not None and seen["sha256"] == digest:
            return {}
        before: dict[str, str] = json.loads(seen["rows"]) if seen else {}
        changes = {
            "added": sorted(e for e in rows if e not in before),
            "removed": sorted(e for e in before if e not in rows),
            "changed": sorted(e for e in rows if e in before and before[e] != rows[e]),
        }
        con.execute(
            "INSERT INTO role_list_seen (path, sha256, rows, seen_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (path) DO UPDATE SET sha256 = excluded.sha256, rows = excluded.rows, "
            "seen_at = excluded.seen_at",
            [
                key,
                digest,
                json.dumps(rows, sort_keys=True),
                datetime.now(UTC).isoformat(timespec="seconds"),
            ],
        )
        who: dict[str, Any] = {
            k: [f"{e} ({rows.get(e) or before.get(e)})" for e in v] for k, v in changes.items()
        }
        audit.record_in(con, by, "role_list_change", file=path.name, sha256=digest, **who)
        _end_sessions(con, changes["removed"] + changes["changed"], "role_list_change")
    return changes
