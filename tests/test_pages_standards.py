"""The DfE standards on the pages (RETURN-v2.md "What people see"), through AppTest on the
sample county, whose latest round is mostly version 2, and the version 1 gold fixture."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.test_pages_apptest import _metric, _open


def _v2_school(db: Path) -> tuple[int, int]:
    """(a version 2 school with a standard not met, a version 1 school) of the latest round."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        (v2,) = con.execute(
            "SELECT min(urn) FROM gold.fm_standards WHERE is_current_round AND status = 'not_met'"
        ).fetchone()
        (v1,) = con.execute(
            "SELECT min(urn) FROM gold.fm_standards WHERE is_current_round AND status = 'unknown'"
        ).fetchone()
    finally:
        con.close()
    return v2, v1


def _captions(at) -> str:
    return " ".join(c.value for c in at.caption)


def test_the_county_standards_view_counts_each_standard_by_district_and_setting_with_n(
    sample_db: Path, monkeypatch
) -> None:
    at = _open(sample_db, "pages/standards.py", monkeypatch=monkeypatch)
    assert at.title[0].value == "DfE standards"
    tables = [d.value for d in at.dataframe]
    each = next(t for t in tables if list(t.columns)[0] == "Standard")
    assert list(each["Standard"]) == [
        "Roles and responsibilities",
        "Annual review",
        "Filtering",
        "Monitoring",
    ]
    assert {"Met", "Partly met", "Not met", "Unknown", "n (version 2 returns)"} <= set(each)
    v2 = int(_metric(at, "Version 2 returns"))
    assert (each["Met"] + each["Partly met"] + each["Not met"] == v2).all()
    assert (each["n (version 2 returns)"] == v2).all()
    assert any(list(t.columns)[0] == "District" for t in tables)
    assert any(list(t.columns)[0] == "Setting" for t in tables)
    trend = next(t for t in tables if list(t.columns)[0] == "Round")
    assert len(set(trend["Round"])) == 3 and "Version 1 returns (not asked)" in trend
    assert "Self-review and evidence disagree" in [m.label for m in at.metric]
    # the round mixes versions: the header says how many returns of each it holds
    assert "This round holds" in _captions(at) and "version 1 return" in _captions(at)


def test_a_profile_shows_the_four_standards_their_status_and_what_fell_short(
    sample_db: Path, monkeypatch
) -> None:
    v2, _v1 = _v2_school(sample_db)
    at = _open(sample_db, "pages/school_profile.py", monkeypatch=monkeypatch)
    at.text_input(key="profile_search").input(str(v2)).run()
    assert not at.exception
    assert "DfE filtering and monitoring standards" in [h.value for h in at.subheader]
    table = next(t.value for t in at.table if "What fell short" in t.value.columns)
    assert len(table) == 4
    assert "Not met" in set(table["Status"])
    assert any("Not met" in text for text in table["What fell short"])
    assert "annual review of filtering and monitoring" in _captions(at).lower() or (
        "No review of filtering and monitoring" in _captions(at)
    )


def test_a_version_1_profile_says_the_standards_were_not_asked(sample_db: Path, monkeypatch):
    _v2, v1 = _v2_school(sample_db)
    at = _open(sample_db, "pages/school_profile.py", monkeypatch=monkeypatch)
    at.text_input(key="profile_search").input(str(v1)).run()
    assert any("Not asked" in i.value and "version 1" in i.value for i in at.info)


def test_pages_comparing_a_mixed_round_say_how_many_returns_of_each_version(
    sample_db: Path, gold_db: Path, monkeypatch
) -> None:
    for page in ("pages/overview.py", "pages/setting_comparison.py", "pages/county_map.py"):
        at = _open(sample_db, page, monkeypatch=monkeypatch)
        assert "This round holds" in _captions(at), page
    # a round of one version only says nothing about versions
    at = _open(gold_db, "pages/overview.py", monkeypatch=monkeypatch)
    assert "This round holds" not in _captions(at)


def test_the_standards_view_of_a_version_1_county_shows_every_standard_unknown(
    gold_db: Path, monkeypatch
) -> None:
    at = _open(gold_db, "pages/standards.py", monkeypatch=monkeypatch)
    each = next(d.value for d in at.dataframe if list(d.value.columns)[0] == "Standard")
    assert (each["Met"] == 0).all() and (each["Unknown"] > 0).all()
    assert _metric(at, "Version 2 returns") == "0"


def test_a_profile_counts_its_self_review_and_evidence_disagreements_in_words(
    sample_db: Path, monkeypatch
) -> None:
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        urn, n = con.execute(
            """
            SELECT m.urn, count(*) FROM gold.fm_evidence_mismatches m
            WHERE m.round = (SELECT max(round) FROM gold.fm_standards WHERE urn = m.urn)
            GROUP BY m.urn ORDER BY count(*) DESC, m.urn LIMIT 1"""
        ).fetchone()
    finally:
        con.close()
    at = _open(sample_db, "pages/school_profile.py", monkeypatch=monkeypatch)
    at.text_input(key="profile_search").input(str(urn)).run()
    warning = next(w.value for w in at.warning if "disagree" in w.value)
    assert warning.endswith(f" on {n} statement{'' if n == 1 else 's'}:")
    assert "(s)" not in warning
