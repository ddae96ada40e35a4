"""Every grade explained: gold.grade_explanations, the profile's section and the governor report
read the same rows (issue 14, item 4)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from lakehouse import explain
from lakehouse.db import ReadOnlyDatabase
from lakehouse.seeds import read_seed, report_text
from packs import governor
from ui import grades as grades_ui

DASHBOARD = str(Path(__file__).resolve().parents[1] / "dashboard.py")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "governor"


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _pdf_text(pdf: bytes) -> list[str]:
    return [_flat(page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf)).pages]


def _keep(pdf: bytes, name: str) -> None:
    """The report and its pages as PNGs in test-artifacts/, to look at."""
    folder = ARTIFACTS
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"{name}*"):
        old.unlink()
    (folder / f"{name}.pdf").write_bytes(pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-r", "60", "-png", str(folder / f"{name}.pdf"), str(folder / name)],
            check=True,
            timeout=120,
        )


@pytest.fixture(scope="module")
def capped_overall(sample_db: Path) -> dict:
    """A school of the sample county whose overall grade a cap made worse than its score."""
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        row = con.execute(
            """
            SELECT urn, score_text, band_label, grade_label, cap_label, capped_by
            FROM gold.grade_explanations
            WHERE is_current_round AND area = 'overall' AND capped_by IS NOT NULL
            ORDER BY urn LIMIT 1"""
        ).fetchone()
    finally:
        con.close()
    assert row, "the sample county has no school whose overall grade was capped"
    keys = ("urn", "score_text", "band_label", "grade_label", "cap_label", "capped_by")
    return dict(zip(keys, row, strict=True))


def test_every_graded_area_has_a_sentence_with_no_rule_name_left_in_it(sample_db):
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        rows = con.execute(
            "SELECT explanation, capped_by, cap_label, band_label, grade_label "
            "FROM gold.grade_explanations"
        ).fetchall()
        scored = con.execute("SELECT count(*) FROM gold.area_scores").fetchone()[0]
    finally:
        con.close()
    assert len(rows) == scored
    caps = {r["cap"]: r["label"] for r in read_seed("caps")}
    for explanation, capped_by, cap_label, band_label, grade_label in rows:
        assert explanation and "{" not in explanation and "rule " not in explanation
        if capped_by:
            assert cap_label == caps[capped_by]
            assert f"would be {band_label}; graded {grade_label} because of {cap_label}: " in (
                explanation
            )
        elif band_label:
            assert f"is in the {band_label} band" in explanation


def test_a_cap_is_explained_in_the_words_of_its_seed_row_with_the_numbers_filled_in(sample_db):
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        sentences = dict(
            con.execute(
                "SELECT capped_by, any_value(explanation) FROM gold.grade_explanations "
                "WHERE capped_by IN ('leadership', 'training_group_below_50') GROUP BY 1"
            ).fetchall()
        )
    finally:
        con.close()
    assert (
        "because of Leadership grade: overall effectiveness is never better than leadership "
        "and management (Leadership and management graded " in sentences["leadership"]
    )
    # rule training_group_cap_grade (3) as its label, rule training_group_min_coverage_pct
    # (50) as a percentage, and the staff group that fell short
    assert (
        "training is held at best at Satisfactory when any staff group's coverage is under 50% ("
        in sentences["training_group_below_50"]
    )
    assert "% trained)" in sentences["training_group_below_50"]


def test_the_statements_lost_are_the_partly_and_not_in_place_answers(sample_db):
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        lost = con.execute("SELECT count(*) FROM gold.statements_lost").fetchone()[0]
        answers = con.execute(
            "SELECT count(*) FROM gold.indicator_responses WHERE response IN ('partly', 'not')"
        ).fetchone()[0]
        counted = con.execute("SELECT sum(statements_lost) FROM gold.grade_explanations").fetchone()
    finally:
        con.close()
    assert lost == answers == counted[0]


def test_the_profile_shows_a_capped_grade_with_its_own_band_and_the_cap_label(
    sample_db, capped_overall, monkeypatch
):
    monkeypatch.setenv("ESAFETY_DB", str(sample_db))
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.query_params["urn"] = str(capped_overall["urn"])
    at.switch_page("pages/school_profile.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert grades_ui.HEADING in [s.value for s in at.subheader]
    table = next(d.value for d in at.dataframe if "The score's band" in d.value.columns).set_index(
        "Area"
    )
    overall = table.loc["Overall effectiveness"]
    assert overall["Score"] == capped_overall["score_text"]
    assert overall["The score's band"] == capped_overall["band_label"]
    assert overall["Grade"] == capped_overall["grade_label"]
    assert overall["Limited by"] == capped_overall["cap_label"]
    # the sentence in full, as the governor report prints it
    sentences = [m.value.replace("\\", "") for m in at.markdown]
    assert any(
        s.startswith("**Overall effectiveness**: ")
        and f"{capped_overall['score_text']} would be {capped_overall['band_label']}; graded "
        f"{capped_overall['grade_label']} because of {capped_overall['cap_label']}: "
        in s
        for s in sentences
    ), sentences
    # the statements that cost points, one expander per area that lost any
    expanders = [e.label for e in at.expander if "that cost points" in e.label]
    assert expanders and any(e.startswith("Overall effectiveness") for e in expanders)


def test_the_governor_report_explains_the_capped_grade_as_the_profile_does(
    sample_db, capped_overall
):
    db = ReadOnlyDatabase(sample_db)
    try:
        pdf = governor.governor_report_pdf(db, int(capped_overall["urn"]), chart=False)
        con = db.cursor()
        rows = explain.grade_explanations(con, int(capped_overall["urn"]))
        lost = explain.statements_lost(con, int(capped_overall["urn"]))
    finally:
        db.close()
    _keep(pdf, "governor-capped-overall")
    pages = _pdf_text(pdf)
    text = " ".join(pages)
    assert "How each grade was reached" in text
    for sentence in rows["explanation"]:
        assert _flat(sentence) in text  # the profile's rows, word for word
    assert (
        f"{capped_overall['score_text']} would be {capped_overall['band_label']}; graded "
        f"{capped_overall['grade_label']} because of {capped_overall['cap_label']}"
    ) in text
    assert "Statements that cost points" in text
    assert _flat(lost["statement"].iloc[0]) in text


def test_the_governor_report_opens_with_what_the_board_should_do_and_whom_to_ask(
    sample_db, capped_overall
):
    db = ReadOnlyDatabase(sample_db)
    try:
        report = governor.load_school_report(db, int(capped_overall["urn"]))
        pdf = governor.render_pdf(report)
    finally:
        db.close()
    pages = _pdf_text(pdf)
    first = pages[0]
    assert first.index("What the governing board should do") < first.index(
        "Grades against the county and the setting"
    )
    assert _flat(report_text("council_contact")) in first
    for action in governor.board_actions(report.flags):
        assert _flat(action) in " ".join(pages)
    # the protective marking on every page
    assert all(page.count("OFFICIAL-SENSITIVE") >= 2 for page in pages)


def test_the_governor_report_compares_the_schools_incidents_with_the_county(gold_reader):
    report = governor.load_school_report(gold_reader, 900004)
    text = " ".join(_pdf_text(governor.render_pdf(report)))
    assert "County average per school" in text
    county = report.incidents_county
    assert int(county["schools"].iloc[0]) == 10  # the fixture's schools with incident figures
    assert "over the 10 schools whose return for 2026/27 gave incident figures" in text
    # Damson's own counts (the fixture: (i + j) % 4 for school 3, categories 0..4)
    assert list(county["school_count"]) == [3, 0, 1, 2, 3]


def test_a_school_with_no_flags_is_told_so_in_the_summary(gold_reader):
    # flags belong to the current round: a report on an earlier round has none
    report = governor.load_school_report(gold_reader, 900001, round="2025/26")
    assert report.flags.empty
    text = " ".join(_pdf_text(governor.render_pdf(report)))
    assert _flat(report_text("board_none")) in text


def test_the_boards_actions_start_with_those_agreed_with_the_council_still_open(gold_reader):
    import pandas as pd

    report = governor.load_school_report(gold_reader, 900004)
    support = pd.DataFrame(
        [
            {"action": "Train the governors", "action_open": True, "due_on": "2027-01-31"},
            {"action": "Write the policy", "action_open": False, "due_on": "2026-11-30"},
        ]
    )
    actions = governor.board_actions(report.flags, support)
    assert actions[0] == "Train the governors (agreed with the council, due 31 Jan 2027)"
    assert not any("Write the policy" in a for a in actions)
    assert actions[1:] == governor.board_actions(report.flags)
