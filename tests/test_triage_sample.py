"""The support worklist of the bundled sample county, a month before the return deadline.

Prints the counts (run with -s, or read the test log); the README quotes them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lakehouse.db import connect_readonly
from tests.conftest import BUNDLED_AS_OF as BEFORE_DEADLINE

pytestmark = pytest.mark.slow  # 600 schools, three rounds: generated and loaded once a session


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


def test_before_the_deadline_the_sample_county_has_no_no_return_flags_and_tens_of_high(
    bundled_county,
):
    c = counts(bundled_county)
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


def test_the_readme_quotes_the_sample_countys_standards_figures(bundled_county):
    sentence = standards_sentence(bundled_county)
    print(f"\nsample county standards, 2026/27: {sentence}")
    readme = " ".join((Path(__file__).resolve().parents[1] / "README.md").read_text().split())
    assert sentence in readme, "update the README's sample-county standards figures"
