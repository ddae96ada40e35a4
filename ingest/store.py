"""Write a batch of return files into bronze in one copy-and-swap session.

Reading is spread over a process pool when there are many files (calamine
and the Python parsing are CPU-bound); writing is a handful of bulk inserts
of Arrow tables, so 24,000 returns cost a few seconds of DuckDB time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import duckdb
import pyarrow as pa

from ingest.returns import (
    WORKBOOK_EXTENSIONS,
    FileOutcome,
    IngestSummary,
    Message,
    ReturnRead,
    init_worker,
    not_a_workbook_reason,
    read_file,
    read_job,
)
from lakehouse import db as lakedb

# Below this many files a pool costs more to start (~0.4 s) and feed than it saves.
POOL_THRESHOLD = 1000
_CHUNK = 64

def _hash(path: Path) -> tuple[str | None, int | None, str | None]:
    """(sha256, size, problem) of one file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, None, f"could not be read: {exc.strerror or exc}"
    return hashlib.sha256(data).hexdigest(), len(data), None


def _read_all(
    jobs: list[tuple[Path, str]],
    urns: frozenset[int] | None,
    today: dt.date,
    workers: int | None,
) -> Iterator[ReturnRead]:
    """Read every job, in order; in a pool of processes when there are many."""
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(jobs) < POOL_THRESHOLD:
        for path, sha in jobs:
            yield read_file(path, sha, urns, today)
        return
    # spawn, not fork: the parent holds an open DuckDB connection and its threads.
    context = multiprocessing.get_context("spawn")
    done = 0
    try:
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=init_worker,
            initargs=(urns, today),
        ) as pool:  # fmt: skip
            for result in pool.map(read_job, [(str(p), s) for p, s in jobs], chunksize=_CHUNK):
                done += 1
                yield result
    except BrokenProcessPool:
        # A worker could not start or died (e.g. run from a script on stdin): finish here.
        for path, sha in jobs[done:]:
            yield read_file(path, sha, urns, today)


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
    """Record, read and load ``files`` (already expanded) in one write session."""
    batch = uuid.uuid4().hex[:12]
    summary = IngestSummary(
        skipped=[str(p) for p in skipped], batch_id=batch, db=str(lakedb.db_path(db))
    )
    hashes = [_hash(p) for p in files]
    total = len(files)
    with lakedb.writing(db) as con:
        loaded = {
            sha: name
            for sha, name in con.execute("SELECT sha256, file_name FROM bronze.returns").fetchall()
        }
        urn_rows = con.execute("SELECT DISTINCT urn FROM bronze.register").fetchall()
        urns = frozenset(r[0] for r in urn_rows) if urn_rows else None

        # Decide what needs reading: new bytes in a workbook file, first time in this batch.
        first_in_batch: dict[str, int] = {}
        to_read: list[int] = []
        for i, (path, (sha, _size, _problem)) in enumerate(zip(files, hashes, strict=True)):
            if sha is None or sha in loaded or path.suffix.lower() not in WORKBOOK_EXTENSIONS:
                continue
            if sha not in first_in_batch:
                first_in_batch[sha] = i
                to_read.append(i)

        reads: dict[int, ReturnRead] = {}
        jobs = [(files[i], hashes[i][0] or "") for i in to_read]
        results = zip(to_read, _read_all(jobs, urns, today, workers), strict=True)
        for done, (i, result) in enumerate(results, start=1):
            reads[i] = result
            if progress:
                progress(done, len(to_read), files[i].name)

        clock = _Clock()
        rows = _Rows()
        for i, path in enumerate(files):
            sha, size, problem = hashes[i]
            at = clock.now()
            outcome = FileOutcome(str(path), path.name, sha, "rejected", problem)
            if sha is None:
                rows.message(None, path.name, Message("error", None, problem or "unreadable"), at)
            elif path.suffix.lower() not in WORKBOOK_EXTENSIONS:
                outcome.reason = not_a_workbook_reason(path)
                rows.message(sha, path.name, Message("error", None, outcome.reason), at)
            elif sha in loaded:
                outcome.status = "duplicate"
                outcome.reason = f"same bytes as {loaded[sha]}, already loaded"
            elif first_in_batch[sha] != i:
                first = files[first_in_batch[sha]]
                earlier = reads[first_in_batch[sha]]
                outcome.urn, outcome.round = earlier.urn, earlier.round
                if earlier.ok:
                    outcome.status = "duplicate"
                    outcome.reason = f"same bytes as {first.name}, loaded in this batch"
                else:
                    outcome.reason = earlier.rejection
                    rows.message(sha, path.name, Message("error", None, earlier.rejection), at)
            else:
                read = reads[i]
                outcome.urn, outcome.round = read.urn, read.round
                outcome.sha256 = read.sha256
                if read.ok:
                    outcome.status, outcome.reason = "loaded", None
                    outcome.warnings, outcome.errors = read.count("warning"), read.count("error")
                    rows.return_(read, at)
                else:
                    outcome.reason = read.rejection
                for m in read.messages:
                    rows.message(read.sha256, path.name, m, at)
            rows.file(outcome, str(path), size, at, batch)
            summary.outcomes.append(outcome)
        if progress and not to_read and total:
            progress(total, total, "")
        rows.write(con)
        if rebuild:
            summary.build_note = rebuild_models(con, as_of, round)
    return summary


class BuildFailed(RuntimeError):
    """The model build raised; the write session is abandoned, so nothing changed."""


def rebuild_models(
    con: duckdb.DuckDBPyConnection, as_of: dt.date | None, round: str | None
) -> str:
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


class _Rows:
    """Column buffers for each bronze table, flushed as Arrow tables."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[str, list]] = {
            name: {c: [] for c in cols} for name, (cols, _types) in _SCHEMAS.items()
        }

    def _add(self, table: str, *values: object) -> None:
        for column, value in zip(self.tables[table].values(), values, strict=True):
            column.append(value)

    def file(self, o: FileOutcome, path: str, size: int | None, at: dt.datetime, batch: str):
        self._add(
            "files", o.file_name, path, o.sha256, size, "return", o.status, o.reason,
            o.urn, o.round, at, batch,
        )  # fmt: skip

    def message(self, sha: str | None, name: str, m: Message, at: dt.datetime) -> None:
        self._add("messages", sha, name, m.severity, m.location, m.message, at)

    def return_(self, r: ReturnRead, at: dt.datetime) -> None:
        self._add(
            "returns", r.sha256, r.file_name, at, r.urn, r.round, r.completed_on,
            r.school_name, r.completed_by, r.filtering, r.filtering_raw, r.monitoring,
            r.monitoring_raw, r.pupils_offsite, r.pupil_survey_pct,
        )  # fmt: skip
        for x in r.responses:
            self._add(
                "responses", r.sha256, x.indicator_id, x.response, x.raw_response, x.evidence,
                x.location,
            )  # fmt: skip
        for p in r.policies:
            self._add(
                "policies", r.sha256, p.policy, p.last_reviewed, p.raw_last_reviewed,
                p.approved_by_governors, p.pupils_consulted, p.families_consulted, p.location,
            )  # fmt: skip
        for t in r.training:
            self._add("training", r.sha256, t.staff_group, t.headcount, t.trained, t.location)
        for n in r.incidents:
            self._add("incidents", r.sha256, n.category, n.count, n.location)

    def write(self, con: duckdb.DuckDBPyConnection) -> None:
        for name, columns in self.tables.items():
            if not next(iter(columns.values())):
                continue
            _insert(con, name, columns, _SCHEMAS[name][1])


def _insert(
    con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, list], types: Iterable
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
