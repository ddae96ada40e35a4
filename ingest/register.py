"""Load a DfE "Get Information About Schools" establishment extract into bronze.register.

The register is stored as received (raw phase, type, status strings): setting,
``is_open`` and independence are derived in the silver models from seed rules,
so a council can change those rules without touching this loader.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import pyarrow as pa

from ingest.sources import SourceError, SourceFile, insert, match_headers
from ingest.values import strip_invisible

# bronze.register column -> GIAS header: the one list of GIAS headers (the sample county
# writes its register from it too). Also the allow-list of identifiers used in SQL.
GIAS_COLUMNS: dict[str, str] = {
    "urn": "URN",
    "name": "EstablishmentName",
    "phase": "PhaseOfEducation (name)",
    "establishment_type": "TypeOfEstablishment (name)",
    "type_group": "EstablishmentTypeGroup (name)",
    "status": "EstablishmentStatus (name)",
    "la_name": "LA (name)",
    "district": "DistrictAdministrative (name)",
    "district_code": "DistrictAdministrative (code)",
    "postcode": "Postcode",
    "easting": "Easting",
    "northing": "Northing",
    "pupils": "NumberOfPupils",
    # contact and context, kept when the extract has them (the chase list and mail merge)
    "head_title": "HeadTitle (name)",
    "head_first_name": "HeadFirstName",
    "head_last_name": "HeadLastName",
    "telephone": "TelephoneNum",
    "website": "SchoolWebsite",
    "street": "Street",
    "locality": "Locality",
    "address3": "Address3",
    "town": "Town",
    "county": "County (name)",
    "trust": "Trusts (name)",
    "ofsted_rating": "OfstedRating (name)",
    "ofsted_last_inspection": "OfstedLastInsp",
}
REQUIRED = ("urn", "name")
TEXT_COLUMNS = (
    "phase",
    "establishment_type",
    "type_group",
    "status",
    "la_name",
    "district",
    "district_code",
    "postcode",
    "head_title",
    "head_first_name",
    "head_last_name",
    "telephone",
    "website",
    "street",
    "locality",
    "address3",
    "town",
    "county",
    "trust",
    "ofsted_rating",
    "ofsted_last_inspection",
)
REGISTER_COLUMNS = (
    "urn",
    "name",
    *TEXT_COLUMNS,
    "easting",
    "northing",
    "lat",
    "lon",
    "pupils",
    "has_type_column",
    "source_file",
    "source_sha256",
    "loaded_at",
)
# INTEGER in bronze: a URN beyond this cannot be stored, so it is a bad URN.
_MAX_INT32 = 2**31 - 1


class RegisterError(SourceError):
    """The file cannot be used as a register at all (see :class:`SourceError`)."""


@dataclass(frozen=True)
class RegisterSummary:
    """What one register load did."""

    rows: int
    with_location: int
    skipped: int
    status: str  # 'loaded' | 'duplicate'
    file_name: str = ""

    def message(self) -> str:
        """One line for the terminal."""
        name = self.file_name or "register"
        if self.status == "duplicate":
            return f"{name}: already loaded (identical file), nothing changed"
        skipped = f"; {self.skipped} rows skipped (see bronze.messages)" if self.skipped else ""
        return (
            f"{name}: {self.rows} establishments loaded, "
            f"{self.with_location} with a location{skipped}"
        )


@dataclass
class _Parsed:
    rows: dict[str, list]
    warnings: list[tuple[str, str]]  # (location, message)
    skipped: int
    has_type_column: bool


def load_register(
    con: duckdb.DuckDBPyConnection, path: Path, *, batch_id: str | None = None
) -> RegisterSummary:
    """Append one GIAS extract to bronze.register and record the file in bronze.files.

    A byte-identical extract already loaded is recorded as 'duplicate' and adds
    no rows. Raises RegisterError when the file cannot be used at all.
    """
    source = SourceFile.read(Path(path), "register", RegisterError, "a CSV file", batch_id=batch_id)
    name, sha, now = source.name, source.sha256, source.loaded_at
    if source.already_loaded(con):
        source.record(con, "duplicate", "identical to a register already loaded")
        return RegisterSummary(0, 0, 0, "duplicate", name)

    try:
        parsed = _parse(source.data, name)
    except RegisterError as exc:
        source.reject(con, str(exc))

    rows = parsed.rows
    lat, lon = osgb_to_wgs84(rows["easting"], rows["northing"])
    n = len(rows["urn"])
    table = pa.table(
        {
            "urn": pa.array(rows["urn"], pa.int32()),
            "name": pa.array(rows["name"], pa.string()),
            **{c: pa.array(rows[c], pa.string()) for c in TEXT_COLUMNS},
            "easting": pa.array(rows["easting"], pa.float64()),
            "northing": pa.array(rows["northing"], pa.float64()),
            "lat": pa.array(lat, pa.float64()),
            "lon": pa.array(lon, pa.float64()),
            "pupils": pa.array(rows["pupils"], pa.int32()),
            "has_type_column": pa.array([parsed.has_type_column] * n, pa.bool_()),
            "source_file": pa.array([name] * n, pa.string()),
            "source_sha256": pa.array([sha] * n, pa.string()),
            "loaded_at": pa.array([now] * n, pa.timestamp("us")),
        }
    )
    insert(con, "register", table, REGISTER_COLUMNS)
    for location, message in parsed.warnings:
        source.warn(con, location, message)
    source.record(con, "loaded", None)
    with_location = sum(1 for v in lat if v is not None)
    return RegisterSummary(n, with_location, parsed.skipped, "loaded", name)


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:4096] or data[:4] == b"PK\x03\x04":
        raise RegisterError(f"{name}: not a CSV text file (is it a spreadsheet? save it as CSV)")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    # cp1252 leaves five bytes undefined; latin-1 maps every byte, so nothing is lost
    return data.decode("latin-1")


def _parse(data: bytes, name: str) -> _Parsed:
    text = _decode(data, name)
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
    except csv.Error as exc:
        raise RegisterError(f"{name}: not a readable CSV file ({exc})") from None
    if not header or not any(h.strip() for h in header):
        raise RegisterError(f"{name}: empty file, expected a GIAS extract with a URN column")
    header = [h.strip() for h in header]
    index = match_headers(header, {column: (gias,) for column, gias in GIAS_COLUMNS.items()})
    missing = [GIAS_COLUMNS[c] for c in REQUIRED if c not in index]
    if missing:
        raise RegisterError(
            f"{name} line 1: no {' or '.join(missing)} column; "
            "expected a GIAS establishment extract"
        )
    rows: dict[str, list] = {c: [] for c in GIAS_COLUMNS}
    warnings: list[tuple[str, str]] = []
    seen: set[int] = set()
    skipped = 0
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue

            where = f"line {line}"

            def cell(column: str, record: list[str] = record, where: str = where) -> str:
                i = index.get(column)
                raw = record[i] if i is not None and i < len(record) else ""
                shown = strip_invisible(raw)
                if shown != raw:  # drawn reversed or hidden on every page and pack otherwise
                    warnings.append(
                        (
                            where,
                            f"{name} {where}: {GIAS_COLUMNS[column]} had invisible or "
                            "direction-changing characters; removed",
                        )
                    )
                return shown.strip()

            urn_text = cell("urn")
            urn = _parse_urn(urn_text)
            if urn is None:
                warnings.append((where, f"{name} {where}: URN {urn_text!r} is not a URN; skipped"))
                skipped += 1
                continue
            if urn in seen:
                warnings.append((where, f"{name} {where}: URN {urn} appears twice; kept the first"))
                skipped += 1
                continue
            school = cell("name")
            if not school:
                warnings.append(
                    (where, f"{name} {where}: URN {urn} has no EstablishmentName; skipped")
                )
                skipped += 1
                continue
            seen.add(urn)
            rows["urn"].append(urn)
            rows["name"].append(school)
            for column in TEXT_COLUMNS:
                rows[column].append(cell(column) or None)
            for column in ("easting", "northing"):
                raw = cell(column)
                value = _parse_number(raw)
                if raw and value is None:
                    warnings.append(
                        (where, f"{name} {where}: {GIAS_COLUMNS[column]} {raw!r} is not a number")
                    )
                # GIAS writes 0 for "no location"
                rows[column].append(value if value else None)
            raw = cell("pupils")
            pupils = _parse_number(raw)
            if raw and (pupils is None or pupils < 0 or pupils > _MAX_INT32):
                warnings.append((where, f"{name} {where}: NumberOfPupils {raw!r} is not a count"))
                pupils = None
            rows["pupils"].append(int(pupils) if pupils is not None else None)
    except csv.Error as exc:
        where = f"{name} line {reader.line_num}"
        raise RegisterError(f"{where}: not a readable CSV file ({exc})") from None
    if not rows["urn"]:
        raise RegisterError(f"{name}: no establishments with a valid URN")
    # a point needs both halves
    for i, (e, n) in enumerate(zip(rows["easting"], rows["northing"], strict=True)):
        if e is None or n is None:
            rows["easting"][i] = rows["northing"][i] = None
    has_type = "establishment_type" in index or "type_group" in index
    return _Parsed(rows, warnings, skipped, has_type)


def _parse_urn(text: str) -> int | None:
    value = _parse_number(text)
    if value is None or value != int(value) or not 0 < value <= _MAX_INT32:
        return None
    return int(value)


def _parse_number(text: str) -> float | None:
    text = text.replace(",", "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


@cache
def _transformer():
    from pyproj import Transformer

    # always_xy: (easting, northing) in, (lon, lat) out, whatever the CRS axis order
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def osgb_to_wgs84(
    eastings: list[float | None], northings: list[float | None]
) -> tuple[list[float | None], list[float | None]]:
    """British National Grid metres -> (lat, lon) lists in WGS84; None stays None.

    One vectorised pyproj call for the whole extract.
    """
    import numpy as np

    e = np.array([v if v is not None else np.nan for v in eastings], dtype=float)
    n = np.array([v if v is not None else np.nan for v in northings], dtype=float)
    if len(e) == 0:
        return [], []
    lon, lat = _transformer().transform(e, n)
    lat_out = [round(float(v), 6) if math.isfinite(v) else None for v in np.atleast_1d(lat)]
    lon_out = [round(float(v), 6) if math.isfinite(v) else None for v in np.atleast_1d(lon)]
    return lat_out, lon_out
