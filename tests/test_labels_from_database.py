"""The words a person reads on the packs and pages follow the database they read.

A database built from a council's seed copy with labels renamed, read while the shipped
seeds stay in force: every label a pack or page shows for the database's data must be the
copy's word (gold's), never the shipped one (the seeds in force). A page that still asked
the seeds would show the shipped word here.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from lakehouse import casework, reads, seeds, spec, store
from lakehouse.db import ReadOnlyDatabase, writing
from packs import governor
from tests.conftest import open_app
from tests.lakehouse_factory import Lakehouse
from tests.seed_copy import edit_seed, seed_copy

GOOD = 100001  # Good in every area, two rounds, locked-down filtering
STRUGGLING = 100002  # nothing in place: inadequate, high priority, casework recorded
CHECKED = 100003  # a version 2 return: every DfE standard met
OFFICER = "olly.officer@council.gov.uk"


def _council_seeds(folder: Path) -> Path:
    copy = seed_copy(folder)
    edit_seed(copy, "grade_bands", "grade", {"2": {"label": "Strong"}, "4": {"label": "Weak"}})
    edit_seed(copy, "support_types", "type", {"visit": {"label": "School visit"}})
    edit_seed(
        copy,
        "action_statuses",
        "status",
        {"open": {"label": "In hand"}, "done": {"label": "Completed"}},
    )
    edit_seed(
        copy, "priorities", "priority", {"high": {"label": "Urgent", "description": "Seen first"}}
    )
    edit_seed(copy, "rules", "rule", {"casework_capacity": {"value": "2"}})
    # a council that counts unlogged incidents as a county-wide theme, not a concern
    edit_seed(copy, "flags", "flag", {"incidents_not_logged": {"kind": "theme"}})
    edit_seed(
        copy,
        "return_statuses",
        "status",
        {"received": {"label": "In on time"}, "missing": {"label": "Not in"}},
    )
    edit_seed(copy, "freshness_status", "status", {"missing": {"label": "Never reviewed"}})
    edit_seed(
        copy, "filtering_approaches", "filtering", {"locked_down": {"label": "Walled garden"}}
    )
    edit_seed(copy, "areas", "area", {"overall": {"label": "Whole-school effectiveness"}})
    edit_seed(copy, "fm_statuses", "status", {"met": {"label": "In place"}})
    edit_seed(copy, "fm_standards", "standard", {"1": {"label": "Who is responsible"}})
    edit_seed(
        copy,
        "blank_labels",
        "blank",
        {
            "insufficient_evidence": {"label": "Too few answers"},
            "not_known": {"label": "Not given"},
        },
    )
    return copy


@pytest.fixture(scope="module")
def council_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database (and casework store) built from the council's copy; shipped seeds in force."""
    folder = tmp_path_factory.mktemp("council")
    copy = _council_seeds(folder)
    path = folder / "esafety.duckdb"
    partly = {r["indicator_id"]: "partly" for r in spec.indicators()[::2]}
    with writing(path) as con:
        lh = Lakehouse(con)
        lh.school(GOOD, "Walnut Primary School")
        lh.school(STRUGGLING, "Yew Primary School")
        lh.add_return(GOOD, "2025/26", date(2025, 10, 1), responses=partly)
        lh.add_return(GOOD, filtering="locked_down", responses=partly)
        # no policy ever reviewed: every policy's freshness is missing
        never = {p["policy"]: None for p in spec.policies()}
        lh.add_return(STRUGGLING, default="not", policies=never)
        lh.school(CHECKED, "Zelkova Primary School", district=None, district_code=None)
        lh.add_return(CHECKED, version=2)
        lh.build(as_of=date(2026, 11, 1), seeds_dir=copy)
    con = store.connect(path=store.store_path(path))
    try:
        record = casework.add_record(
            con,
            urn=STRUGGLING,
            round="2026/27",
            supported_on=date(2026, 11, 3),
            type="visit",
            officer="Olly Officer",
            by=OFFICER,
            actions=[
                casework.Action(
                    "Book governors onto online-safety training", "Head", date(2026, 12, 1)
                ),
                casework.Action("Send the model social media policy", "Council", None),
            ],
        )
        done = casework.actions(con, STRUGGLING)
        sent = int(done.loc[done["action"] == "Send the model social media policy", "id"].iloc[0])
        casework.set_action_status(con, sent, "done", by=OFFICER, completed_on=date(2026, 11, 20))
        assert record
    finally:
        con.close()
    return path


def _words(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join((p.extract_text() or "") for p in pages).split())


def test_the_shipped_seeds_are_the_ones_in_force(council_db):
    # the premise of every test here: the seeds in force still say the shipped words
    assert seeds.vocabulary("grade")[2] == "Good"
    assert seeds.vocabulary("action_status")["open"] == "Open"


def test_the_governor_reports_support_rows_are_the_casework_exports_in_the_databases_words(
    council_db,
):
    db = ReadOnlyDatabase(council_db)
    try:
        report = governor.load_school_report(db, STRUGGLING)
        text = _words(governor.render_pdf(report))
    finally:
        db.close()
    support = report.support.set_index("action")
    assert list(support["type_label"]) == ["School visit", "School visit"]
    assert support.loc["Book governors onto online-safety training", "action_status_label"] == (
        "In hand"
    )
    assert support.loc["Send the model social media policy", "action_status_label"] == "Completed"
    section = text[text.index("Support agreed with the council") :]
    assert "School visit" in section and "In hand" in section and "Completed" in section
    # open by its status code, although the database's word for it ("In hand") is not the
    # seeds' in force ("Open"): the action still open leads the board's list, the done one
    # is left out
    actions = governor.board_actions(report.flags, report.support)
    assert actions[0].startswith("Book governors onto online-safety training (agreed with")
    assert not any("Send the model social media policy" in a for a in actions)
    board = text[: text.index("Grades against the county")]
    assert "Book governors onto online-safety training" in board


def test_the_profiles_metrics_and_tables_say_the_databases_words(council_db, monkeypatch):
    monkeypatch.setenv("ESAFETY_DB", str(council_db))
    at = open_app("pages/school_profile.py")
    at.text_input(key="profile_search").input(str(GOOD)).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Overall grade"] == "Strong"
    assert metrics["Return 2026/27"] == "In on time"
    tables = [d.value for d in at.dataframe]
    areas = next(t for t in tables if "School grade" in t.columns)
    assert "Strong" in set(areas["School grade"]) and "Good" not in set(areas["School grade"])
    # the history's numbers: each round's grades in the database's words
    history = next(t for t in tables if list(t.columns[:1]) == ["Round"] and len(t.columns) == 6)
    assert list(history["Round"]) == ["2025/26", "2026/27"]
    words = set(history.iloc[:, 1:].stack())
    assert "Strong" in words and "Good" not in words

    at.text_input(key="profile_search").input(str(STRUGGLING)).run()
    assert not at.exception
    flags = next(m for m in at.metric if m.label == "Flags")
    assert "Urgent priority" in str(flags.proto.delta)
    assert next(m.value for m in at.metric if m.label == "Overall grade") == "Weak"
    policies = next(t.value for t in at.table if "Freshness" in t.value.columns)
    assert set(policies["Freshness"]) == {"Never reviewed"}


def test_the_governor_reports_grades_filtering_freshness_and_history_say_the_databases_words(
    council_db,
):
    db = ReadOnlyDatabase(council_db)
    try:
        good = _words(governor.render_pdf(governor.load_school_report(db, GOOD)))
        struggling = _words(governor.render_pdf(governor.load_school_report(db, STRUGGLING)))
    finally:
        db.close()
    assert "Filtering approach Walled garden" in good
    grades = good[good.index("Grades against the county") : good.index("Averages are over")]
    assert "Whole-school effectiveness Strong" in grades and "Good" not in grades
    history = good[good.index("History across rounds") : good.index("What the grades mean")]
    assert "Round Completed Whole-school" in history
    assert "2025/26" in history and "Strong" in history and "Good" not in history
    meaning = good[good.index("What the grades mean") :]
    assert "Strong (grade 2): score 65% to under 85%." in meaning
    assert "Too few answers means fewer than half the statements" in meaning
    policies = struggling[struggling.index("Policy reviews") : struggling.index("Fresh: reviewed")]
    assert "Never reviewed" in policies and "Missing" not in policies
    assert "Weak" in struggling


def _slide_words(pack) -> str:
    """Every word of the slides (the compose tests' reading) and the title slide's line."""
    from tests.test_packs_cabinet_compose import _texts

    return "\n".join([pack.slides[0].subtitle, _texts(pack)])


def test_the_cabinet_packs_grades_areas_filters_and_priorities_say_the_databases_words(
    council_db,
):
    from lakehouse.filters import Filters
    from packs.cabinet_numbers import load
    from packs.cabinet_slides import compose

    db = ReadOnlyDatabase(council_db)
    try:
        pack = compose(load(db))
        county = _slide_words(pack)
        walled = _slide_words(compose(load(db, Filters(filtering="locked_down"))))
    finally:
        db.close()
    # the grade columns, the area rows and the share's words
    assert "\nStrong\nSatisfactory\nWeak\nToo few answers\nTotal\n" in county
    assert "Whole-school effectiveness" in county and "Strong or better" in county
    assert "Good or better" not in county and "\nGood\n" not in county
    assert "Walled garden" in county  # the filtering slide's groups
    # the methodology slide tells the method of the seeds the database was built with
    assert "Grades from the score: Outstanding 85%+; Strong 65%+; Satisfactory 45%+;" in county
    # the concerns table counts the reasons the database was built to call concerns
    support = next(s for s in pack.slides if getattr(s, "name", "") == "support")
    concerns = [row[0] for row in support.table.rows]
    assert "Inadequate area" in concerns and "Incidents not logged" not in concerns
    # the filters in the title slide's line, and the filtered view named in the worklist
    assert "Filtering approach: Walled garden" in walled
    assert "Schools with walled garden filtering" in walled or "Walled garden" in walled


def test_the_worklist_page_and_the_sidebar_say_the_databases_words(council_db, monkeypatch):
    monkeypatch.setenv("ESAFETY_DB", str(council_db))
    at = open_app("pages/flagged_schools.py")
    assert "Urgent priority" in [m.label for m in at.metric]
    assert "High priority" not in [m.label for m in at.metric]
    assert any("**Urgent**: Seen first." in c.value for c in at.caption)
    # the capacity the worklist was split by, as the database was built (the seeds say 30)
    assert any("can take on **2** schools" in c.value for c in at.caption)
    assert at.button_group(key="priority").options[0] == "Urgent"
    # the sidebar's choices as shown
    assert list(at.selectbox(key="f_filtering").options) == [
        "Any",
        "Managed",
        "Walled garden",
    ]


def _charts(at) -> str:
    return " ".join(c.proto.spec for c in at.get("plotly_chart"))


def test_the_returns_overview_and_map_pages_name_statuses_and_grades_in_the_databases_words(
    council_db, monkeypatch
):
    monkeypatch.setenv("ESAFETY_DB", str(council_db))
    at = open_app("pages/returns_quality.py")
    assert "Not in" in [m.label for m in at.metric] and "Missing" not in [
        m.label for m in at.metric
    ]
    assert "In on time" in _charts(at) and "Received on time" not in _charts(at)
    at = open_app("pages/overview.py")
    assert "Never reviewed" in _charts(at)
    assert "Whole-school effectiveness" in _charts(at) and '"Strong"' in _charts(at)
    tables = [d.value for d in at.dataframe]
    by_area = next(t for t in tables if "Area" in t.columns)
    assert (
        list(by_area.columns[1:])
        == [
            c
            for c in ["Outstanding", "Strong", "Satisfactory", "Weak", "Too few answers"]
            if c in by_area.columns
        ]
        and "Strong" in by_area.columns
    )
    fresh = next(t for t in tables if "Policy" in t.columns)
    assert "Never reviewed" in fresh.columns and "missing" not in fresh.columns
    at = open_app("pages/county_map.py", {"map_view": "schools"})
    shown = next(d.value for d in at.dataframe if "School" in d.value.columns)
    grades = set(shown.iloc[:, -1])
    assert {"Strong", "Weak"} <= grades and "Good" not in grades, shown
    assert "Strong (1)" in _charts(at) and "Good (1)" not in _charts(at)


def test_the_setting_comparisons_numbers_and_headings_say_the_databases_words(
    council_db, monkeypatch
):
    monkeypatch.setenv("ESAFETY_DB", str(council_db))
    at = open_app("pages/setting_comparison.py")
    table = next(d.value for d in at.dataframe if "Setting" in d.value.columns)
    assert list(table.columns) == [
        "Setting",
        "Outstanding",
        "Strong",
        "Satisfactory",
        "Weak",
        "Too few answers",
        "Schools (n)",
        "Strong or better (%)",
    ]
    headings = [h.value for h in at.subheader]
    assert "Walled garden against managed filtering" in headings, headings
    assert "Whole-school effectiveness by setting" in headings, headings


def test_the_dfe_standards_page_and_export_columns_say_the_databases_words(council_db, monkeypatch):
    from lakehouse.filters import Filters
    from lakehouse.reads.base import fm_standard_labels
    from lakehouse.standards import standards_by, standards_wide
    from presentation.standards import export_columns

    monkeypatch.setenv("ESAFETY_DB", str(council_db))
    at = open_app("pages/standards.py")
    each = next(d.value for d in at.dataframe if "Standard" in d.value.columns)
    assert "In place" in each.columns and "In place (%)" in each.columns
    assert "Met" not in each.columns
    assert "Who is responsible" in set(each["Standard"])
    db = ReadOnlyDatabase(council_db)
    try:
        wide = standards_wide(db.cursor(), Filters(round="2026/27"))
        names = fm_standard_labels(db.cursor())
        by_district = standards_by(db.cursor(), Filters(round="2026/27"), "district")
        returns = reads.returns.returns_by(db.cursor(), Filters(round="2026/27"), "district")
        grades = reads.grades.grade_by(db.cursor(), Filters(round="2026/27"), "overall", "district")
    finally:
        db.close()
    # the school with no district, in the database's words wherever schools are grouped
    for grouped in (by_district, returns, grades):
        assert "Not given" in set(grouped["group"]) and "Not known" not in set(grouped["group"])
    out = export_columns(wide, names).set_index("URN")
    assert out.loc[CHECKED, "DfE standard 1: Who is responsible"] == "In place"
    # met by its code, though its words are not the seeds' in force ("Met")
    assert out.loc[CHECKED, "DfE standards: what fell short"] == ""


def test_an_excel_export_words_priority_and_grade_codes_as_the_database_does(council_db):
    import openpyxl
    import pandas as pd

    from lakehouse.reads.base import labels
    from presentation import exports

    db = ReadOnlyDatabase(council_db)
    try:
        words = labels(db.cursor())
    finally:
        db.close()
    rows = pd.DataFrame({"School": ["Yew", "Walnut"], "Priority": ["high", None], "Grade": [4, 2]})
    book = exports.table_workbook(
        rows, {"Rows": "2"}, grade_columns=["Grade"], priority_columns=["Priority"], words=words
    )
    ws = openpyxl.load_workbook(io.BytesIO(book))["Data"]
    assert [ws["B2"].value, ws["C2"].value, ws["C3"].value] == ["Urgent", "Weak", "Strong"]
    # without the database's words a code column is refused, never worded by the seeds
    with pytest.raises(ValueError, match="holds codes"):
        exports.table_workbook(rows, {"Rows": "2"}, grade_columns=["Grade"])


def test_a_database_built_before_the_lookups_existed_is_named_for_a_rebuild(
    council_db, tmp_path, monkeypatch
):
    import shutil

    from lakehouse.db import writing
    from packs.cabinet_numbers import PackError, load

    old = tmp_path / "esafety.duckdb"
    shutil.copy(council_db, old)
    with writing(old) as con:
        con.execute("DROP TABLE gold.grades")
    monkeypatch.setenv("ESAFETY_DB", str(old))
    at = open_app("pages/overview.py")
    # one line naming the file, the table and the command; never a failed page
    assert len(at.error) == 1, [e.value for e in at.error]
    said = at.error[0].value
    assert str(old) in said and "gold.grades" in said and "python -m lakehouse build" in said
    db = ReadOnlyDatabase(old)
    try:
        with pytest.raises(PackError, match="gold.grades is missing"):
            load(db)
        with pytest.raises(governor.ReportError, match="rebuild"):
            governor.load_school_report(db, GOOD)
    finally:
        db.close()
