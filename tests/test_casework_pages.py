"""Casework on the pages through Streamlit's AppTest: the caseload, reminders, a support record,
and a viewer who may read but not write."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lakehouse.seeds import read_seed
from tests.conftest import open_app


@pytest.fixture
def db(gold_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the gold fixture with a store of its own."""
    copy = tmp_path / "county.duckdb"
    shutil.copy(gold_db, copy)
    monkeypatch.setenv("ESAFETY_DB", str(copy))
    monkeypatch.delenv("ESAFETY_STORE", raising=False)
    return copy


def _open(page: str, query: dict[str, str] | None = None) -> AppTest:
    return open_app(page, query)


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_the_worklist_profile_and_chase_list_offer_their_casework_forms(db: Path) -> None:
    # (the writes themselves run in tests/test_casework_browser.py: AppTest does not press
    # form buttons on these pages)
    worklist = _open("pages/flagged_schools.py")
    assert _metric(worklist, "In caseload") == "0"
    assert worklist.text_input(key="caseload_reason") is not None
    profile = _open("pages/school_profile.py", {"urn": "900004"})
    assert profile.text_area(key="cw_notes") is not None
    assert any("No support recorded" in i.value for i in profile.info)
    chase = _open("pages/returns_quality.py")
    table = next(d.value for d in chase.dataframe if "Days to deadline" in d.value.columns)
    assert {"Head", "Telephone", "Trust", "Last reminded"} <= set(table.columns)
    assert chase.multiselect(key="reminder_schools") is not None


def test_the_overview_shows_county_themes_with_their_county_wide_action(db: Path) -> None:
    at = _open("pages/overview.py")
    themes = next(d.value for d in at.dataframe if "County-wide action" in d.value.columns)
    seeded = sorted(
        (r for r in read_seed("flags") if r["kind"] == "theme"), key=lambda r: int(r["sort_order"])
    )
    assert list(themes["Theme"]) == [r["label"] for r in seeded]
    assert themes["Trend"].str.contains("2026/27").all()
    moved = next(d.value for d in at.dataframe if "Improved (%)" in d.value.columns)
    assert list(moved["Group"]) == ["Support recorded", "Flagged, no support recorded"]
    assert list(moved["Schools"])[0] == 0  # no support recorded in the fixture's store


def test_the_profile_shows_one_case_timeline_with_undone_entries_marked(db: Path) -> None:
    from datetime import date

    from lakehouse import casework, store

    con = store.connect(db)
    try:
        casework.add_record(
            con,
            urn=900004,
            round="2026/27",
            supported_on=date(2026, 11, 3),
            type="visit",
            officer="Olly Officer",
            by="olly@council.gov.uk",
            notes="Met the *DSL*",
            actions=[casework.Action("Book training", "Head", date(2026, 12, 1))],
        )
        reminder = casework.log_reminder(
            con, 900004, "2026/27", reminded_on=date(2026, 11, 10), method="phone", by="olly"
        )
        casework.set_caseload(con, 900004, "2026/27", True, reason="Asked for help", by="olly")
        casework.undo(con, "reminder", reminder, by="olly", reason="Wrong school")
    finally:
        con.close()
    profile = _open("pages/school_profile.py", {"urn": "900004"})
    line = next(t.value for t in profile.table if "What" in t.value.columns)
    # the cells are Markdown escaped by ui.safe.md: read them as the page shows them
    whats = [w.replace("\\", "") for w in line["What"]]
    assert whats[0] == "Undone: Reminded about the 2026/27 return (Phone call)"
    assert "Added to the 2026/27 caseload" in whats
    assert "Visit by Olly Officer (2026/27)" in whats
    assert "Action agreed: Book training" in whats
    assert "Reminded about the 2026/27 return (Phone call) (undone)" in whats
    assert any(w.startswith("Return for ") for w in whats)
    assert r"Met the \*DSL\*" in list(line["Detail"])  # typed text shown as typed
    assert profile.selectbox(key="cw_undo_pick").value is None  # no default entry
