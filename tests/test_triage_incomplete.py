"""Incomplete returns: one warning per section left out, listed for follow-up, and named beside
the grades built on them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ingest.reader import read_return
from lakehouse import reads
from lakehouse.filters import Filters
from tests.conftest import open_app
from tests.lakehouse_factory import Lakehouse
from tests.returns_factory import good_return, write_workbook

URN = 118234
TODAY = dt.date(2026, 11, 1)


def warnings_of(path: Path) -> list[str]:
    read = read_return(path, {URN}, TODAY)
    assert read.rejection is None
    return [m.message for m in read.messages if m.severity == "warning"]


def test_a_return_with_no_policy_rows_gets_one_warning_for_the_section(tmp_path):
    sheets = good_return(urn=URN)
    sheets["Policies"] = sheets["Policies"][:1]  # the header only
    warnings = warnings_of(write_workbook(tmp_path / "r.xlsx", sheets))
    assert warnings == [
        "Policies: Incomplete return: no policy rows, so every required policy is counted as "
        "missing"
    ]


def test_a_return_with_no_training_rows_gets_one_warning_for_the_section(tmp_path):
    sheets = good_return(urn=URN)
    sheets["Training"] = sheets["Training"][:1]
    warnings = warnings_of(write_workbook(tmp_path / "r.xlsx", sheets))
    assert warnings == [
        "Training: Incomplete return: no training rows, so staff training coverage is unknown"
    ]


def test_most_statements_unanswered_get_one_warning_not_one_per_statement(tmp_path):
    sheets = good_return(urn=URN)
    for row in sheets["Self-review"][1:20]:
        row[2] = None
    warnings = warnings_of(write_workbook(tmp_path / "r.xlsx", sheets))
    assert len(warnings) == 1
    assert warnings[0].startswith("Self-review: Incomplete return: most statements are unanswered")
    assert warnings[0].endswith("(19 of 24 unanswered)")


def test_a_complete_return_and_one_with_a_few_blanks_are_not_incomplete(tmp_path):
    assert warnings_of(write_workbook(tmp_path / "a.xlsx", good_return(urn=URN))) == []
    sheets = good_return(urn=URN)
    for row in sheets["Self-review"][1:4]:
        row[2] = None
    assert not any(
        "Incomplete" in w for w in warnings_of(write_workbook(tmp_path / "b.xlsx", sheets))
    )


def test_the_returns_page_list_names_each_section_left_out():
    lh = Lakehouse()
    for urn in (1, 2, 3):
        lh.school(urn, name=f"School {urn}")
    lh.add_return(1)
    lh.add_return(2, sections_missing=("policies", "training"))
    lh.add_return(3, responses={f"OUT{i}": None for i in range(1, 6)} | {"OVR1": None})
    lh.build()
    rows = reads.returns.incomplete_returns(lh.con, Filters(round="2026/27")).set_index("urn")
    assert list(rows.index) == [2]
    assert (
        rows.loc[2, "sections_missing"] == "Policies (no policy rows); Training (no training rows)"
    )
    assert reads.returns.school_incomplete(lh.con, 2) == {"2026/27": ["Policies", "Training"]}
    assert reads.returns.school_incomplete(lh.con, 1) == {}


def test_a_return_with_most_statements_unanswered_is_listed_with_the_count():
    lh = Lakehouse()
    lh.school(1)
    lh.add_return(1, default=None, responses={"OVR1": "fully"})
    lh.build()
    rows = reads.returns.incomplete_returns(lh.con, Filters(round="2026/27"))
    assert rows["sections_missing"].iloc[0] == "Self-review (23 of 24 statements unanswered)"


def _page(gold_db: Path, monkeypatch, page: str, query: dict | None = None):
    monkeypatch.setenv("ESAFETY_DB", str(gold_db))
    monkeypatch.setenv("ESAFETY_STORE", str(gold_db.with_name("incomplete.store.sqlite")))
    return open_app(page, query)


def test_the_profile_says_incomplete_return_beside_the_grades_built_on_it(gold_db, monkeypatch):
    at = _page(gold_db, monkeypatch, "pages/school_profile.py", {"urn": "900008"})
    overall = next(m.value for m in at.metric if m.label == "Overall grade")
    assert overall == "Satisfactory (incomplete return)"
    assert any("Incomplete return for 2026/27: left out Training" in w.value for w in at.warning)
    grades = next(d.value for d in at.dataframe if "School grade" in d.value.columns)
    assert grades["School grade"].str.endswith("(incomplete return)").all()


def test_a_complete_return_says_nothing_of_the_kind(gold_db, monkeypatch):
    at = _page(gold_db, monkeypatch, "pages/school_profile.py", {"urn": "900004"})
    assert "incomplete" not in next(m.value for m in at.metric if m.label == "Overall grade")


def test_the_returns_page_lists_incomplete_returns_for_follow_up(gold_db, monkeypatch):
    at = _page(gold_db, monkeypatch, "pages/returns_quality.py")
    listed = next(d.value for d in at.dataframe if "Sections missing" in d.value.columns)
    assert list(listed["URN"]) == [900008]
    assert listed["Sections missing"].iloc[0] == "Training (no training rows)"
