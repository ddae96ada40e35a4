"""Run a batch of return files into bronze on the caller's writer connection.

Hashing and reading are spread over a process pool when there are many files
(calamine and the Python parsing are CPU-bound): each worker reads a file's
bytes once, hashes them and parses them, and sends back plain tuples and
lists (see :func:`ingest.reader.compact`), cheap to pickle. The main process
decides each file's outcome in file order as results stream in and inserts
the rows as Arrow tables every few thousand returns, which bounds its memory.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import multiprocessing
import os
import stat
import sys
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import duckdb
import pyarrow as pa

from ingest.chunks import Chunk, init_chunk_worker, scan_chunk, scan_chunk_job
from ingest.layout import WORKBOOK_EXTENSIONS
from ingest.reader import (
    CHILD_TABLES,
    CompactRead,
    Scanned,
    display_name,
    not_a_workbook_reason,
    suffix,
)
from ingest.sources import insert
from lakehouse.db import ensure_bronze

# Below this many files a pool costs more to start (~0.4 s) and feed than it saves.
POOL_THRESHOLD = 1000
# Files per chunk (a pool task): large enough that pickling, queueing and making Arrow
# tables are a small part of a task.
_CHUNK = 64
# Returns buffered before a bulk insert: bounds memory without many small inserts.
_FLUSH_RETURNS = 4000


def _scan_all(
    entries: list[tuple[Path, str | None]],
    urns: frozenset[int] | None,
    today: dt.date,
    loaded: frozenset[str],
    workers: int | None,
) -> Iterator[tuple[Scanned, Chunk | None]]:
    """Hash and read every entry, in order; in a pool of processes when there are many.

    Each readable entry comes with the chunk it was read in; an entry that already
    has a problem is not touched again and comes with no chunk.
    """
    workers = workers if workers is not None else (os.cpu_count() or 1)
    readable = [str(p) for p, problem in entries if problem is None]
    batches = [readable[i : i + _CHUNK] for i in range(0, len(readable), _CHUNK)]
    if workers <= 1 or len(readable) < POOL_THRESHOLD:
        schemas = _bronze_schemas()
        chunks: Iterator[Chunk] = (scan_chunk(b, urns, today, loaded, schemas) for b in batches)
    else:
        chunks = _pooled(batches, urns, today, loaded, workers)
    chunk: Chunk | None = None
    position = 0
    for _path, problem in entries:
        if problem is not None:
            yield Scanned(None, None, problem, None), None
            continue
        if chunk is None or position == len(chunk.scans):
            chunk, position = next(chunks), 0
        yield chunk.scans[position], chunk
        position += 1


def _pooled(
    batches: list[list[str]],
    urns: frozenset[int] | None,
    today: dt.date,
    loaded: frozenset[str],
    workers: int,
) -> Iterator[Chunk]:
    # spawn, not fork: the parent holds an open DuckDB connection and its threads.
    context = multiprocessing.get_context("spawn")
    done = 0
    try:
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=init_chunk_worker,
            initargs=(urns, today, loaded, _bronze_schemas()),
        ) as pool:  # fmt: skip
            with _without_main_script():
                chunks = pool.map(scan_chunk_job, batches)  # starts every worker now
            for chunk in chunks:
                done += 1
                yield chunk
    except BrokenProcessPool:
        # A worker could not start or died (e.g. killed for memory): finish here.
        for batch in batches[done:]:
            yield scan_chunk(batch, urns, today, loaded, _bronze_schemas())


@contextlib.contextmanager
def _without_main_script() -> Iterator[None]:
    """Start workers without running the caller's script again.

    A spawned process imports the parent's ``__main__`` from its file or module name
    before it does any work, so a script that calls :func:`load_returns` without an
    ``if __name__ == "__main__":`` guard would run its whole top level again in every
    worker: the workers then try to start pools of their own and die while the parent
    waits on them, for ever (measured: a hung ingest, not an error). The workers need
    nothing from ``__main__`` (their job is ``ingest.chunks.scan_chunk_job``), so while
    they start, ``__main__`` names no file or module to import.
    """
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    file = vars(main).pop("__file__", None)
    spec = vars(main).get("__spec__")
    main.__spec__ = None
    try:
        yield
    finally:
        if file is not None:
            main.__file__ = file
        main.__spec__ = spec


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: the buffers hold millions of small tuples
    and lists (no cycles), and each full collection would walk them all again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Clock:
    """Strictly increasing timestamps, so 'the later ingest' is always decidable."""

    def __init__(self) -> None:
        self.last = dt.datetime.min

    def now(self) -> dt.datetime:
        current = dt.datetime.now().replace(tzinfo=None)
        self.last = max(current, self.last + dt.timedelta(microseconds=1))
        return self.last


@dataclass
class FileOutcome:
    """What happened to one file in a batch."""

    path: str
    file_name: str
    sha256: str | None
    status: str  # 'loaded' | 'rejected' | 'duplicate'
    reason: str | None
    urn: int | None = None
    round: str | None = None
    warnings: int = 0
    errors: int = 0


@dataclass
class IngestSummary:
    """Counts and per-file outcomes of one :func:`ingest_paths` run."""

    outcomes: list[FileOutcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # hidden and Excel lock files in folders
    batch_id: str = ""
    db: str = ""
    build_note: str | None = None

    def _n(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def seen(self) -> int:
        return len(self.outcomes)

    @property
    def loaded(self) -> int:
        return self._n("loaded")

    @property
    def rejected(self) -> int:
        return self._n("rejected")

    @property
    def duplicates(self) -> int:
        return self._n("duplicate")

    @property
    def warnings(self) -> int:
        return sum(o.warnings for o in self.outcomes if o.status == "loaded")

    @property
    def errors(self) -> int:
        return sum(o.errors for o in self.outcomes if o.status == "loaded")

    def report(self, max_rejections: int = 10) -> str:
        """A few lines for the terminal, ending with where to see the details."""
        lines = [
            f"{_count(self.seen, 'file')} seen: {self.loaded} loaded, {self.rejected} rejected, "
            f"{_count(self.duplicates, 'duplicate')}; {_count(self.warnings, 'warning')} and "
            f"{_count(self.errors, 'error')} in loaded returns."
        ]
        rejected = [o for o in self.outcomes if o.status == "rejected"]
        for o in rejected[:max_rejections]:
            lines.append(f"  rejected {o.path}: {o.reason}")
        if len(rejected) > max_rejections:
            lines.append(f"  ... and {len(rejected) - max_rejections} more rejected")
        if self.skipped:
            lines.append(
                f"{len(self.skipped)} hidden or Excel lock files (~$...) in folders were skipped."
            )
        if self.build_note:
            lines.append(self.build_note)
        lines.append(
            "Details: the Returns page of the dashboard, or the tables bronze.files and "
            f"bronze.messages (batch_id '{self.batch_id}') in {self.db}."
        )
        return "\n".join(lines)


@dataclass
class Found:
    """What a walk over files and folders found, in order.

    ``entries`` are (path, problem): problem is None for a path to read, else
    why it is recorded without being opened (a link back into a folder already
    read, a folder that cannot be listed). Hidden and lock files are ``skipped``.
    """

    entries: list[tuple[Path, str | None]] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)

    @property
    def files(self) -> list[Path]:
        return [p for p, _ in self.entries]


def expand_paths(paths: Sequence[str | os.PathLike[str]]) -> Found:
    """Files to ingest and files skipped, from files and folders (recursively, sorted).

    In folders, hidden files and folders (``.name``) and Excel's lock files
    (``~$name.xlsx``, left while a workbook is open) are skipped: they are
    never returns and would only clutter the record. Everything else is an
    entry, whatever it is (a pipe, a device, a dangling or looping link): the
    reader says why it is not a return, without opening it. A path named on
    the command line is always taken. Raises FileNotFoundError for a named
    path that does not exist at all, and PermissionError for a named folder
    that cannot be listed; a folder inside that cannot be listed is an entry.
    """
    found = Found()
    for given in paths:
        # a Path is taken as it is: making it again costs more than reading a small return
        p = given if isinstance(given, Path) else Path(os.fsdecode(given))
        if _is_dir(p):
            try:
                _walk(p, found, {_dir_key(p)})
            except PermissionError as exc:
                raise PermissionError(exc.errno, "folder cannot be read", str(p)) from None
        elif os.path.lexists(p):
            found.entries.append((p, None))
        else:
            raise FileNotFoundError(2, "no such file or folder", str(p))
    return found


def _is_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return False


def _dir_key(path: Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_dev, st.st_ino


def _walk(folder: Path, found: Found, seen: set[tuple[int, int]]) -> None:
    # A folder is listed once even when links lead back to it (no endless walk).
    entries = sorted(os.scandir(folder), key=lambda e: e.name)
    for entry in entries:
        path = folder / entry.name
        if entry.name.startswith((".", "~$")):
            found.skipped.append(path)
            continue
        if not _is_dir(path):
            found.entries.append((path, None))
            continue
        key = _dir_key(path)
        if key in seen:
            found.entries.append((path, "is a link to a folder already being read: not read again"))
            continue
        seen.add(key)
        try:
            _walk(path, found, seen)
        except PermissionError:
            found.entries.append((path, "is a folder that cannot be read: permission denied"))


def load_returns(
    con: duckdb.DuckDBPyConnection,
    paths: Sequence[str | os.PathLike[str]] | Found,
    *,
    today: dt.date | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    workers: int | None = None,
) -> IngestSummary:
    """Load return workbooks from files and folders into bronze on an open writer connection.

    Every path found goes on record in bronze.files (kind 'return'): files in
    folders that are not workbooks are 'rejected' too, and so is anything that
    is not a regular file (never opened); hidden files and Excel lock files in
    folders are skipped and only counted (see :func:`expand_paths`). Bytes
    already in bronze.returns, or loaded earlier in this batch, are
    'duplicate'; bytes rejected before are read again (the register may have
    changed), and a repeat within one batch of a rejected file is rejected for
    the same reason. Supersession is silver's job: both returns are kept.
    The caller owns the write session (``with writing(db) as con``) and the
    rebuild; raises FileNotFoundError / PermissionError for a missing named
    path or an unreadable named folder.
    """
    found = paths if isinstance(paths, Found) else expand_paths(paths)
    today = today or dt.date.today()
    batch = uuid.uuid4().hex[:12]
    summary = IngestSummary(skipped=[display_name(p) for p in found.skipped], batch_id=batch)
    loaded = {
        sha: name
        for sha, name in con.execute("SELECT sha256, file_name FROM bronze.returns").fetchall()
    }
    urn_rows = con.execute("SELECT DISTINCT urn FROM bronze.register").fetchall()
    urns = frozenset(r[0] for r in urn_rows) if urn_rows else None

    rows = _Rows()
    scanned = _scan_all(found.entries, urns, today, frozenset(loaded), workers)
    with _gc_paused(), _one_thread(con):
        _record(found.files, scanned, loaded, rows, summary, batch, con, progress)
        rows.write(con)
    return summary


@contextlib.contextmanager
def _one_thread(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """DuckDB on one thread while the batch inserts: the readers keep every core busy, and
    DuckDB's own threads would only take turns with them (measured: 1.7 % more work per
    file with two). The caller's setting is back for what it runs next (a model build)."""
    (threads,) = con.execute("SELECT current_setting('threads')").fetchone() or (None,)
    con.execute("SET threads = 1")
    try:
        yield
    finally:
        if threads is not None:
            con.execute(f"SET threads = {int(threads)}")  # an integer DuckDB gave, not text


def _count(n: int, noun: str) -> str:
    """'1 file', '2 files': the summary is read by people, not parsed."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _record(
    files: list[Path],
    scanned: Iterator[tuple[Scanned, Chunk | None]],
    loaded: dict[str, str],
    rows: _Rows,
    summary: IngestSummary,
    batch: str,
    con: duckdb.DuckDBPyConnection,
    progress: Callable[[int, int, str], None] | None,
) -> None:
    """Decide each file's outcome in order, buffer its rows and flush them in chunks."""
    total = len(files)
    # sha256 -> (file name, rejection, urn, round) of its first file in this batch
    first: dict[str, tuple[str, str | None, int | None, str | None]] = {}
    clock = _Clock()
    for done, (path, ((sha, size, problem, read), chunk)) in enumerate(
        zip(files, scanned, strict=True), start=1
    ):
        name = display_name(path.name)
        at = clock.now()
        outcome = FileOutcome(display_name(path), name, sha, "rejected", problem)
        if name != path.name:
            rows.message(sha, name, "warning", None, _UNDECODABLE, at)
            outcome.warnings += 1
        if sha is None:
            rows.message(None, name, "error", None, problem or "unreadable", at)
        elif suffix(path.name) not in WORKBOOK_EXTENSIONS:
            outcome.reason = not_a_workbook_reason(path)
            rows.message(sha, name, "error", None, outcome.reason, at)
        elif sha in loaded:
            outcome.status = "duplicate"
            outcome.reason = f"same bytes as {loaded[sha]}, already loaded"
        elif sha in first:
            first_name, rejection, outcome.urn, outcome.round = first[sha]
            if rejection is None:
                outcome.status = "duplicate"
                outcome.reason = f"same bytes as {first_name}, loaded in this batch"
            else:
                outcome.reason = rejection
                rows.message(sha, name, "error", None, rejection, at)
        else:
            assert read is not None  # a file whose bytes were hashed was read (_scan_all)
            rejection, outcome.urn, outcome.round = read.rejection, read.urn, read.round
            first[sha] = (name, rejection, outcome.urn, outcome.round)
            if rejection is None:
                outcome.status, outcome.reason = "loaded", None
                outcome.warnings += read.warnings
                outcome.errors = read.errors
                rows.return_(sha, name, at, read)
            else:
                outcome.reason = rejection
            for severity, location, text in read.messages:
                rows.message(sha, name, severity, location, text, at)
        rows.file(outcome, size, at, batch)
        summary.outcomes.append(outcome)
        if progress:
            progress(done, total, name)
        if chunk is not None:
            chunk.keep.append(outcome.status == "loaded")
            if not chunk.decided:
                continue  # a file's row and its child rows are flushed together
            rows.children(chunk)
        if rows.returns_buffered >= _FLUSH_RETURNS:
            rows.write(con)


_UNDECODABLE = (
    "the file name is not valid UTF-8: it is shown with \ufffd in place of the bytes"
    " that could not be read as text"
)


class BuildFailed(RuntimeError):
    """The model build raised; the write session is abandoned, so nothing changed."""


def rebuild_models(con: duckdb.DuckDBPyConnection, as_of: dt.date | None, round: str | None) -> str:
    """Rebuild silver and gold on the writer connection; a one-line note of what happened.

    Raises :class:`BuildFailed` (with the build's own message) when the build fails.
    """
    from lakehouse.build import build

    try:
        result = build(con, as_of=as_of, round=round)
    except Exception as exc:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise BuildFailed(f"the model build failed: {detail}") from exc
    message = getattr(result, "message", None)
    return message() if callable(message) else "Models rebuilt."


class _Rows:
    """Buffers for each bronze table, flushed as Arrow tables.

    One row per file (files, messages, returns) is buffered as a dict of bronze
    columns; the child tables arrive as Arrow tables, a chunk of files at a time.
    Column names and types come from ``bronze.sql``.
    """

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, object]]] = {"files": [], "messages": [], "returns": []}
        self.tables: dict[str, list[pa.Table]] = {name: [] for name in CHILD_TABLES}
        self.returns_buffered = 0

    def file(self, o: FileOutcome, size: int | None, at: dt.datetime, batch: str) -> None:
        self.rows["files"].append({
            "file_name": o.file_name, "path": o.path, "sha256": o.sha256, "size_bytes": size,
            "kind": "return", "status": o.status, "reason": o.reason, "urn": o.urn,
            "round": o.round, "ingested_at": at, "batch_id": batch,
        })  # fmt: skip

    def message(
        self, sha: str | None, name: str, severity: str, location: str | None, text: str,
        at: dt.datetime,
    ) -> None:  # fmt: skip
        self.rows["messages"].append({
            "sha256": sha, "file_name": name, "severity": severity, "location": location,
            "message": text, "ingested_at": at,
        })  # fmt: skip

    def return_(self, sha: str, name: str, at: dt.datetime, read: CompactRead) -> None:
        """One loaded return's bronze.returns row from its compact read."""
        assert read.returns is not None
        self.rows["returns"].append({"sha256": sha, "file_name": name, "ingested_at": at,
                                     **read.returns})  # fmt: skip
        self.returns_buffered += 1

    def children(self, chunk: Chunk) -> None:
        """The child rows of a chunk whose every file has its outcome: the loaded ones'."""
        for name, table in chunk.kept_tables():
            self.tables[name].append(table)

    def write(self, con: duckdb.DuckDBPyConnection) -> None:
        """Insert and drop everything buffered."""
        for name, rows in self.rows.items():
            if rows:
                names = list(rows[0])
                _insert(con, name, {c: [r[c] for r in rows] for c in names})
                rows.clear()
        for name, tables in self.tables.items():
            if tables:
                _insert(con, name, pa.concat_tables(tables))
                tables.clear()
        self.returns_buffered = 0


def _insert(
    con: duckdb.DuckDBPyConnection, table: str, data: pa.Table | dict[str, Sequence]
) -> None:
    # Identifiers are checked against bronze.sql's own columns; values travel as Arrow data.
    schema = bronze_schema(table)
    columns = data.column_names if isinstance(data, pa.Table) else list(data)
    unknown = sorted(set(columns) - set(schema))
    if unknown:
        raise KeyError(f"bronze.{table} has no column {unknown[0]}")
    if not isinstance(data, pa.Table):
        data = pa.table({c: pa.array(values, schema[c]) for c, values in data.items()})
    insert(con, table, data, columns)


# DuckDB column types in bronze.sql -> the Arrow types the buffers are sent as
_ARROW_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(), "INTEGER": pa.int32(), "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(), "BOOLEAN": pa.bool_(), "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"),
}  # fmt: skip


@cache
def _bronze_schemas() -> dict[str, dict[str, pa.DataType]]:
    con = duckdb.connect()
    try:
        ensure_bronze(con)
        found = con.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = 'bronze' ORDER BY table_name, ordinal_position"
        ).fetchall()
    finally:
        con.close()
    schemas: dict[str, dict[str, pa.DataType]] = {}
    for table, column, kind in found:
        schemas.setdefault(table, {})[column] = _ARROW_TYPES[kind]
    return schemas


def bronze_schema(table: str) -> dict[str, pa.DataType]:
    """Column -> Arrow type of one bronze table, in ``lakehouse/bronze.sql``'s order."""
    return _bronze_schemas()[table]
