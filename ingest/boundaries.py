"""Load ONS Local Authority District boundaries (GeoJSON, any vintage) into bronze.boundaries.

Geometry is stored as GeoJSON text in WGS84 with outer rings clockwise.
Why clockwise: plotly's ``geo`` traces (``px.choropleth(geojson=...)``) draw
with d3-geo, which reads polygons on the sphere and takes the ring's winding
to tell inside from outside; an anticlockwise outer ring (the RFC 7946
convention that ONS files follow) is read as "the whole globe except this
district" and floods the map. MapLibre traces (``choropleth_map``) are planar
and do not care, so clockwise works for both. Holes are wound the other way.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingest.sources import SourceError, SourceFile
from lakehouse.geometry import rings, signed_area

_CODE = re.compile(r"^lad\d\dcd$", re.IGNORECASE)
_NAME = re.compile(r"^lad\d\dnm$", re.IGNORECASE)
# British National Grid coordinates are metres, far outside lon/lat ranges
_DEGREES_LIMIT = 360.0
_POLYGONS = ("Polygon", "MultiPolygon")


class BoundariesError(SourceError):
    """The file cannot be used as boundaries at all (see :class:`SourceError`)."""


@dataclass(frozen=True)
class BoundariesSummary:
    """What one boundaries load did."""

    districts: int
    skipped: int
    status: str  # 'loaded' | 'duplicate'
    converted_from_bng: bool = False
    file_name: str = ""

    def message(self) -> str:
        """One line for the terminal."""
        name = self.file_name or "boundaries"
        if self.status == "duplicate":
            return f"{name}: already loaded (identical file), nothing changed"
        extra = " (converted from British National Grid)" if self.converted_from_bng else ""
        skipped = f"; {self.skipped} features skipped (see bronze.messages)" if self.skipped else ""
        return f"{name}: {self.districts} districts loaded{extra}{skipped}"


def load_boundaries(
    con: duckdb.DuckDBPyConnection, path: Path, *, batch_id: str | None = None
) -> BoundariesSummary:
    """Append one boundaries file to bronze.boundaries and record it in bronze.files.

    Raises BoundariesError when the file cannot be used at all.
    """
    source = SourceFile.read(
        Path(path), "boundaries", BoundariesError, "a GeoJSON file", batch_id=batch_id
    )
    name = source.name
    if source.already_loaded(con):
        source.record(con, "duplicate", "identical to boundaries already loaded")
        return BoundariesSummary(0, 0, "duplicate", file_name=name)

    try:
        districts, warnings, converted = parse_boundaries(source.data, name)
    except BoundariesError as exc:
        source.reject(con, str(exc))

    con.executemany(
        "INSERT INTO bronze.boundaries (district_code, district_name, geometry, source_file,"
        " source_sha256, loaded_at) VALUES (?, ?, ?, ?, ?, ?)",
        [
            [code, dname, geometry, name, source.sha256, source.loaded_at]
            for code, dname, geometry in districts
        ],
    )
    for location, message in warnings:
        source.warn(con, location, message)
    source.record(con, "loaded", None)
    return BoundariesSummary(len(districts), len(warnings), "loaded", converted, name)


def parse_boundaries(data: bytes, name: str) -> tuple[list[tuple[str, str, str]], list, bool]:
    """(code, name, geometry JSON text) per district, warnings, and whether BNG was converted."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise BoundariesError(f"{name}: not a GeoJSON text file") from None
    except json.JSONDecodeError as exc:
        raise BoundariesError(f"{name} line {exc.lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise BoundariesError(f"{name}: not a GeoJSON FeatureCollection")
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        raise BoundariesError(f"{name}: the FeatureCollection has no features")
    keys: set[str] = set()
    for feature in features:
        if isinstance(feature, dict) and isinstance(feature.get("properties"), dict):
            keys.update(feature["properties"])
    code_key = _pick(keys, _CODE, "code")
    name_key = _pick(keys, _NAME, "name")
    if code_key is None or name_key is None:
        raise BoundariesError(
            f"{name}: no district code/name properties (expected LADxxCD and LADxxNM)"
        )

    converted = _looks_like_bng(doc, features)
    if converted:
        _convert_bng(features)

    districts: list[tuple[str, str, str]] = []
    warnings: list[tuple[str, str]] = []
    seen: set[str] = set()
    for i, feature in enumerate(features):
        where = f"feature {i + 1}"
        props = feature.get("properties") if isinstance(feature, dict) else None
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        props = props if isinstance(props, dict) else {}
        code = str(props.get(code_key) or "").strip()
        dname = str(props.get(name_key) or "").strip()
        if not code or not dname:
            warnings.append((where, f"{name} {where}: no {code_key}/{name_key}; skipped"))
            continue
        if code in seen:
            warnings.append((where, f"{name} {where}: {code} appears twice; kept the first"))
            continue
        if not isinstance(geometry, dict) or geometry.get("type") not in _POLYGONS:
            warnings.append((where, f"{name} {where}: {code} has no polygon geometry; skipped"))
            continue
        try:
            geometry = rewind(geometry)
        except (TypeError, ValueError, IndexError):
            warnings.append((where, f"{name} {where}: {code} has malformed coordinates; skipped"))
            continue
        seen.add(code)
        districts.append((code, dname, json.dumps(geometry, separators=(",", ":"))))
    if not districts:
        raise BoundariesError(f"{name}: no usable district polygons")
    return districts, warnings, converted


def _pick(keys: set[str], pattern: re.Pattern[str], fallback: str) -> str | None:
    # newest vintage first when a file carries several (LAD21CD beside LAD20CD)
    matches = sorted((k for k in keys if pattern.match(k)), reverse=True)
    if matches:
        return matches[0]
    for key in sorted(keys):
        if key.lower() == fallback:
            return key
    return None


def _looks_like_bng(doc: dict, features: list) -> bool:
    crs = json.dumps(doc.get("crs") or "")
    if "27700" in crs:
        return True
    for feature in features[:5]:
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if isinstance(geometry, dict):
            for ring in rings(geometry)[:1]:
                for point in ring[:10]:
                    if max(abs(float(point[0])), abs(float(point[1]))) > _DEGREES_LIMIT:
                        return True
    return False


def _convert_bng(features: list) -> None:
    """Easting/northing metres -> lon/lat in place, one pyproj call for every vertex."""
    import numpy as np

    from ingest.register import _transformer

    points: list[list] = []
    for feature in features:
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if isinstance(geometry, dict) and geometry.get("type") in ("Polygon", "MultiPolygon"):
            for ring in rings(geometry):
                points.extend(ring)
    if not points:
        return
    xy = np.array([[float(p[0]), float(p[1])] for p in points])
    lon, lat = _transformer().transform(xy[:, 0], xy[:, 1])
    for point, x, y in zip(points, lon, lat, strict=True):
        point[:] = [round(float(x), 6), round(float(y), 6)]


def _wind(ring: list, clockwise: bool) -> list:
    ring = [[float(p[0]), float(p[1])] for p in ring]
    if len(ring) < 4 or not all(math.isfinite(v) for p in ring for v in p):
        raise ValueError("ring too short or not numeric")
    is_clockwise = signed_area(ring) < 0
    return ring if is_clockwise == clockwise else ring[::-1]


def rewind(geometry: dict) -> dict:
    """A copy of a Polygon/MultiPolygon with outer rings clockwise and holes anticlockwise."""

    def polygon(rings: list) -> list:
        # A zero-area ring (a sliver some ONS files carry) has no winding, and d3 may
        # then read it as the whole globe: drop it.
        wound = [_wind(ring, clockwise=(i == 0)) for i, ring in enumerate(rings)]
        return [ring for ring in wound if signed_area(ring) != 0] if wound else []

    if geometry["type"] == "Polygon":
        rings = polygon(geometry["coordinates"])
        if not rings or signed_area(rings[0]) >= 0:
            raise ValueError("no outer ring with an area")
        return {"type": "Polygon", "coordinates": rings}
    polygons = [polygon(p) for p in geometry["coordinates"]]
    polygons = [p for p in polygons if p and signed_area(p[0]) < 0]
    if not polygons:
        raise ValueError("no outer ring with an area")
    return {"type": "MultiPolygon", "coordinates": polygons}
