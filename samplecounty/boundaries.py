"""Kent's twelve district boundaries for the sample county (simplified ONS LAD shapes).

``data/kent_districts.geojson`` is a simplified copy of the Office for National
Statistics' Local Authority Districts (May 2020) boundaries, generalised
clipped (BGC), for the twelve districts of Kent County Council (Medway,
E06000035, is a separate unitary council and is left out). Source: Office for
National Statistics licensed under the Open Government Licence v3.0; contains
OS data © Crown copyright and database right 2020. See ``data/LICENCE.md``.

The file was made from the ONS file with::

    python -m samplecounty.boundaries SOURCE.geojson samplecounty/data/kent_districts.geojson

Douglas-Peucker per ring (tolerance ~50 m), islands under 0.3 km² dropped,
coordinates to 5 decimals (~1 m), outer rings clockwise (plotly's geo maps
need that; see FIELD-NOTES).
"""

from __future__ import annotations

import json
import math
import sys
from functools import lru_cache
from pathlib import Path

from ingest.boundaries import rewind
from lakehouse.geometry import signed_area

DATA_FILE = Path(__file__).resolve().parent / "data" / "kent_districts.geojson"
NOT_KENT = {"E06000035"}  # Medway: a unitary council of its own
TOLERANCE_DEG = 0.0005
MIN_ISLAND_KM2 = 0.3
_KM2_PER_DEG2 = 111.32 * 111.32 * math.cos(math.radians(51.2))


def _perpendicular(p: list[float], a: list[float], b: list[float], k: float) -> float:
    ax, ay, bx, by, px, py = a[0] * k, a[1], b[0] * k, b[1], p[0] * k, p[1]
    dx, dy = bx - ax, by - ay
    if dx == 0 and dy == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def douglas_peucker(points: list[list[float]], tolerance: float, k: float = 1.0) -> list:
    """Points of a line kept by Douglas-Peucker (iterative; ``k`` scales longitude)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, -1
        for i in range(first + 1, last):
            d = _perpendicular(points[i], points[first], points[last], k)
            if d > worst:
                worst, index = d, i
        if index >= 0 and worst > tolerance:
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def simplify_ring(ring: list, tolerance: float = TOLERANCE_DEG) -> list | None:
    """A closed ring simplified, or None when too little of it is left."""
    k = math.cos(math.radians(51.2))
    pts = [[round(float(x), 5), round(float(y), 5)] for x, y, *_ in ring]
    if pts[0] != pts[-1]:
        pts.append(pts[0])
    # split the closed ring at its far point so both halves keep their ends
    far = max(
        range(len(pts)),
        key=lambda i: math.hypot((pts[i][0] - pts[0][0]) * k, pts[i][1] - pts[0][1]),
    )
    out = douglas_peucker(pts[: far + 1], tolerance, k)[:-1] + douglas_peucker(
        pts[far:], tolerance, k
    )
    return out if len(out) >= 4 else None


def simplify_geometry(geometry: dict) -> dict:
    """A MultiPolygon with every ring simplified and small islands dropped, rewound."""
    polygons = (
        geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    )
    kept = []
    for rings in polygons:
        outer = simplify_ring(rings[0])
        if outer is None or abs(signed_area(outer)) * _KM2_PER_DEG2 < MIN_ISLAND_KM2:
            continue
        holes = [h for h in (simplify_ring(r) for r in rings[1:]) if h is not None]
        kept.append([outer, *holes])
    return rewind({"type": "MultiPolygon", "coordinates": kept})


def simplify_file(source: Path, target: Path) -> int:
    """Write the simplified Kent districts of an ONS LAD GeoJSON; returns the bytes written."""
    doc = json.loads(Path(source).read_text(encoding="utf-8"))
    features = []
    for f in doc["features"]:
        props = {k.lower(): v for k, v in f["properties"].items()}
        code = next(v for k, v in props.items() if k.startswith("lad") and k.endswith("cd"))
        name = next(v for k, v in props.items() if k.startswith("lad") and k.endswith("nm"))
        if code in NOT_KENT:
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {"LAD20CD": code, "LAD20NM": name},
                "geometry": simplify_geometry(f["geometry"]),
            }
        )
    features.sort(key=lambda f: f["properties"]["LAD20NM"])
    out = {
        "type": "FeatureCollection",
        "name": "Kent districts, simplified from ONS LAD May 2020 BGC (OGL v3.0)",
        "features": features,
    }
    text = json.dumps(out, separators=(",", ":"))
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    Path(target).write_text(text, encoding="utf-8")
    return len(text)


@lru_cache(maxsize=1)
def kent_districts() -> tuple[tuple[str, str, dict], ...]:
    """(code, name, GeoJSON MultiPolygon) of the twelve Kent districts, from the shipped file."""
    doc = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return tuple(
        (f["properties"]["LAD20CD"], f["properties"]["LAD20NM"], f["geometry"])
        for f in doc["features"]
    )


if __name__ == "__main__":  # pragma: no cover - the one-off tool that made the file
    if len(sys.argv) != 3:
        sys.exit("usage: python -m samplecounty.boundaries SOURCE.geojson TARGET.geojson")
    print(f"{simplify_file(Path(sys.argv[1]), Path(sys.argv[2]))} bytes")
