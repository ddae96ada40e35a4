"""The boundaries loader: ONS district GeoJSON of any vintage into bronze.boundaries."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from ingest.boundaries import BoundariesError, load_boundaries, signed_area
from lakehouse.db import ensure_bronze

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

# anticlockwise in the lon/lat plane, as RFC 7946 and ONS files wind outer rings
SQUARE_ANTICLOCKWISE = [[0.0, 51.0], [0.2, 51.0], [0.2, 51.2], [0.0, 51.2], [0.0, 51.0]]


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    ensure_bronze(con)
    yield con
    con.close()


def feature(props: dict, coordinates: list, kind: str = "Polygon") -> dict:
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": kind, "coordinates": coordinates},
    }


def write(tmp_path: Path, features: list, **extra) -> Path:
    path = tmp_path / "districts.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", **extra, "features": features}))
    return path


def stored(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, dict]]:
    return {
        code: (name, json.loads(geometry))
        for code, name, geometry in con.execute(
            "SELECT district_code, district_name, geometry FROM bronze.boundaries"
        ).fetchall()
    }


@pytest.mark.parametrize(
    ("code_key", "name_key"),
    [
        ("LAD23CD", "LAD23NM"),
        ("lad20cd", "lad20nm"),
        ("Lad19Cd", "Lad19Nm"),
        ("code", "name"),
    ],
)
def test_district_code_and_name_properties_are_found_in_any_vintage_and_case(
    tmp_path, con, code_key, name_key
):
    path = write(
        tmp_path,
        [
            feature(
                {code_key: "E07000105", name_key: "Ashford", "OBJECTID": 1}, [SQUARE_ANTICLOCKWISE]
            )
        ],
    )
    summary = load_boundaries(con, path)
    assert (summary.districts, summary.status) == (1, "loaded")
    assert list(stored(con)) == ["E07000105"]
    assert stored(con)["E07000105"][0] == "Ashford"
    assert con.execute("SELECT kind, status FROM bronze.files").fetchall() == [
        ("boundaries", "loaded")
    ]


def test_outer_rings_are_rewound_clockwise_and_holes_anticlockwise(tmp_path, con):
    hole_clockwise = [[0.05, 51.05], [0.05, 51.1], [0.1, 51.1], [0.1, 51.05], [0.05, 51.05]]
    path = write(
        tmp_path,
        [
            feature({"LAD20CD": "E1", "LAD20NM": "Holed"}, [SQUARE_ANTICLOCKWISE, hole_clockwise]),
            feature(
                {"LAD20CD": "E2", "LAD20NM": "Islands"},
                [[SQUARE_ANTICLOCKWISE], [SQUARE_ANTICLOCKWISE[::-1]]],
                "MultiPolygon",
            ),
        ],
    )
    load_boundaries(con, path)
    holed = stored(con)["E1"][1]["coordinates"]
    assert signed_area(holed[0]) < 0 < signed_area(holed[1])
    islands = stored(con)["E2"][1]["coordinates"]
    assert all(signed_area(polygon[0]) < 0 for polygon in islands)


def test_a_zero_area_sliver_is_dropped_because_it_has_no_winding(tmp_path, con):
    sliver = [[1.0, 51.0], [1.1, 51.1], [1.1, 51.1], [1.0, 51.0]]
    path = write(
        tmp_path,
        [
            feature(
                {"LAD20CD": "E1", "LAD20NM": "A"},
                [[SQUARE_ANTICLOCKWISE], [sliver]],
                "MultiPolygon",
            )
        ],
    )
    load_boundaries(con, path)
    assert len(stored(con)["E1"][1]["coordinates"]) == 1


def test_british_national_grid_coordinates_are_converted_to_lon_lat(tmp_path, con):
    square = [
        [600000, 140000],
        [610000, 140000],
        [610000, 150000],
        [600000, 150000],
        [600000, 140000],
    ]
    path = write(
        tmp_path,
        [feature({"LAD21CD": "E07000105", "LAD21NM": "Ashford"}, [square])],
        crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}},
    )
    summary = load_boundaries(con, path)
    assert summary.converted_from_bng
    ring = stored(con)["E07000105"][1]["coordinates"][0]
    lons = [p[0] for p in ring]
    lats = [p[1] for p in ring]
    # TR 00 40 lies just south of Ashford, Kent
    assert 0.8 < min(lons) < max(lons) < 1.1
    assert 51.0 < min(lats) < max(lats) < 51.3


def test_a_feature_without_a_code_is_skipped_with_a_warning(tmp_path, con):
    path = write(
        tmp_path,
        [
            feature({"LAD20CD": "E07000105", "LAD20NM": "Ashford"}, [SQUARE_ANTICLOCKWISE]),
            feature({"LAD20CD": None, "LAD20NM": "Nowhere"}, [SQUARE_ANTICLOCKWISE]),
        ],
    )
    summary = load_boundaries(con, path)
    assert (summary.districts, summary.skipped) == (1, 1)
    assert con.execute("SELECT severity, location FROM bronze.messages").fetchall() == [
        ("warning", "feature 2")
    ]


def test_the_same_file_twice_loads_once(tmp_path, con):
    path = write(tmp_path, [feature({"LAD20CD": "E1", "LAD20NM": "A"}, [SQUARE_ANTICLOCKWISE])])
    load_boundaries(con, path)
    assert load_boundaries(con, path).status == "duplicate"
    assert con.execute("SELECT count(*) FROM bronze.boundaries").fetchall() == [(1,)]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "not valid JSON"),
        ('{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
        ('{"type": "FeatureCollection", "features": []}', "has no features"),
        (
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [feature({"id": 1}, [SQUARE_ANTICLOCKWISE])],
                }
            ),
            "no district code/name properties",
        ),
    ],
)
def test_an_unusable_file_raises_one_line_and_is_recorded_as_rejected(
    tmp_path, con, content, reason
):
    path = tmp_path / "districts.geojson"
    path.write_text(content)
    with pytest.raises(BoundariesError) as caught:
        load_boundaries(con, path)
    assert reason in str(caught.value)
    assert "\n" not in str(caught.value)
    assert con.execute("SELECT status FROM bronze.files").fetchall() == [("rejected",)]


def test_a_missing_file_raises_a_boundaries_error(tmp_path, con):
    with pytest.raises(BoundariesError, match="no such file"):
        load_boundaries(con, tmp_path / "absent.geojson")


@pytest.mark.skipif(
    not (SHARED_DATA / "kent_districts.geojson").exists(), reason="shared data not present"
)
def test_the_real_kent_districts_load_13_features_wound_clockwise(con):
    summary = load_boundaries(con, SHARED_DATA / "kent_districts.geojson")
    assert (summary.districts, summary.skipped, summary.converted_from_bng) == (13, 0, False)
    districts = stored(con)
    assert districts["E07000113"][0] == "Swale"
    assert districts["E06000035"][0] == "Medway"
    for _name, geometry in districts.values():
        assert geometry["type"] == "MultiPolygon"
        assert all(signed_area(polygon[0]) < 0 for polygon in geometry["coordinates"])
