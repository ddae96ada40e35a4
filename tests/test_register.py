"""The school register loader: GIAS extracts of any shape into bronze.register."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ingest.register import RegisterError, load_register
from lakehouse.db import ensure_bronze

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

FULL_HEADER = (
    "URN,EstablishmentName,TypeOfEstablishment (name),EstablishmentTypeGroup (name),"
    "PhaseOfEducation (name),EstablishmentStatus (name),LA (name),"
    "DistrictAdministrative (name),DistrictAdministrative (code),Postcode,Easting,Northing,"
    "NumberOfPupils"
)


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    ensure_bronze(con)
    yield con
    con.close()


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def test_a_utf8_bom_extract_with_only_urn_and_name_loads_every_establishment(tmp_path, con):
    text = "URN,EstablishmentName\n118234,Oak Primary\n118235,Ash Primary\n"
    path = write(tmp_path, "gias.csv", text, "utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    summary = load_register(con, path)
    assert (summary.rows, summary.with_location, summary.skipped, summary.status) == (
        2,
        0,
        0,
        "loaded",
    )
    assert rows(
        con, "SELECT urn, name, phase, lat, has_type_column FROM bronze.register ORDER BY urn"
    ) == [
        (118234, "Oak Primary", None, None, False),
        (118235, "Ash Primary", None, None, False),
    ]
    assert rows(con, "SELECT kind, status, reason FROM bronze.files") == [
        ("register", "loaded", None)
    ]
    assert "2 establishments loaded" in summary.message()


def test_a_windows_1252_extract_keeps_its_accented_names(tmp_path, con):
    path = write(
        tmp_path, "gias.csv", "URN,EstablishmentName\n118234,École Saint-Hélène – Kent\n", "cp1252"
    )
    load_register(con, path)
    assert rows(con, "SELECT name FROM bronze.register") == [("École Saint-Hélène – Kent",)]


def test_easting_and_northing_become_wgs84_and_zero_or_blank_means_no_location(tmp_path, con):
    text = (
        "URN,EstablishmentName,Easting,Northing\n"
        "100001,Westminster School,530241,179626\n"
        "100002,Nowhere School,0,0\n"
        "100003,Blank School,,\n"
    )
    summary = load_register(con, write(tmp_path, "gias.csv", text))
    assert summary.with_location == 1
    located = dict(
        (u, (lat, lon, e))
        for u, lat, lon, e in rows(con, "SELECT urn, lat, lon, easting FROM bronze.register")
    )
    lat, lon, easting = located[100001]
    # Big Ben: TQ 30241 79626 is 51.5007 N, 0.1246 W (within ~70 m: the grid reference is rounded)
    assert lat == pytest.approx(51.5007, abs=0.001)
    assert lon == pytest.approx(-0.1246, abs=0.001)
    assert easting == 530241
    assert located[100002] == (None, None, None)
    assert located[100003] == (None, None, None)


def test_closed_and_independent_schools_are_stored_as_given_with_every_column(tmp_path, con):
    text = (
        FULL_HEADER
        + "\n"
        + "\n".join(
            [
                "118234,Oak Primary School,Community school,"
                "Local authority maintained schools,Primary,"
                "Open,Kent,Ashford,E07000105,TN23 1AA,600000,142000,420",
                "118300,Old Mill Primary School,Community school,"
                "Local authority maintained schools,"
                "Primary,Closed,Kent,Dover,E07000108,CT16 1AA,631000,141000,",
                "118400,Hill Preparatory School,Other independent school,Independent schools,"
                "Not applicable,Open,Kent,Sevenoaks,E07000111,TN13 1AA,552000,155000,300",
            ]
        )
        + "\n"
    )
    load_register(con, write(tmp_path, "gias.csv", text))
    got = rows(
        con,
        "SELECT urn, status, establishment_type, type_group, district, district_code,"
        " postcode, pupils, la_name, has_type_column FROM bronze.register ORDER BY urn",
    )
    assert got == [
        (
            118234,
            "Open",
            "Community school",
            "Local authority maintained schools",
            "Ashford",
            "E07000105",
            "TN23 1AA",
            420,
            "Kent",
            True,
        ),
        (
            118300,
            "Closed",
            "Community school",
            "Local authority maintained schools",
            "Dover",
            "E07000108",
            "CT16 1AA",
            None,
            "Kent",
            True,
        ),
        (
            118400,
            "Open",
            "Other independent school",
            "Independent schools",
            "Sevenoaks",
            "E07000111",
            "TN13 1AA",
            300,
            "Kent",
            True,
        ),
    ]


def test_headers_match_whatever_their_case_and_spacing(tmp_path, con):
    text = (
        "urn , establishmentname,PHASEOFEDUCATION (NAME),Establishment Status (name)\n"
        "118234,Oak Primary,Primary,Open\n"
    )
    load_register(con, write(tmp_path, "gias.csv", text))
    assert rows(con, "SELECT urn, name, phase, status FROM bronze.register") == [
        (118234, "Oak Primary", "Primary", "Open")
    ]


def test_reloading_a_newer_extract_appends_and_keeps_the_history(tmp_path, con):
    old = write(
        tmp_path,
        "old.csv",
        "URN,EstablishmentName,EstablishmentStatus (name)\n"
        "118234,Oak Primary,Open\n118300,Old Mill Primary,Open\n",
    )
    new = write(
        tmp_path,
        "new.csv",
        "URN,EstablishmentName,EstablishmentStatus (name)\n118234,Oak Primary Academy,Open\n",
    )
    load_register(con, old)
    load_register(con, new)
    assert rows(
        con, "SELECT source_file, urn, name FROM bronze.register ORDER BY source_file, urn"
    ) == [
        ("new.csv", 118234, "Oak Primary Academy"),
        ("old.csv", 118234, "Oak Primary"),
        ("old.csv", 118300, "Old Mill Primary"),
    ]
    assert rows(
        con, "SELECT count(DISTINCT source_sha256), count(DISTINCT loaded_at) FROM bronze.register"
    ) == [(2, 2)]


def test_a_byte_identical_register_loads_once_and_is_recorded_as_a_duplicate(tmp_path, con):
    path = write(tmp_path, "gias.csv", "URN,EstablishmentName\n118234,Oak Primary\n")
    load_register(con, path)
    again = load_register(con, path)
    assert again.status == "duplicate"
    assert "already loaded" in again.message()
    assert rows(con, "SELECT count(*) FROM bronze.register") == [(1,)]
    assert rows(con, "SELECT status FROM bronze.files ORDER BY ingested_at") == [
        ("loaded",),
        ("duplicate",),
    ]


def test_a_row_with_a_bad_urn_is_skipped_with_a_warning_naming_the_csv_line(tmp_path, con):
    text = "URN,EstablishmentName\n118234,Oak Primary\nabc,Broken Row\n118234,Twice\n,No URN\n"
    summary = load_register(con, write(tmp_path, "gias.csv", text))
    assert (summary.rows, summary.skipped) == (1, 3)
    messages = rows(
        con, "SELECT severity, location, message FROM bronze.messages ORDER BY location"
    )
    assert [m[:2] for m in messages] == [
        ("warning", "line 3"),
        ("warning", "line 4"),
        ("warning", "line 5"),
    ]
    assert messages[0][2] == "gias.csv line 3: URN 'abc' is not a URN; skipped"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"EstablishmentName,Postcode\nOak Primary,TN23 1AA\n", "no URN column"),
        (b"PK\x03\x04 binary zip bytes", "not a CSV text file"),
        (b"", "empty file"),
        (b"URN,EstablishmentName\nnot-a-urn,Oak\n", "no establishments with a valid URN"),
    ],
)
def test_an_unusable_file_raises_one_line_and_is_recorded_as_rejected(
    tmp_path, con, content, reason
):
    path = tmp_path / "gias.csv"
    path.write_bytes(content)
    with pytest.raises(RegisterError) as caught:
        load_register(con, path)
    assert reason in str(caught.value)
    assert "\n" not in str(caught.value)
    assert caught.value.recorded
    assert rows(con, "SELECT status, reason FROM bronze.files") == [("rejected", str(caught.value))]
    assert rows(con, "SELECT count(*) FROM bronze.register") == [(0,)]


def test_a_missing_file_raises_a_register_error_naming_it(tmp_path, con):
    with pytest.raises(RegisterError, match="no such file") as caught:
        load_register(con, tmp_path / "absent.csv")
    assert not caught.value.recorded
    assert "absent.csv" in str(caught.value)


@pytest.mark.skipif(not (SHARED_DATA / "gias_kent.csv").exists(), reason="shared data not present")
def test_the_real_kent_register_loads_709_establishments_without_a_location(con):
    summary = load_register(con, SHARED_DATA / "gias_kent.csv")
    assert (summary.rows, summary.with_location, summary.skipped) == (709, 0, 0)
    assert rows(
        con,
        "SELECT count(DISTINCT urn), count(lat), bool_or(has_type_column), "
        "min(la_name), max(la_name) FROM bronze.register",
    ) == [(709, 0, False, "Kent", "Kent")]
    phases = dict(rows(con, "SELECT phase, count(*) FROM bronze.register GROUP BY phase"))
    assert phases["Primary"] > phases["Secondary"] > 0
