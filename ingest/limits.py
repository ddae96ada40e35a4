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
import struct
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
    inflated = _plain_inflated_size(data)
    if inflated is None:
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


_END = struct.Struct("<4s4H2LH")  # end of central directory: zipfile's structEndArchive
_ENTRY = struct.Struct("<4s4B4HL2L5H2L")  # a central directory entry: its structCentralDir
_ZIP64_LOCATOR = b"PK\x06\x07"


def _plain_inflated_size(data: bytes) -> int | None:
    """The sizes a plain zip's central directory declares, summed; None for any other zip.

    zipfile reads the same numbers but builds an object per part, a fifth of the
    time a small return takes to read. Plain: the directory ends the file with no
    comment, no zip64 record, no extra fields, every entry whole and no newer
    than zipfile reads. Anything else (every odd or damaged zip) is left to
    zipfile, so what is refused, and why, does not change.
    """
    end = len(data) - _END.size
    if end < 0 or data[end - 20 : end - 16] == _ZIP64_LOCATOR:
        return None
    signature, _disk, _cd_disk, _here, _entries, size, _offset, comment = _END.unpack_from(
        data, end
    )
    start = end - size
    if signature != b"PK\x05\x06" or comment or start < 0:
        return None
    total, at = 0, start
    while at < end:
        if at + _ENTRY.size > end:
            return None
        entry = _ENTRY.unpack_from(data, at)
        name_length, extra_length, comment_length = entry[12:15]
        at += _ENTRY.size
        name = data[at : at + name_length]
        at += name_length + comment_length
        if entry[0] != b"PK\x01\x02" or entry[3] > zipfile.MAX_EXTRACT_VERSION:
            return None
        if extra_length or at > end:
            return None
        if entry[5] & 0x800:  # a UTF-8 name: zipfile refuses one that is not
            try:
                name.decode("utf-8")
            except UnicodeDecodeError:
                return None
        total += entry[11]
    return total if at == end else None


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
