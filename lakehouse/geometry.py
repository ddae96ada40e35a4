"""The one home of the small geometry the project needs: GeoJSON polygons in lon/lat.

Used by the boundaries loader (winding, rings), the sample county (placing schools
inside districts) and the county map (outlines and label positions).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Ring = Sequence[Sequence[float]]


def polygons(geometry: Any) -> list[list[Any]]:
    """Each polygon's rings (outer first) of a Polygon or MultiPolygon; [] for anything else."""
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    coords = geometry.get("coordinates") or [] if kind else []
    return [coords] if kind == "Polygon" else list(coords) if kind == "MultiPolygon" else []


def rings(geometry: Any) -> list[Any]:
    """Every ring, outer rings and holes, of every polygon."""
    return [ring for polygon in polygons(geometry) for ring in polygon]


def outer_rings(geometry: Any) -> list[list[tuple[float, float]]]:
    """The outer ring of each polygon as (lon, lat) pairs."""
    return [[(float(p[0]), float(p[1])) for p in poly[0]] for poly in polygons(geometry) if poly]


def signed_area(ring: Ring) -> float:
    """Shoelace area in the lon/lat plane: positive anticlockwise, negative clockwise."""
    points = list(ring)
    total = 0.0
    for (x1, y1, *_), (x2, y2, *_) in zip(points, points[1:] + points[:1], strict=True):
        total += float(x1) * float(y2) - float(x2) * float(y1)
    return total / 2.0


def centroid(ring: Ring) -> tuple[float, float]:
    """The area centroid of a ring (the mean of its vertices drifts to busy coasts)."""
    points = [(float(p[0]), float(p[1])) for p in ring]
    a = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        a += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if a == 0:
        return sum(x for x, _ in points) / len(points), sum(y for _, y in points) / len(points)
    return cx / (3 * a), cy / (3 * a)


def _in_ring(x: float, y: float, ring: Ring) -> bool:
    inside = False
    points = list(ring)
    for (x1, y1, *_), (x2, y2, *_) in zip(points, points[1:] + points[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def point_in_polygon(lon: float, lat: float, geometry: Any) -> bool:
    """Even-odd test against a GeoJSON Polygon or MultiPolygon (holes respected)."""
    for polygon in polygons(geometry):
        inside = False
        for ring in polygon:
            if _in_ring(lon, lat, ring):
                inside = not inside
        if inside:
            return True
    return False


def bounds(geometry: Any) -> tuple[float, float, float, float]:
    """(min lon, min lat, max lon, max lat) of the outer rings."""
    outer = [p for ring in outer_rings(geometry) for p in ring]
    xs, ys = [x for x, _ in outer], [y for _, y in outer]
    return min(xs), min(ys), max(xs), max(ys)
