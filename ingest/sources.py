"""One reference file (register extract, boundaries) on its way into bronze.

The register and boundaries loaders differ only in how they parse; reading the
bytes, spotting a byte-identical reload and putting the file and its problems
on record in bronze.files / bronze.messages is the same for both, and lives here.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import duckdb

from lakehouse.spec import normalise

if TYPE_CHECKING:
    import pyarrow as pa


class SourceError(ValueError):
    """The file cannot be used at all; the message is one line.

    ``recorded`` is True when a 'rejected' bronze.files row was written on the
    connection before raising: it persists only if the caller catches this
    error inside its ``writing()`` block.
    """

    def __init__(self, message: str, *, recorded: bool = False) -> None:
        super().__init__(message)
        self.recorded = recorded


def run(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    """Execute and fetch to the end: DuckDB 2 refuses new work while a result is unfinished."""
    return con.execute(sql, params or []).fetchall()


def insert(
    con: duckdb.DuckDBPyConnection, table: str, data: pa.Table, columns: Sequence[str]
) -> None:
    """Append ``data`` to ``bronze.<table>`` by column name.

    ``table`` and ``columns`` come from the project's own lists, never from a
    file; the values travel as Arrow data, never as SQL text.
    """
    view = f"_ingest_{table}_{uuid.uuid4().hex}"
    names = ", ".join(columns)
    con.register(view, data)
    try:
        run(con, f"INSERT INTO bronze.{table} ({names}) SELECT {names} FROM {view}")
    finally:
        con.unregister(view)


def match_headers(header: Sequence[str], names: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """Column -> index in a CSV header row, for each column whose header is found.

    ``names`` gives each column the headers it may have, in order of preference;
    for each of them the header as spelt is looked for first, then loosely (any
    case, spacing or punctuation, :func:`lakehouse.spec.normalise`). When a
    header appears twice, the first wins.
    """
    exact = {h: i for i, h in reversed(list(enumerate(header)))}
    loose = {normalise(h): i for i, h in reversed(list(enumerate(header)))}
    found: dict[str, int] = {}
    for column, headers in names.items():
        for name in headers:
            where = exact.get(name, loose.get(normalise(name)))
            if where is not None:
                found[column] = where
                break
    return found


@dataclass(frozen=True)
class SourceFile:
    """The bytes of one file as read, with what every bronze record of it needs."""

    path: Path
    kind: str  # bronze.files.kind: 'register' | 'boundaries'
    data: bytes
    sha256: str
    error_cls: type[SourceError]
    batch_id: str
    loaded_at: datetime

    @classmethod
    def read(
        cls,
        path: Path,
        kind: str,
        error_cls: type[SourceError],
        noun: str,
        *,
        batch_id: str | None = None,
        loaded_at: datetime | None = None,
    ) -> SourceFile:
        """Read ``path`` whole; raises ``error_cls`` (not recorded) when it cannot be read.

        ``noun`` names what a folder was mistaken for ("a CSV file"). Without a
        ``batch_id`` the file is a batch of its own; ``loaded_at`` defaults to now.
        """
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise error_cls(f"{path}: no such file") from None
        except IsADirectoryError:
            raise error_cls(f"{path}: is a folder, not {noun}") from None
        except OSError as exc:
            raise error_cls(f"{path}: cannot be read ({exc.strerror or exc})") from None
        sha = hashlib.sha256(data).hexdigest()
        return cls(
            path,
            kind,
            data,
            sha,
            error_cls,
            batch_id or uuid.uuid4().hex,
            loaded_at or datetime.now(),
        )

    @property
    def name(self) -> str:
        """Base name, as messages show it."""
        return self.path.name

    def already_loaded(self, con: duckdb.DuckDBPyConnection) -> bool:
        """Whether identical bytes of this kind were loaded before."""
        return bool(
            run(
                con,
                "SELECT count(*) FROM bronze.files WHERE kind = ? AND sha256 = ? "
                "AND status = 'loaded'",
                [self.kind, self.sha256],
            )[0][0]
        )

    def record(self, con: duckdb.DuckDBPyConnection, status: str, reason: str | None) -> None:
        """Put this file on record in bronze.files."""
        run(
            con,
            "INSERT INTO bronze.files (file_name, path, sha256, size_bytes, kind, status, reason,"
            " urn, round, ingested_at, batch_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)",
            [
                self.name,
                str(self.path),
                self.sha256,
                len(self.data),
                self.kind,
                status,
                reason,
                self.loaded_at,
                self.batch_id,
            ],
        )

    def reject(self, con: duckdb.DuckDBPyConnection, reason: str) -> NoReturn:
        """Record the file as rejected with an error message, then raise ``error_cls``."""
        self.record(con, "rejected", reason)
        self._message(con, "error", None, reason)
        raise self.error_cls(reason, recorded=True) from None

    def warn(self, con: duckdb.DuckDBPyConnection, location: str, message: str) -> None:
        """Record a problem that did not stop the load."""
        self._message(con, "warning", location, message)

    def _message(
        self, con: duckdb.DuckDBPyConnection, severity: str, location: str | None, message: str
    ) -> None:
        run(
            con,
            "INSERT INTO bronze.messages VALUES (?, ?, ?, ?, ?, ?)",
            [self.sha256, self.name, severity, location, message, self.loaded_at],
        )
