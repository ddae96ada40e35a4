"""Open a return workbook with calamine and find its tables wherever they sit.

Sheets are found by whole name after :func:`lakehouse.spec.normalise`, a
table's header row anywhere in the first rows, columns in any order. Every
value comes with its A1 reference on the sheet as the file names it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import cast

import python_calamine as calamine

from ingest.layout import HEADER_SEARCH_ROWS
from ingest.limits import archive_problem, sheet_count_problem, sheet_size_problem
from ingest.values import normalise

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARKERS = ("EncryptedPackage".encode("utf-16-le"), b"encrypted-package")


class WorkbookError(ValueError):
    """The file cannot be read as a workbook; the message is a one-line reason."""


@cache  # a return uses a handful of columns, asked for thousands of times
@cache  # a return's tables name the same few columns in every file
def column_letters(index: int) -> str:
    """Zero-based column index to Excel letters: 0 -> A, 27 -> AB."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_ref(sheet: str, row: int, col: int) -> str:
    """``Sheet!B4`` from zero-based row and column."""
    return f"{sheet}!{column_letters(col)}{row + 1}"


@dataclass
class Sheet:
    """One worksheet's cells, addressed from A1 (row 0, column 0)."""

    name: str
    rows: list[list[object]]

    def value(self, row: int, col: int) -> object:
        if row < len(self.rows) and col < len(self.rows[row]):
            return self.rows[row][col]
        return None

    def ref(self, row: int, col: int) -> str:
        return cell_ref(self.name, row, col)

    def find_table(
        self,
        columns: Mapping[str, Sequence[str]],
        required: Sequence[str],
        search_rows: int = HEADER_SEARCH_ROWS,
    ) -> Table | None:
        """The table whose header row holds every required column.

        ``columns`` maps a column key to the header texts it may carry (any
        case, spacing or punctuation). Returns None when no row in the first
        ``search_rows`` has all the required headers.
        """
        by_alias = _aliases_of(columns)
        for r, row in enumerate(self.rows[:search_rows]):
            found: dict[str, int] = {}
            for c, cell in enumerate(row):
                if not isinstance(cell, str):
                    continue
                # the first column key (in ``columns`` order) not yet found takes the cell
                for key in by_alias.get(normalise(cell), ()):
                    if key not in found:
                        found[key] = c
                        break
            if all(key in found for key in required):
                return Table(self, r, found)
        return None


# id of a columns mapping -> (the mapping, its aliases): the layout's mappings are asked
# for by every file, and making a hashable key of one costs more than the search itself
_ALIASES: dict[int, tuple[Mapping[str, Sequence[str]], dict[str, tuple[str, ...]]]] = {}


def _aliases_of(columns: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    known = _ALIASES.get(id(columns))
    # the mapping itself is kept, so its id cannot be reused by another while remembered
    if known is not None and known[0] is columns:
        return known[1]
    by_alias = _by_alias(tuple((key, tuple(aliases)) for key, aliases in columns.items()))
    if len(_ALIASES) < 64:
        _ALIASES[id(columns)] = (columns, by_alias)
    return by_alias


@cache
def _by_alias(columns: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, tuple[str, ...]]:
    """Normalised header text -> the column keys that accept it, in ``columns`` order."""
    out: dict[str, list[str]] = {}
    for key, aliases in columns:
        for label in {normalise(a) for a in aliases}:
            out.setdefault(label, []).append(key)
    return {label: tuple(keys) for label, keys in out.items()}


@dataclass
class Table:
    sheet: Sheet
    header_row: int
    columns: dict[str, int]

    def records(self, keys: Sequence[str]) -> Iterator[tuple[int, tuple[object, ...]]]:
        """(row index, its cells under ``keys``) for each row below the header that has
        anything in the table's columns; None for a key the table lacks or a short row.

        A return is read thousands of times a minute, so this is the one loop every
        table goes through: plain indexing, no object per row.
        """
        cols = tuple(self.columns.values())
        wanted = [self.columns.get(k) for k in keys]
        # rows as calamine gives them are all as wide as the used range, so one
        # length test per row lets most rows take the cells by index in one go
        take = itemgetter(*wanted) if len(wanted) > 1 and None not in wanted else None
        widest = max((c for c in wanted if c is not None), default=-1)
        rows = self.sheet.rows
        for r in range(self.header_row + 1, len(rows)):
            cells = rows[r]
            n = len(cells)
            for c in cols:
                if c < n:
                    cell = cells[c]
                    # calamine gives '' for empty cells inside the used range
                    if cell is not None and (not isinstance(cell, str) or cell.strip()):
                        break
            else:
                continue
            if take is not None and widest < n:
                yield r, take(cells)
            else:
                yield r, tuple(cells[c] if c is not None and c < n else None for c in wanted)

    def prefix(self, key: str) -> str | None:
        """``Sheet!C`` of the column under ``key`` (None: no such column)."""
        return self._prefixes.get(key)

    def ref(self, key: str, row: int) -> str | None:
        """``Sheet!C5`` of the cell under ``key`` in row ``row`` (None: no such column)."""
        prefix = self._prefixes.get(key)
        return None if prefix is None else f"{prefix}{row + 1}"

    def __post_init__(self) -> None:
        # 'Sheet!C' per column: most rows of a return name a cell on record
        self._prefixes = {
            key: f"{self.sheet.name}!{column_letters(col)}" for key, col in self.columns.items()
        }


class Workbook:
    """A workbook's worksheets by normalised name, each read on first use."""

    def __init__(self, book: calamine.CalamineWorkbook) -> None:
        self._book = book
        sheets = book.sheets_metadata  # a new list of new objects on every access
        problem = sheet_count_problem(len(sheets))
        if problem:
            raise WorkbookError(problem)
        self._names: dict[str, str] = {}
        for meta in sheets:
            # two sheets with the same normalised name: the first wins
            if meta.typ == calamine.SheetTypeEnum.WorkSheet:
                self._names.setdefault(normalise(meta.name), meta.name)
        self._read: dict[str, Sheet] = {}

    @classmethod
    def from_bytes(cls, data: bytes) -> Workbook:
        """Open a workbook from the file's bytes; raises :class:`WorkbookError`."""
        if not data:
            raise WorkbookError("is empty (0 bytes)")
        if data.startswith(_OLE_MAGIC) and any(m in data for m in _ENCRYPTED_MARKERS):
            raise WorkbookError(_ENCRYPTED)
        if data[:4] == b"PK\x03\x04" and b"manifest:encryption-data" in data:
            raise WorkbookError(_ENCRYPTED)
        problem = archive_problem(data)  # before calamine inflates anything
        if problem:
            raise WorkbookError(problem)
        try:
            return cls(calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)))
        except WorkbookError:
            raise
        except Exception as exc:
            raise _workbook_error(exc) from exc

    @classmethod
    def open(cls, path: Path) -> Workbook:
        return cls.from_bytes(Path(path).read_bytes())

    @property
    def sheet_names(self) -> list[str]:
        return list(self._names.values())

    def sheet(self, name: str) -> Sheet | None:
        """The sheet whose whole name matches ``name`` after normalising, else None."""
        key = normalise(name)
        if key not in self._names:
            return None
        sheet = self._read.get(key)
        if sheet is None:
            try:
                sheet = self._read[key] = _read_sheet(self._book, self._names[key])
            except WorkbookError:
                raise
            except Exception as exc:
                raise _workbook_error(exc) from exc
        return sheet


_ENCRYPTED = "is password-protected (encrypted); save it without a password"


def _workbook_error(exc: Exception) -> WorkbookError:
    if isinstance(exc, calamine.PasswordError):
        return WorkbookError(_ENCRYPTED)
    # calamine raises many types for damaged files
    detail = " ".join(str(exc).split()) or type(exc).__name__
    return WorkbookError(f"could not be read as a workbook: {detail[:160]}")


def _read_sheet(book: calamine.CalamineWorkbook, name: str) -> Sheet:
    sheet = book.get_sheet_by_name(name)
    # the used range's far corner, counted from A1: checked before any cell becomes Python
    end = sheet.end  # zero-based (row, column) of the last used cell, None when empty
    n_rows, n_columns = (end[0] + 1, end[1] + 1) if end is not None else (0, 0)
    problem = sheet_size_problem(sheet.name, n_rows, n_columns)
    if problem:
        raise WorkbookError(problem)
    # calamine trims empty leading rows/columns; put them back so refs are true A1.
    rows = cast("list[list[object]]", sheet.to_python(skip_empty_area=True))
    start = sheet.start
    if start is not None and rows and start != (0, 0):
        row0, col0 = start
        pad: list[object] = [None] * col0
        rows = [[] for _ in range(row0)] + [pad + r for r in rows]
    return Sheet(sheet.name, rows)
