"""Return files read a chunk at a time, their child rows handed back as Arrow tables.

A chunk is the unit of work of the ingest's reader pool (and of the one-process
path, so both write the same rows). The pool's workers import this module and the
reader, not DuckDB or the batch: each worker starts in a fraction of the time, and
the bronze column types they need arrive with the pool's initializer.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import pyarrow as pa

from ingest.reader import CHILD_TABLES, Scanned, child_columns, init_worker, scan_file

# bronze table -> column -> Arrow type (from bronze.sql, worked out by the batch)
Schemas = Mapping[str, Mapping[str, pa.DataType]]


@dataclass
class Chunk:
    """Files read together (by one pool worker, or in this process).

    ``scans`` holds each file's scan, its read without child rows; ``tables`` holds
    the child rows of all of them as Arrow tables in file order, ``counts`` how many
    rows each file has in each. A worker builds the Arrow tables itself, so the main
    process unpickles a few buffers per chunk instead of a Python object per cell.
    ``keep`` is filled in by the main process, one entry per file, as it decides
    outcomes: only a loaded file's rows go into bronze (a byte-identical copy later
    in the same batch is read by a worker too, but is a duplicate).
    """

    scans: list[Scanned]
    tables: dict[str, pa.Table]
    counts: dict[str, list[int]]
    keep: list[bool] = field(default_factory=list)

    @property
    def decided(self) -> bool:
        return len(self.keep) == len(self.scans)

    def kept_tables(self) -> Iterator[tuple[str, pa.Table]]:
        """Each child table with only the rows of the files to keep."""
        everything = all(self.keep)
        for name, table in self.tables.items():
            if everything:
                yield name, table
            elif any(self.keep):
                rows = zip(self.keep, self.counts[name], strict=True)
                mask = [keep for keep, n in rows for _ in range(n)]
                yield name, table.filter(pa.array(mask, pa.bool_()))


def scan_chunk(
    paths: Sequence[str],
    urns: frozenset[int] | None,
    today: dt.date,
    loaded: frozenset[str],
    schemas: Schemas,
) -> Chunk:
    """Hash and read ``paths`` in turn and gather their child rows as Arrow tables."""
    scans: list[Scanned] = []
    rows: dict[str, list] = {name: [] for name in CHILD_TABLES}
    shas: dict[str, list[str | None]] = {name: [] for name in CHILD_TABLES}
    counts: dict[str, list[int]] = {name: [] for name in CHILD_TABLES}
    for path in paths:
        scanned, read = scan_file(path, urns, today, loaded)
        scans.append(scanned)
        for name in CHILD_TABLES:
            got = getattr(read, name) if read is not None else ()
            counts[name].append(len(got))
            if got:
                rows[name].extend(got)
                shas[name].extend([scanned.sha256] * len(got))
    tables = {}
    for name, found in rows.items():
        if found:
            types = schemas[name]
            columns = child_columns(name, found, shas[name])
            tables[name] = pa.table({c: pa.array(v, types[c]) for c, v in columns.items()})
    return Chunk(scans, tables, counts)


_settings: tuple[frozenset[int] | None, dt.date, frozenset[str], Schemas] | None = None


def init_chunk_worker(
    urns: frozenset[int] | None, today: dt.date, loaded: frozenset[str], schemas: Schemas
) -> None:
    """Pool initializer: the reader's (die with the parent), then keep what each chunk needs.

    The cyclic garbage collector is off for the worker's life, as it is in the batch's
    own process while it reads: a pool serves one batch and its workers exit at the end,
    freeing everything, and the reader makes few cycles (measured: collections cost
    2.5 % of a worker's time, for almost nothing collected)."""
    gc.disable()
    init_worker(urns, today, loaded)
    global _settings
    _settings = (urns, today, loaded, schemas)


def scan_chunk_job(paths: list[str]) -> Chunk:
    """Pool job: :func:`scan_chunk` with the initializer's register, date, hashes and types."""
    assert _settings is not None, "init_chunk_worker runs first in every pool worker"
    return scan_chunk(paths, *_settings)
