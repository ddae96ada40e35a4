"""The support worklist of the bundled sample county, a month before the return deadline.

Prints the counts (run with -s, or read the test log); the README quotes them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from lakehouse.build import build
from lakehouse.db import connect_readonly, writing
from samplecounty.generate import write_sample
from tests.conftest import _run_ingest

BEFORE_DEADLINE = date(2026, 12, 1)  # the sample's returns go to 2026-11-20; deadline 31 Dec


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("county")
    db, sample = folder / "sample.duckdb", folder / "sample"
    write_sample(sample, schools=600)  # the bundled county: `make run` loads this one
    _run_ingest(["register", str(sample / "register.csv")], db)
    _run_ingest(["boundaries", str(sample / "districts.geojson")], db)
    _run_ingest(["returns", str(sample / "returns")], db)
    with writing(db) as con:
        build(con, as_of=BEFORE_DEADLINE)
    return db


def counts(db: Path) -> dict[str, int]:
    con = connect_readonly(db)
    try:
        (flagged, high, medium, low, no_return, awaiting) = con.execute(
            """SELECT count(*) FILTER (WHERE flag_count > 0),
                      count(*) FILTER (WHERE priority = 'high'),
                      count(*) FILTER (WHERE priority = 'medium'),
                      count(*) FILTER (WHERE priority = 'low'),
                      count(*) FILTER (WHERE flags LIKE '%no_return%'),
                      count(*) FILTER (WHERE return_status = 'awaiting')
               FROM gold.school_overview"""
        ).fetchone()
        schools = con.execute("SELECT count(*) FROM gold.school_overview").fetchone()[0]
    finally:
        con.close()
    return {
        "schools": schools,
        "flagged": flagged,
        "high": high,
        "medium": medium,
        "low": low,
        "no_return": no_return,
        "awaiting": awaiting,
    }


def test_before_the_deadline_the_sample_county_has_no_no_return_flags_and_tens_of_high(county):
    c = counts(county)
    print(
        f"\nsample county as of {BEFORE_DEADLINE}: {c['schools']} schools, {c['flagged']} "
        f"flagged (high {c['high']}, medium {c['medium']}, low {c['low']}); no_return "
        f"{c['no_return']}; awaiting their return {c['awaiting']}"
    )
    assert c["no_return"] == 0
    # the README quotes these counts
    readme = " ".join((Path(__file__).resolve().parents[1] / "README.md").read_text().split())
    assert (
        f"gives {c['flagged']} of {c['schools']} schools with any flag: **{c['high']} high**, "
        f"{c['medium']} medium and {c['low']} low (themes only), and no *no return* flags "
        f"while {c['awaiting']} schools are awaiting their return"
    ) in readme, "update the README's sample-county counts"
    assert c["awaiting"] > 0  # the schools that have not returned yet are on the chase list
    assert 10 <= c["high"] < 100, c


def standards_sentence(db: Path) -> str:
    """The sample county's standards figures, in the words the README quotes."""
    from lakehouse.filters import Filters
    from lakehouse.standards import all_four, standards_summary
    from presentation.formatting import percent_of

    con = connect_readonly(db)
    try:
        f = Filters(round="2026/27")
        four = all_four(con.cursor(), f)
        summary = standards_summary(con.cursor(), f)
    finally:
        con.close()
    not_met = summary[summary.status == "not_met"]
    returns = four["version_2"] + four["version_1"]
    return (
        f"{four['version_2']} of the {returns} current returns are version 2 "
        f"({four['version_1']} are version 1); **{four['all_met']} of the {four['version_2']} "
        f"({percent_of(four['all_met'], four['version_2'])}) meet all four standards**; "
        "not met: "
        + ", ".join(f"{r.standard_label} {r.schools}" for r in not_met.itertuples())
        + f"; in {four['schools_with_mismatch']} returns self-review and evidence disagree "
        f"on {four['mismatches']} statements"
    )


def test_the_readme_quotes_the_sample_countys_standards_figures(county):
    sentence = standards_sentence(county)
    print(f"\nsample county standards, 2026/27: {sentence}")
    readme = " ".join((Path(__file__).resolve().parents[1] / "README.md").read_text().split())
    assert sentence in readme, "update the README's sample-county standards figures"
