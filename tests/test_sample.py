"""The synthetic sample county: deterministic, plausible, and loadable by the real loaders."""

from __future__ import annotations

import collections
import csv
import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from ingest.boundaries import load_boundaries, signed_area
from ingest.register import load_register
from lakehouse.db import ensure_bronze
from samplecounty.generate import point_in_polygon, round_names, tree_digest, write_sample

KENT = {
    "E07000105": "Ashford",
    "E07000106": "Canterbury",
    "E07000107": "Dartford",
    "E07000108": "Dover",
    "E07000109": "Gravesham",
    "E07000110": "Maidstone",
    "E07000111": "Sevenoaks",
    "E07000112": "Folkestone and Hythe",
    "E07000113": "Swale",
    "E07000114": "Thanet",
    "E07000115": "Tonbridge and Malling",
    "E07000116": "Tunbridge Wells",
}


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory):
    return write_sample(tmp_path_factory.mktemp("county"), schools=300, rounds=3, seed=7)


@pytest.fixture(scope="module")
def register_rows(county) -> list[dict[str, str]]:
    with open(county.register, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.slow
def test_the_same_seed_gives_the_same_bytes_and_another_seed_does_not(tmp_path):
    first = write_sample(tmp_path / "a", schools=40, rounds=2, seed=11)
    second = write_sample(tmp_path / "b", schools=40, rounds=2, seed=11)
    other = write_sample(tmp_path / "c", schools=40, rounds=2, seed=12)
    digest = tree_digest(first.out_dir)
    assert digest == tree_digest(second.out_dir)
    assert len(digest) == first.returns + 4  # register, contacts, boundaries and the marker
    assert tree_digest(other.out_dir) != digest


@pytest.mark.slow
def test_the_register_uses_real_gias_headers_kent_districts_and_six_digit_urns(register_rows):
    assert list(register_rows[0]) == [
        "URN",
        "EstablishmentName",
        "TypeOfEstablishment (name)",
        "EstablishmentTypeGroup (name)",
        "PhaseOfEducation (name)",
        "EstablishmentStatus (name)",
        "LA (name)",
        "DistrictAdministrative (name)",
        "DistrictAdministrative (code)",
        "Postcode",
        "Easting",
        "Northing",
        "NumberOfPupils",
        # the contact and address columns of a full extract, made up (samplecounty.contacts)
        "HeadTitle (name)",
        "HeadFirstName",
        "HeadLastName",
        "TelephoneNum",
        "SchoolWebsite",
        "Street",
        "Locality",
        "Town",
        "County (name)",
    ]
    assert {
        (r["DistrictAdministrative (code)"], r["DistrictAdministrative (name)"])
        for r in register_rows
    } == set(KENT.items())
    assert {r["LA (name)"] for r in register_rows} == {"Kent"}
    urns = [r["URN"] for r in register_rows]
    assert len(set(urns)) == len(urns) == 300
    assert all(len(u) == 6 and u.isdigit() for u in urns)


@pytest.mark.slow
def test_the_mix_of_establishments_looks_like_kent(register_rows):
    phases = collections.Counter(r["PhaseOfEducation (name)"] for r in register_rows)
    types = collections.Counter(r["TypeOfEstablishment (name)"] for r in register_rows)
    statuses = collections.Counter(r["EstablishmentStatus (name)"] for r in register_rows)
    n = len(register_rows)
    assert 0.70 <= phases["Primary"] / n <= 0.80
    assert 0.13 <= phases["Secondary"] / n <= 0.20
    assert sum(v for k, v in types.items() if "special" in k.lower()) >= 5
    assert types["Pupil referral unit"] + types["Academy alternative provision converter"] >= 2
    assert phases["Nursery"] >= 1 and phases["All-through"] >= 1
    assert types["Other independent school"] >= 2
    assert statuses["Closed"] >= 3
    assert any("Primary School" in r["EstablishmentName"] for r in register_rows)


@pytest.mark.slow
def test_every_school_point_falls_inside_its_own_district_polygon(county):
    con = duckdb.connect()
    ensure_bronze(con)
    register = load_register(con, county.register)
    boundaries = load_boundaries(con, county.boundaries)
    assert (register.rows, register.skipped, boundaries.districts) == (300, 0, 12)
    shapes = {
        code: json.loads(g)
        for code, g in con.execute(
            "SELECT district_code, geometry FROM bronze.boundaries"
        ).fetchall()
    }
    assert {
        code: name
        for code, name in con.execute(
            "SELECT district_code, district_name FROM bronze.boundaries"
        ).fetchall()
    } == KENT
    located = con.execute(
        "SELECT urn, district_code, lat, lon FROM bronze.register WHERE lat IS NOT NULL"
    ).fetchall()
    assert len(located) >= 295
    outside = [r for r in located if not point_in_polygon(r[3], r[2], shapes[r[1]])]
    assert outside == []
    for geometry in shapes.values():
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        for rings in polygons:
            assert signed_area(rings[0]) < 0  # clockwise outer ring
            lons = [p[0] for p in rings[0]]
            lats = [p[1] for p in rings[0]]
            assert min(lons) >= 0.0 and max(lons) <= 1.5
            assert min(lats) >= 50.85 and max(lats) <= 51.55


def test_the_sample_districts_are_the_real_kent_shapes_shipped_small_with_their_licence():
    from samplecounty.boundaries import DATA_FILE, kent_districts

    assert DATA_FILE.stat().st_size < 300_000
    districts = kent_districts()
    assert {code: name for code, name, _ in districts} == KENT
    assert "E06000035" not in {code for code, _, _ in districts}  # Medway is not Kent's
    licence = (DATA_FILE.parent / "LICENCE.md").read_text()
    assert "Open Government Licence v3.0" in licence and "Office for National Statistics" in licence
    # Swale keeps the Isle of Sheppey: more than one polygon
    swale = next(g for code, _, g in districts if code == "E07000113")
    assert swale["type"] == "MultiPolygon" and len(swale["coordinates"]) > 1
    # Kent's real extent, about 0.03-1.46 E and 50.91-51.49 N
    lons = [p[0] for _, _, g in districts for poly in g["coordinates"] for p in poly[0]]
    lats = [p[1] for _, _, g in districts for poly in g["coordinates"] for p in poly[0]]
    assert 0.0 < min(lons) < 0.1 and 1.35 < max(lons) < 1.5
    assert 50.85 < min(lats) < 50.95 and 51.45 < max(lats) < 51.55


@pytest.mark.slow
def test_returns_are_written_for_each_round_with_most_schools_returning(county, register_rows):
    assert county.rounds == ["2024/25", "2025/26", "2026/27"] == round_names("2026/27", 3)
    folders = sorted(p.name for p in county.returns_dir.iterdir())
    assert folders == ["2024-25", "2025-26", "2026-27"]
    expected = sum(
        1
        for r in register_rows
        if r["EstablishmentStatus (name)"] != "Closed"
        and "independent" not in r["TypeOfEstablishment (name)"].lower()
    )
    latest_urns = {p.stem.split()[0] for p in (county.returns_dir / "2026-27").glob("1*.xlsx")}
    assert 0.8 * expected <= len(latest_urns) < expected  # a chase list remains
    assert county.superseding >= 1
    assert list((county.returns_dir).rglob("* resubmitted.xlsx"))


@pytest.mark.slow
def test_messy_and_bad_files_sit_in_the_latest_round(county):
    latest = county.returns_dir / "2026-27"
    assert {p.name for p in county.messy} == {
        "messy-upper-case-sheets.xlsx",
        "messy-responses-and-dates.xlsx",
        "messy-notes-totals-overtrained.xlsx",
        # version 2 (RETURN-v2.md): messy, and loading with an error or a warning
        "messy-v2-standards-sheet.xlsx",
        "messy-v2-check-dated-after-completion.xlsx",
        "messy-v2-version-says-1.xlsx",
        "messy-v2-version-without-sheet.xlsx",
    }
    assert {p.name for p in county.bad} == {
        "bad-not-a-workbook.xlsx",
        "bad-corrupt.xlsx",
        "bad-no-school-sheet.xlsx",
        "bad-urn-not-in-register.xlsx",
        "bad-completed-in-future.xlsx",
        "bad-no-round.xlsx",
    }
    assert all(p.parent == latest for p in county.messy + county.bad)


@pytest.mark.slow
def test_the_return_reader_accepts_every_good_and_messy_file_and_rejects_every_bad_one(
    county, register_rows
):
    from ingest import reader as returns

    urns = {int(r["URN"]) for r in register_rows}
    today = dt.date(2026, 11, 28)
    bad = {p.name for p in county.bad}
    filtering = collections.Counter()
    versions = collections.Counter()
    for path in sorted(county.returns_dir.rglob("*.xlsx")):
        read = returns.read_return(path, urns, today)
        if path.name in bad:
            assert not read.ok, path.name
            continue
        assert read.ok, (path.name, read.rejection)
        assert read.completed_on <= dt.date(2026, 11, 20)
        assert read.round in county.rounds
        filtering[read.filtering] += 1
        if path.name == "messy-upper-case-sheets.xlsx":
            assert (read.urn, read.round) == (118234, "2026/27")
        if path.name == "messy-responses-and-dates.xlsx":
            assert read.pupil_survey_pct == 80
            assert any("Maybe" in m.message for m in read.messages)
        if path.name == "messy-notes-totals-overtrained.xlsx":
            assert any(
                m.severity == "error" and m.location.startswith("Training!") for m in read.messages
            )
        if path.name == "messy-v2-standards-sheet.xlsx":
            checks = {c.check_key: c for c in read.fm_checks}
            assert read.return_version == 2 and checks["fm_review"].checked_on is not None
            assert checks["fm_review_recorded"].answer is None  # the missing row
            assert checks["fm_governor"].answer in ("yes", "no")  # written Y or N
        if path.name == "messy-v2-check-dated-after-completion.xlsx":
            assert any(
                m.severity == "error" and "after the date completed" in m.message
                for m in read.messages
            )
        if path.name in ("messy-v2-version-says-1.xlsx", "messy-v2-version-without-sheet.xlsx"):
            assert read.return_version == 2
            assert any(m.message.startswith("Return version says") for m in read.messages)
        if "2026-27" in str(path) and path.name[0].isdigit():
            versions[read.return_version] += 1
        elif "2026-27" not in str(path):
            assert read.return_version == 1, path  # earlier rounds: the old template
    locked = filtering["locked_down"] / sum(filtering.values())
    assert 0.2 < locked < 0.5  # about a third locked down
    # the latest round is mostly version 2 (RETURN-v2.md), with some version 1 returns
    assert 0.7 < versions[2] / (versions[1] + versions[2]) < 1


@pytest.mark.slow
def test_latest_round_returns_are_completed_in_autumn_and_never_in_the_future(county):
    from ingest import reader as returns

    urns = {int(p.stem.split()[0]) for p in (county.returns_dir / "2026-27").glob("1*.xlsx")}
    for path in sorted((county.returns_dir / "2026-27").glob("1*.xlsx"))[:30]:
        read = returns.read_return(path, urns, dt.date(2026, 11, 28))
        assert dt.date(2026, 9, 1) <= read.completed_on <= dt.date(2026, 11, 20)


def test_a_county_too_small_to_hold_every_kind_of_school_is_refused(tmp_path):
    with pytest.raises(ValueError, match="at least 24 schools"):
        write_sample(tmp_path, schools=10)


def test_the_sample_is_written_under_the_given_folder_only(tmp_path):
    manifest = write_sample(tmp_path / "out", schools=30, rounds=1)
    assert all(Path(p).is_relative_to(tmp_path / "out") for p in manifest.files())
    assert manifest.rounds == ["2026/27"]
    assert "30 schools in 12 districts" in manifest.message()


@pytest.mark.parametrize("latest", ["2026-27", "2030/31", ""])
def test_a_latest_round_that_is_malformed_or_would_date_returns_in_the_future_is_refused(
    tmp_path, latest
):
    with pytest.raises(ValueError, match="latest round"):
        write_sample(tmp_path, schools=30, latest_round=latest)


def test_rewriting_a_smaller_sample_in_the_same_folder_leaves_no_stale_returns(tmp_path):
    write_sample(tmp_path, schools=60, rounds=2)
    smaller = write_sample(tmp_path, schools=30, rounds=1)
    assert sorted(p.name for p in smaller.returns_dir.iterdir()) == ["2026-27"]
    assert len(list(smaller.returns_dir.rglob("*.xlsx"))) == smaller.returns


def test_a_folder_holding_other_returns_is_never_overwritten(tmp_path):
    real = tmp_path / "returns" / "2026-27" / "118234.xlsx"
    real.parent.mkdir(parents=True)
    real.write_bytes(b"a school's real return")
    with pytest.raises(ValueError, match="not a sample county"):
        write_sample(tmp_path, schools=30)
    assert real.read_bytes() == b"a school's real return"


@pytest.mark.slow
def test_the_sample_county_is_its_own_command_not_an_ingest_subcommand(tmp_path):
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    out = tmp_path / "county"
    done = subprocess.run(
        [sys.executable, "-m", "samplecounty", "--out", str(out), "--schools", "30",
         "--rounds", "1"],
        cwd=root, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Sample county in" in done.stdout
    assert (out / "register.csv").exists() and (out / "districts.geojson").exists()
    old = subprocess.run([sys.executable, "-m", "ingest", "sample", "--out", str(out)],
                         cwd=root, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert old.returncode == 2 and "invalid choice" in old.stderr
