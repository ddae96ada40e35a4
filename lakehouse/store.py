"""The transactional store beside the analytical database: casework, audit, roles.

The analytical DuckDB file is replaced whole on every write (copy and swap), so
anything officers type in must live elsewhere: an SQLite file in WAL mode next
to it, which many sessions and processes can write at once and which no
ingest or build ever replaces. ``lakehouse build`` only reads it.

Each feature module (casework, audit, roles, sessions) registers its own DDL
with :func:`register_schema` (and, for a column added later, a migration with
:func:`register_migration`); :func:`connect` applies them all, so a fresh store
is created complete on first use and an older one is brought up to date.

The store holds casework notes, the audit log and who may sign in, so it is
created readable and writable by its owner only (mode 0600, with its WAL and
shared-memory files, which SQLite gives the main file's mode).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from lakehouse.db import db_path

BUSY_TIMEOUT_MS = 15_000
PRIVATE_MODE = 0o600
_SCHEMAS: dict[str, str] = {}
_MIGRATIONS: dict[str, Callable[[sqlite3.Connection], None]] = {}


def store_path(db: str | os.PathLike[str] | None = None) -> Path:
    """The store for an analytical database: ``esafety.duckdb`` -> ``esafety.store.sqlite``.

    ``$ESAFETY_STORE`` overrides it (a council may keep casework on other storage).
    """
    env = os.environ.get("ESAFETY_STORE")
    if env and db is None:
        return Path(env).expanduser().resolve()
    live = db_path(db)
    return live.with_name(live.stem + ".store.sqlite")


def register_schema(name: str, ddl: str) -> None:
    """Add a feature's ``CREATE TABLE IF NOT EXISTS ...`` statements (idempotent DDL only)."""
    _SCHEMAS[name] = ddl


def register_migration(name: str, migrate: Callable[[sqlite3.Connection], None]) -> None:
    """Run ``migrate(con)`` after the schemas on every connect (it must be idempotent)."""
    _MIGRATIONS[name] = migrate


def create_private(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if it is not there (never widening an existing one)."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_MODE)
    except FileExistsError:
        return
    os.close(fd)
    os.chmod(path, PRIVATE_MODE)  # whatever the umask


def connect(
    db: str | os.PathLike[str] | None = None, *, path: Path | None = None
) -> sqlite3.Connection:
    """An open connection to the store, every registered schema applied.

    Autocommit mode (``isolation_level=None``): callers group writes with
    :func:`transaction`, which takes the write lock up front so two sessions
    never deadlock upgrading a read lock.
    """
    target = path or store_path(db)
    target.parent.mkdir(parents=True, exist_ok=True)
    create_private(target)
    con = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    con.row_factory = sqlite3.Row
    con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    _use_wal(con)
    con.execute("PRAGMA foreign_keys = ON")
    con.execute("PRAGMA synchronous = NORMAL")
    for ddl in _SCHEMAS.values():
        con.executescript(ddl)
    for migrate in _MIGRATIONS.values():
        migrate(con)
    return con


def _use_wal(con: sqlite3.Connection) -> None:
    """Put the store in WAL mode (a setting kept in the file), waiting out other connections.

    Switching a new file to WAL needs it to itself, and SQLite answers "database is
    locked" at once rather than through the busy timeout: several sessions opening a
    fresh store together (the first morning, or threads) must wait, not fail.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            mode = con.execute("PRAGMA journal_mode").fetchone()[0]
            if mode.lower() != "wal":
                # an unchanged mode comes back (no error) when another connection holds it
                mode = con.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() == "wal" or time.monotonic() > deadline:
                return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
        time.sleep(0.02)


@contextmanager
def transaction(con: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, rolled back on any exception."""
    con.execute("BEGIN IMMEDIATE")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
