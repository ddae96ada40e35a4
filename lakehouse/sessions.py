"""Signed-in sessions kept on the server, and the identities roles are bound to.

Streamlit's own sign-in keeps everything in a signed cookie: valid for 30
days, carrying the provider's tokens, and nothing on the server can end it.
Here each sign-in gets a row in the store; the browser's cookie carries only
a random session id (stored hashed), and ``ui/server.py`` checks that row on
every request and websocket. A session ends when the person signs out, when
an admin changes their role, after ``session_idle_minutes`` unused and after
``session_lifetime_minutes`` whatever happens (seed ``security_limits.csv``).

Identity is the provider's issuer and subject (``iss`` + ``sub``; Entra ID's
``oid``), never the e-mail, which a user may be able to edit. The council's
role list names e-mails; an e-mail is bound to the first identity that signs
in with it *verified*, and from then on only that identity gets its role. An
e-mail the provider marks ``email_verified: false`` never gets a role.

Streamlit-free: ``ui/server.py`` and ``ui/auth.py`` call these functions.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from lakehouse import audit, roles, store
from lakehouse.seeds import read_seed

# touch last_seen at most this often: a page makes many requests, the idle limit is hours
_TOUCH_EVERY = timedelta(seconds=60)

store.register_schema(
    "sessions",
    """
    CREATE TABLE IF NOT EXISTS sessions (
        id         TEXT PRIMARY KEY,   -- SHA-256 of the cookie's session id (never the id itself)
        issuer     TEXT NOT NULL,
        subject    TEXT NOT NULL,
        email      TEXT NOT NULL,      -- as the provider gave it, for display
        role_email TEXT,               -- the bound e-mail whose role applies (NULL: no role)
        why_none   TEXT NOT NULL DEFAULT '',  -- why role_email is NULL, for the person
        started_at TEXT NOT NULL,      -- UTC, ISO 8601
        last_seen  TEXT NOT NULL,
        ended_at   TEXT,
        ended_why  TEXT
    );
    CREATE INDEX IF NOT EXISTS sessions_role_email ON sessions (role_email);
    CREATE TABLE IF NOT EXISTS identities (
        email      TEXT PRIMARY KEY,   -- lower case; bound at the first verified sign-in
        issuer     TEXT NOT NULL,
        subject    TEXT NOT NULL,
        bound_at   TEXT NOT NULL,
        UNIQUE (issuer, subject)
    );
    """,
)


@dataclass(frozen=True)
class Limits:
    idle: timedelta
    lifetime: timedelta
    upload_files: int
    upload_bytes: int


def limits() -> Limits:
    """The numbers of ``lakehouse/seeds/security_limits.csv``."""
    values = {r["name"]: int(r["value"]) for r in read_seed("security_limits")}
    return Limits(
        idle=timedelta(minutes=values["session_idle_minutes"]),
        lifetime=timedelta(minutes=values["session_lifetime_minutes"]),
        upload_files=values["upload_files_per_session"],
        upload_bytes=values["upload_bytes_per_session"],
    )


@dataclass(frozen=True)
class Session:
    """One live sign-in."""

    key: str  # the stored (hashed) id
    issuer: str
    subject: str
    email: str
    role_email: str | None
    why_none: str

    def role(self, con: sqlite3.Connection) -> str:
        """The role now (read every time: an admin's change applies at once)."""
        if not self.role_email:
            return roles.NO_ACCESS
        return roles.role_of(self.role_email, con)


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def identity(claims: Mapping[str, Any]) -> tuple[str, str, str, bool | None]:
    """(issuer, subject, e-mail, e-mail verified) from the provider's ID-token claims.

    Entra ID: ``oid`` is the person's immutable id across the tenant's apps (``sub`` differs
    per app), and the address is in ``preferred_username`` when there is no ``email``.
    """
    issuer = str(claims.get("iss") or "")
    subject = str(claims.get("oid") or claims.get("sub") or "")
    email = roles.normalise_email(
        str(claims.get("email") or claims.get("preferred_username") or "")
    )
    verified = claims.get("email_verified")
    if isinstance(verified, str):
        verified = verified.strip().lower() == "true"
    return issuer, subject, email, (None if verified is None else bool(verified))


def bind(
    con: sqlite3.Connection, issuer: str, subject: str, email: str, verified: bool | None
) -> tuple[str | None, str]:
    """The e-mail whose role this identity has, or (None, why not).

    Inside the caller's transaction. An identity already bound keeps its
    e-mail even if the provider's address changes. An unbound identity binds
    its address only when the provider has not said it is unverified and no
    other identity holds it.
    """
    row = con.execute(
        "SELECT email FROM identities WHERE issuer = ? AND subject = ?", [issuer, subject]
    ).fetchone()
    if row is not None:
        return row["email"], ""
    if not email:
        return None, "your account has no e-mail address"
    if verified is False:
        return None, "your identity provider has not verified your e-mail address"
    other = con.execute("SELECT issuer FROM identities WHERE email = ?", [email]).fetchone()
    if other is not None:
        return None, "this e-mail address belongs to another account"
    con.execute(
        "INSERT INTO identities (email, issuer, subject, bound_at) VALUES (?, ?, ?, ?)",
        [email, issuer, subject, _iso(_now())],
    )
    return email, ""


def start(con: sqlite3.Connection, claims: Mapping[str, Any]) -> tuple[str, Session]:
    """Open a session for a provider's claims and record ``sign_in``; returns (cookie id, row).

    One transaction: no session without its audit row (a store that cannot be
    written refuses the sign-in, the caller says so).
    """
    issuer, subject, email, verified = identity(claims)
    if not subject:
        raise ValueError("the identity provider sent no subject (sub) claim")
    session_id = secrets.token_urlsafe(32)
    now = _iso(_now())
    with store.transaction(con):
        role_email, why = bind(con, issuer, subject, email, verified)
        con.execute(
            "INSERT INTO sessions (id, issuer, subject, email, role_email, why_none, "
            "started_at, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [_key(session_id), issuer, subject, email, role_email, why, now, now],
        )
        role = roles.role_of(role_email, con) if role_email else roles.NO_ACCESS
        audit.record_in(
            con,
            email or subject,
            "sign_in",
            issuer=issuer,
            subject=subject,
            role=role,
            email_verified=verified,
            **({"refused": why} if why else {}),
        )
    return session_id, Session(_key(session_id), issuer, subject, email, role_email, why)


def lookup(con: sqlite3.Connection, session_id: str) -> Session | None:
    """The live session for a cookie's id, or None (unknown, ended, idle or too old).

    An expired session is marked ended on the way (with why). ``last_seen``
    moves at most once a minute.
    """
    if not session_id:
        return None
    return lookup_key(con, _key(session_id))


def lookup_key(con: sqlite3.Connection, key: str) -> Session | None:
    """:func:`lookup` by the stored key (for work that outlives the request, a download)."""
    row = con.execute("SELECT * FROM sessions WHERE id = ?", [key]).fetchone()
    if row is None or row["ended_at"]:
        return None
    now, limit = _now(), limits()
    last_seen = datetime.fromisoformat(row["last_seen"])
    if now - datetime.fromisoformat(row["started_at"]) > limit.lifetime:
        _end_key(con, key, "lifetime")
        return None
    if now - last_seen > limit.idle:
        _end_key(con, key, "idle")
        return None
    if now - last_seen >= _TOUCH_EVERY:
        # best effort and quick: a store busy with another writer must not hold up a page
        con.execute("PRAGMA busy_timeout = 200")
        try:
            with store.transaction(con):
                con.execute("UPDATE sessions SET last_seen = ? WHERE id = ?", [_iso(now), key])
        except sqlite3.OperationalError:
            pass
        finally:
            con.execute(f"PRAGMA busy_timeout = {store.BUSY_TIMEOUT_MS}")
    return Session(
        key,
        row["issuer"],
        row["subject"],
        row["email"],
        row["role_email"],
        row["why_none"],
    )


def _end_key(con: sqlite3.Connection, key: str, why: str) -> None:
    with store.transaction(con):
        con.execute(
            "UPDATE sessions SET ended_at = ?, ended_why = ? WHERE id = ? AND ended_at IS NULL",
            [_iso(_now()), why, key],
        )


def sign_out(con: sqlite3.Connection, session_id: str) -> bool:
    """End a session at the person's request and record ``sign_out``; True when it was live."""
    with store.transaction(con):
        row = con.execute(
            "SELECT * FROM sessions WHERE id = ? AND ended_at IS NULL", [_key(session_id)]
        ).fetchone()
        if row is None:
            return False
        con.execute(
            "UPDATE sessions SET ended_at = ?, ended_why = 'sign_out' WHERE id = ?",
            [_iso(_now()), row["id"]],
        )
        audit.record_in(
            con,
            row["email"] or row["subject"],
            "sign_out",
            issuer=row["issuer"],
            subject=row["subject"],
        )
    return True


def stored_key(session_id: str) -> str:
    """The key a session is stored under (what ui/server.py binds uploads to)."""
    return _key(session_id)
