"""How big a return may be before the reader refuses to open it (seed ``ingest_limits.csv``).

A workbook is a zip of XML parts, so a small file can unzip to gigabytes (a
zip bomb) and a sheet can hold a million rows. These checks run before the
workbook reader touches the data: the file's size from ``fstat``, the zip's
central directory (the sizes it declares for its parts), then the sheet count
and each needed sheet's dimensions. Over a limit, the file is rejected on
record with the limit named; nothing big is ever held in memory.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from functools import cache

from lakehouse.spec import read_seed

_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Limits:
    """The numbers of ``lakehouse/seeds/ingest_limits.csv`` (one row per field)."""

    max_file_bytes: int
    max_inflated_bytes: int
    max_inflation_ratio: float
    max_sheets: int
    max_rows: int
    max_columns: int
    max_upload_memory_bytes: int


@cache
def limits() -> Limits:
    """The limits in force, read once per process from the seed."""
    values = {r["name"]: r["value"] for r in read_seed("ingest_limits")}
    missing = [f for f in Limits.__dataclass_fields__ if f not in values]
    if missing:
        raise ValueError(f"ingest_limits.csv: no row for {', '.join(missing)}")
    return Limits(
        max_file_bytes=int(values["max_file_bytes"]),
        max_inflated_bytes=int(values["max_inflated_bytes"]),
        max_inflation_ratio=float(values["max_inflation_ratio"]),
        max_sheets=int(values["max_sheets"]),
        max_rows=int(values["max_rows"]),
        max_columns=int(values["max_columns"]),
        max_upload_memory_bytes=int(values["max_upload_memory_bytes"]),
    )


def size_text(n: float) -> str:
    """Bytes for people: '820 bytes', '5.8 MB', '1.5 GB' (decimal units, as file managers show)."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{int(n)} bytes"


def file_size_problem(size: int, lim: Limits | None = None) -> str | None:
    """Why a file of ``size`` bytes is refused unread, or None."""
    lim = lim or limits()
    if size > lim.max_file_bytes:
        return (
            f"is too large to be a return: {size_text(size)} "
            f"(the limit is {size_text(lim.max_file_bytes)}); not read"
        )
    return None


def archive_problem(data: bytes, lim: Limits | None = None) -> str | None:
    """Why a zipped workbook (.xlsx, .xlsm, .ods) is refused before it is opened, or None.

    Reads only the zip's central directory. A file that is not a zip, or whose
    directory cannot be read, is left to the workbook reader to reject.
    """
    if not data.startswith(_ZIP_MAGIC):
        return None
    lim = lim or limits()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return None
    inflated = sum(m.file_size for m in members)
    if inflated > lim.max_inflated_bytes:
        return (
            f"unzips to {size_text(inflated)} (the limit is {size_text(lim.max_inflated_bytes)}):"
            " not opened, as it may be a zip bomb"
        )
    ratio = inflated / max(len(data), 1)
    if ratio > lim.max_inflation_ratio:
        return (
            f"unzips to {ratio:,.0f} times its own size (the limit is "
            f"{lim.max_inflation_ratio:,.0f}): not opened, as it may be a zip bomb"
        )
    return None


def sheet_count_problem(count: int, lim: Limits | None = None) -> str | None:
    """Why a workbook with ``count`` sheets is refused, or None."""
    lim = lim or limits()
    if count > lim.max_sheets:
        return f"has {count:,} sheets (the limit is {lim.max_sheets:,}); not read"
    return None


def sheet_size_problem(name: str, rows: int, columns: int, lim: Limits | None = None) -> str | None:
    """Why a sheet of ``rows`` x ``columns`` (its used range from A1) is refused, or None."""
    lim = lim or limits()
    if rows > lim.max_rows:
        return f"the {name} sheet has {rows:,} rows (the limit is {lim.max_rows:,}); not read"
    if columns > lim.max_columns:
        return (
            f"the {name} sheet has {columns:,} columns (the limit is {lim.max_columns:,}); not read"
        )
    return None
