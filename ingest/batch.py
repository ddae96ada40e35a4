"""Write a batch of return files into bronze in one copy-and-swap session.

Hashing and reading are spread over a process pool when there are many files
(calamine and the Python parsing are CPU-bound): each worker reads a file's
bytes once, hashes them and parses them, and sends back plain tuples and
lists (see :func:`ingest.returns.compact`), cheap to pickle. The main process
decides each file's outcome in file order as results stream in and inserts
the rows as Arrow tables every few thousand returns, which bounds its memory.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import multiprocessing
import os
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import duckdb
import pyarrow as pa

from ingest.returns import (
    WORKBOOK_EXTENSIONS,
    FileOutcome,
    IngestSummary,
    Scanned,
    init_worker,
    not_a_workbook_reason,
    scan_file,
    scan_job,
)
from lakehouse import db as lakedb

# Below this many files a pool costs more to start (~0.4 s) and feed than it saves.
POOL_THRESHOLD = 1000
# Files per pool task: large enough that pickling and queueing are a small part of a task.
_CHUNK = 64
# Returns buffered before a bulk insert: bounds memory without many small inserts.
_FLUSH_RETURNS = 4000


def _scan_all(
    files: list[Path],
    urns: frozenset[int] | None,
    today: dt.date,
    loaded: frozenset[str],
    workers: int | None,
) -> Iterator[Scanned]:
    """Hash and read every file, in order; in a pool of processes when there are many."""
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(files) < POOL_THRESHOLD:
        for path in files:
            yield scan_file(path, urns, today, loaded)
        return
    # spawn, not fork: the parent holds an open DuckDB connection and its threads.
    context = multiprocessing.get_context("spawn")
    done = 0
    try:
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=init_worker,
            initargs=(urns, today, loaded),
        ) as pool:  # fmt: skip
            for result in pool.map(scan_job, [str(p) for p in files], chunksize=_CHUNK):
                done += 1
                yield result
    except BrokenProcessPool:
        # A worker could not start or died (e.g. run from a script on stdin): finish here.
        for path in files[done:]:
            yield scan_file(path, urns, today, loaded)


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


def ingest_files(
    files: list[Path],
    skipped: list[Path],
    db: str | Path | None,
    *,
    today: dt.date,
    progress: Callable[[int, int, str], None] | None = None,
    rebuild: bool = True,
    as_of: dt.date | None = None,
    round: str | None = None,
    workers: int | None = None,
) -> IngestSummary:
    """Record, read and load ``files`` (already expanded) in one write session.

    Files are hashed and read in order (in worker processes when there are
    many) and their rows inserted in chunks as they arrive; ``progress`` is
    called once per file with (files done, files in all, file name).
    """
    batch = uuid.uuid4().hex[:12]
    summary = IngestSummary(
        skipped=[str(p) for p in skipped], batch_id=batch, db=str(lakedb.db_path(db))
    )
    with lakedb.writing(db) as con:
        loaded = {
            sha: name
            for sha, name in con.execute("SELECT sha256, file_name FROM bronze.returns").fetchall()
        }
        urn_rows = con.execute("SELECT DISTINCT urn FROM bronze.register").fetchall()
        urns = frozenset(r[0] for r in urn_rows) if urn_rows else None

        rows = _Rows()
        scanned = _scan_all(files, urns, today, frozenset(loaded), workers)
        with _gc_paused():
            _record(files, scanned, loaded, rows, summary, batch, con, progress)
            rows.write(con)
        if rebuild:
            summary.build_note = rebuild_models(con, as_of, round)
    return summary


def _record(
    files: list[Path],
    scanned: Iterator[Scanned],
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
    for done, (path, (sha, size, problem, read)) in enumerate(
        zip(files, scanned, strict=True), start=1
    ):
        name = path.name
        at = clock.now()
        outcome = FileOutcome(str(path), name, sha, "rejected", problem)
        if sha is None:
            rows.message(None, name, "error", None, problem or "unreadable", at)
        elif path.suffix.lower() not in WORKBOOK_EXTENSIONS:
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
            rejection, outcome.urn, outcome.round, warnings, errors, messages = read[:6]
            first[sha] = (name, rejection, outcome.urn, outcome.round)
            if rejection is None:
                outcome.status, outcome.reason = "loaded", None
                outcome.warnings, outcome.errors = warnings, errors
                rows.return_(sha, name, at, read)
            else:
                outcome.reason = rejection
            for severity, location, text in messages:
                rows.message(sha, name, severity, location, text, at)
        rows.file(outcome, size, at, batch)
        summary.outcomes.append(outcome)
        if progress:
            progress(done, total, name)
        if rows.returns_buffered >= _FLUSH_RETURNS:
            rows.write(con)


class BuildFailed(RuntimeError):
    """The model build raised; the write session is abandoned, so nothing changed."""


def rebuild_models(con: duckdb.DuckDBPyConnection, as_of: dt.date | None, round: str | None) -> str:
    """Rebuild silver and gold on the writer connection; a one-line note of what happened.

    Raises :class:`BuildFailed` (with the build's own message) when the build fails.
    """
    try:
        from lakehouse.build import build
    except ImportError:
        return "Models not rebuilt: lakehouse.build is not available yet (bronze is loaded)."
    try:
        result = build(con, as_of=as_of, round=round)
    except Exception as exc:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise BuildFailed(f"the model build failed: {detail}") from exc
    message = getattr(result, "message", None)
    return message() if callable(message) else "Models rebuilt."


_CHILD_TABLES = ("responses", "policies", "training", "incidents")


class _Rows:
    """Buffers for each bronze table, flushed as Arrow tables.

    One row per file (files, messages, returns) is buffered as tuples; the
    child tables arrive from the reader as columns and are buffered as columns.
    """

    def __init__(self) -> None:
        self.rows: dict[str, list[tuple]] = {"files": [], "messages": [], "returns": []}
        self.columns: dict[str, tuple[list, ...]] = {
            name: tuple([] for _ in _SCHEMAS[name][0]) for name in _CHILD_TABLES
        }
        self.returns_buffered = 0

    def file(self, o: FileOutcome, size: int | None, at: dt.datetime, batch: str) -> None:
        self.rows["files"].append((
            o.file_name, o.path, o.sha256, size, "return", o.status, o.reason, o.urn,
            o.round, at, batch,
        ))  # fmt: skip

    def message(
        self, sha: str | None, name: str, severity: str, location: str | None, text: str,
        at: dt.datetime,
    ) -> None:  # fmt: skip
        self.rows["messages"].append((sha, name, severity, location, text, at))

    def return_(self, sha: str, name: str, at: dt.datetime, read: tuple) -> None:
        """One loaded return from its compact read (see ingest.returns.compact)."""
        self.rows["returns"].append((sha, name, at, *read[6]))
        for table, child in zip(_CHILD_TABLES, read[7:], strict=True):
            for column, values in zip(self.columns[table], child, strict=True):
                column.extend(values)
        self.returns_buffered += 1

    def write(self, con: duckdb.DuckDBPyConnection) -> None:
        """Insert and drop everything buffered."""
        for name, rows in self.rows.items():
            if rows:
                cols, types = _SCHEMAS[name]
                _insert(con, name, dict(zip(cols, zip(*rows, strict=True), strict=True)), types)
                rows.clear()
        for name, columns in self.columns.items():
            if columns[0]:
                cols, types = _SCHEMAS[name]
                _insert(con, name, dict(zip(cols, columns, strict=True)), types)
                for column in columns:
                    column.clear()
        self.returns_buffered = 0


def _insert(
    con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, Sequence], types: Iterable
) -> None:
    # Identifiers come from _SCHEMAS (a fixed allow-list); values travel as Arrow data.
    arrow = pa.table(
        {c: pa.array(values, t) for (c, values), t in zip(columns.items(), types, strict=True)}
    )
    view = f"_ingest_{table}_{uuid.uuid4().hex[:8]}"
    names = ", ".join(columns)
    con.register(view, arrow)
    try:
        con.execute(f"INSERT INTO bronze.{table} ({names}) SELECT {names} FROM {view}")
    finally:
        con.unregister(view)


_S, _I, _F, _B, _D = pa.string(), pa.int32(), pa.float64(), pa.bool_(), pa.date32()
_TS = pa.timestamp("us")
_SCHEMAS: dict[str, tuple[tuple[str, ...], tuple[pa.DataType, ...]]] = {
    "files": (
        ("file_name", "path", "sha256", "size_bytes", "kind", "status", "reason", "urn",
         "round", "ingested_at", "batch_id"),
        (_S, _S, _S, pa.int64(), _S, _S, _S, _I, _S, _TS, _S),
    ),
    "messages": (
        ("sha256", "file_name", "severity", "location", "message", "ingested_at"),
        (_S, _S, _S, _S, _S, _TS),
    ),
    "returns": (
        ("sha256", "file_name", "ingested_at", "urn", "round", "completed_on", "school_name",
         "completed_by", "filtering", "filtering_raw", "monitoring", "monitoring_raw",
         "pupils_offsite", "pupil_survey_pct"),
        (_S, _S, _TS, _I, _S, _D, _S, _S, _S, _S, _S, _S, _I, _F),
    ),
    "responses": (
        ("sha256", "indicator_id", "response", "raw_response", "evidence", "location"),
        (_S, _S, _S, _S, _S, _S),
    ),
    "policies": (
        ("sha256", "policy", "last_reviewed", "raw_last_reviewed", "approved_by_governors",
         "pupils_consulted", "families_consulted", "location"),
        (_S, _S, _D, _S, _B, _B, _B, _S),
    ),
    "training": (
        ("sha256", "staff_group", "headcount", "trained", "location"),
        (_S, _S, _I, _I, _S),
    ),
    "incidents": (
        ("sha256", "category", "count", "location"),
        (_S, _S, _I, _S),
    ),
}  # fmt: skip
