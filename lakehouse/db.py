"""Connections: read-only for the app, copy-and-swap for every writer.

DuckDB lets one read-write process exclude every other process, readers
included. So writers never open the live file: they copy it, write the copy
and ``os.replace`` it over the live one. A crash mid-write leaves the live
file untouched, and readers keep their snapshot until they reopen.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
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
        remove_leftovers(live)
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
            # casework aside, the database holds everything the dashboard shows: owner only
            os.chmod(tmp, 0o600)
            os.replace(tmp, live)
            _fsync_dir(live.parent)
        finally:
            for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
                leftover.unlink(missing_ok=True)


def remove_leftovers(live: Path) -> list[Path]:
    """Delete what interrupted writers and readers left beside ``live``; the paths removed.

    Only the lock holder writes temp copies (``.<name>.<pid>.<hex>.tmp`` and its
    ``.wal``), so once the lock is held every one left is stale: its writer
    was killed before its ``finally`` ran. A reader's ``.<name>.<pid>.<n>.ro``
    link lives for the moment of an open; it is stale when its process is gone.
    """
    removed = []
    prefix = f".{live.name}."
    for leftover in live.parent.glob(f"{glob.escape(prefix)}*"):
        rest = leftover.name[len(prefix) :]
        is_temp = rest.endswith((".tmp", ".tmp.wal"))
        is_link = rest.endswith(".ro") and not _pid_alive(rest.split(".", 1)[0])
        if is_temp or is_link:
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
                removed.append(leftover)
    return removed


def _pid_alive(text: str) -> bool:
    if not text.isdigit():
        return True  # not ours to judge
    try:
        os.kill(int(text), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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


class Snapshot:
    """One version of the database file, held open while anyone uses it.

    A script run (or any unit of work) takes one with
    :meth:`ReadOnlyDatabase.snapshot` and reads only through it, so every query
    in the run sees the same file version, and the connection is closed only
    when the last holder lets go, never under a query.
    """

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection, version: tuple[int, int]):
        self.path = path
        self.version: tuple[int, int] | None = version
        self._con: duckdb.DuckDBPyConnection | None = con
        self._lock = threading.Lock()
        self.refs = 0
        self.retired = False

    def exists(self) -> bool:
        return True

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A fresh cursor on this version (one per query: the thread-safe way)."""
        with self._lock:
            if self._con is None:
                raise RuntimeError(f"the snapshot of {self.path} was closed")
            return self._con.cursor()

    def _close(self) -> None:
        with self._lock:
            con, self._con = self._con, None
        if con is not None:
            con.close()

    @property
    def closed(self) -> bool:
        return self._con is None


class ReadOnlyDatabase:
    """The app's read-only view of the live file: snapshots that follow swap-ins.

    Writers replace the file whole (``writing``). Each caller takes a
    :class:`Snapshot` of the version live at that moment; a swapped-out
    version's connection closes only when its last holder releases it, and the
    next :meth:`snapshot` after a swap opens the new file.

    DuckDB caches open databases by path inside a process (reopening the same
    path while an old connection lives returns the old data), so each version is
    opened through its own hard link to the file's inode, removed right after
    the open. Where links cannot be made (a read-only folder) we fall back to
    closing the old version first, which is only safe when nothing else holds it.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = db_path(path)
        self._current: Snapshot | None = None
        self._lock = threading.Lock()
        self._opened = 0
        self._links_ok = True

    @property
    def version(self) -> tuple[int, int] | None:
        """The live file's version (what the next snapshot will hold)."""
        return file_version(self.path)

    def exists(self) -> bool:
        return self.path.exists()

    def acquire(self) -> Snapshot:
        """Hold the live version (open it if it is new); pair with :meth:`release`.

        Raises FileNotFoundError when there is no database file.
        """
        with self._lock:
            live = file_version(self.path)
            if live is None:
                self._retire_current()
                raise FileNotFoundError(self.path)
            snap = self._current
            stale = snap is None or snap.version != live
            if stale and snap is not None and snap.refs > 0 and not self._links_ok:
                stale = False  # cannot open beside it: keep serving it until it is let go
            if stale or snap is None:
                self._retire_current()
                snap = self._open()
                self._current = snap
            snap.refs += 1
            return snap

    def release(self, snap: Snapshot) -> None:
        """Let go of a snapshot; a swapped-out one closes with its last holder."""
        with self._lock:
            snap.refs -= 1
            if snap.retired and snap.refs <= 0:
                snap._close()

    @contextmanager
    def snapshot(self) -> Iterator[Snapshot]:
        """``with db.snapshot() as snap:`` one file version for the whole block."""
        snap = self.acquire()
        try:
            yield snap
        finally:
            self.release(snap)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor on the live version, for one-thread callers (the CLI, packs).

        Concurrent callers (the app) take a :meth:`snapshot` instead, so a swap
        never closes the connection under them.
        """
        snap = self.acquire()
        try:
            return snap.cursor()
        finally:
            self.release(snap)

    def _open(self) -> Snapshot:
        self._opened += 1
        link = self.path.with_name(f".{self.path.name}.{os.getpid()}.{self._opened}.ro")
        try:
            os.link(self.path, link)
        except OSError:
            # no links here: the old version must be closed before the path reopens
            self._links_ok = False
            return self._open_direct()
        try:
            st = os.stat(link)
            con = duckdb.connect(str(link), read_only=True)
        finally:
            link.unlink(missing_ok=True)
        return Snapshot(self.path, con, (st.st_ino, st.st_mtime_ns))

    def _open_direct(self) -> Snapshot:
        version = file_version(self.path)
        con = connect_readonly(self.path)
        if version is None:  # pragma: no cover - removed between the two calls
            con.close()
            raise FileNotFoundError(self.path)
        return Snapshot(self.path, con, version)

    def _retire_current(self) -> None:
        snap, self._current = self._current, None
        if snap is None:
            return
        snap.retired = True
        if snap.refs <= 0:
            snap._close()

    def close(self) -> None:
        with self._lock:
            self._retire_current()
