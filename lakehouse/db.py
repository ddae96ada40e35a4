"""Connections: read-only for the app, copy-and-swap for every writer.

DuckDB lets one read-write process exclude every other process, readers
included. So writers never open the live file: they copy it, write the copy
and ``os.replace`` it over the live one. A crash mid-write leaves the live
file untouched, and readers keep their snapshot until they reopen.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_ROOT / "data" / "esafety.duckdb"
BRONZE_DDL = Path(__file__).resolve().parent / "bronze.sql"


class DatabaseBusy(RuntimeError):
    """Another writer holds the database and did not finish in time."""


def db_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The database path: the argument, else ``$ESAFETY_DB``, else ``data/esafety.duckdb``."""
    if path:
        return Path(path).expanduser().resolve()
    env = os.environ.get("ESAFETY_DB")
    return Path(env).expanduser().resolve() if env else DEFAULT_DB


def ensure_bronze(con: duckdb.DuckDBPyConnection) -> None:
    """Create the schemas and bronze tables if they are not there yet."""
    con.execute(BRONZE_DDL.read_text(encoding="utf-8"))


@contextmanager
def writing(
    path: str | os.PathLike[str] | None = None, *, wait_seconds: float = 300.0
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to a private copy of the database, swapped in on success.

    Writers are serialised with an advisory lock beside the file, so two
    ingests cannot both copy the same old file and lose one another's rows.
    On any exception the copy is discarded and the live file is unchanged.
    """
    live = db_path(path)
    live.parent.mkdir(parents=True, exist_ok=True)
    lock_path = live.with_name(live.name + ".lock")
    with open(lock_path, "a+") as lock:
        _acquire(lock, wait_seconds, live)
        tmp = live.with_name(f".{live.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
        try:
            if live.exists():
                shutil.copyfile(live, tmp)
            con = duckdb.connect(str(tmp))
            try:
                ensure_bronze(con)
                yield con
                con.execute("CHECKPOINT")
            finally:
                con.close()
            _fsync(tmp)
            os.replace(tmp, live)
            _fsync_dir(live.parent)
        finally:
            for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
                leftover.unlink(missing_ok=True)


def _acquire(lock, wait_seconds: float, live: Path) -> None:
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError as exc:
            if time.monotonic() >= deadline:
                raise DatabaseBusy(
                    f"{live} is being written by another process; try again shortly"
                ) from exc
            time.sleep(0.1)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    # some filesystems refuse fsync on a directory; the rename still stands
    with contextlib.suppress(OSError):
        _fsync(path)


def connect_readonly(path: str | os.PathLike[str] | None = None) -> duckdb.DuckDBPyConnection:
    """Open the live database read-only (many readers may share it)."""
    return duckdb.connect(str(db_path(path)), read_only=True)


def file_version(path: str | os.PathLike[str] | None = None) -> tuple[int, int] | None:
    """(inode, mtime_ns) of the live file, or None when it does not exist.

    A swap-in gives the path a new inode, so this changes on every write.
    """
    try:
        st = os.stat(db_path(path))
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns)


class ReadOnlyDatabase:
    """One shared read-only connection that follows swap-ins.

    DuckDB caches open databases by path inside a process: reopening while the
    old connection lives silently returns the old data. So on a new file
    version we close the old connection first, then reopen. Each query takes
    its own cursor (DuckDB 2 raises "unfinished result" when one connection is
    reused across queries, and cursors are the thread-safe way).
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = db_path(path)
        self._con: duckdb.DuckDBPyConnection | None = None
        self._version: tuple[int, int] | None = None
        self._lock = threading.Lock()

    @property
    def version(self) -> tuple[int, int] | None:
        """The file version the caller should key cached frames on."""
        return file_version(self.path)

    def exists(self) -> bool:
        return self.path.exists()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A fresh cursor on the current file; raises FileNotFoundError when there is none."""
        with self._lock:
            current = file_version(self.path)
            if current is None:
                self._close()
                raise FileNotFoundError(self.path)
            if self._con is None or current != self._version:
                self._close()
                self._con = connect_readonly(self.path)
                self._version = current
            return self._con.cursor()

    def _close(self) -> None:
        if self._con is not None:
            try:
                self._con.close()
            finally:
                self._con = None
                self._version = None

    def close(self) -> None:
        with self._lock:
            self._close()
