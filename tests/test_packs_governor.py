"""Governor reports: the PDF read back with pypdf, the batch zip, the CLI."""

from __future__ import annotations

import io
import zipfile

import pytest
from pypdf import PdfReader

from packs import governor
from packs.__main__ import run
from tests.conftest import require_chromium

pytestmark = pytest.mark.slow  # every report draws its chart through kaleido


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def test_the_report_names_the_school_its_urn_and_its_grades_in_words(gold_reader):
    require_chromium()
    pdf = governor.governor_report_pdf(gold_reader, 900004)
    assert pdf.startswith(b"%PDF")
    text = " ".join(_text(pdf).split())
    assert "Damson Primary School" in text
    assert "900004" in text
    # grades 3, 3, 4, 3, 3 as labels
    assert "Inadequate" in text and "Satisfactory" in text
    assert "2026/27" in text
    # the suggested action of a flag, in the words of seeds/flags.csv
    assert "Agree an improvement plan for the inadequate area" in text
    assert "Governors" in text  # training coverage by staff group
    assert "What the grades mean" in text


def test_the_report_compares_with_the_county_and_the_setting(gold_reader):
    require_chromium()
    text = _text(governor.governor_report_pdf(gold_reader, 900004))
    assert "County average" in text
    # overall: the school 55%, Primary schools 69% on average, the county 67% (the fixture)
    assert "55%" in text and "69%" in text and "67%" in text


def test_a_school_without_a_return_gets_a_report_that_says_so(gold_reader):
    text = _text(governor.governor_report_pdf(gold_reader, 900009, chart=False))
    assert "Hazel High School" in text
    assert "No return has been received" in text
    assert "No return" in text  # its flag


def test_an_earlier_round_shows_that_round(gold_reader):
    text = _text(governor.governor_report_pdf(gold_reader, 900001, round="2025/26", chart=False))
    assert "2025/26" in text
    assert "No flags were raised" in text  # flags belong to the current round


def test_an_unknown_urn_is_a_one_line_error(gold_reader):
    with pytest.raises(governor.ReportError, match="URN 123456 is not in the school register"):
        governor.governor_report_pdf(gold_reader, 123456)


def test_without_the_dejavu_font_the_report_falls_back_to_core_fonts(
    gold_reader, monkeypatch, tmp_path
):
    monkeypatch.setattr(governor, "FONT_REGULAR", tmp_path / "missing.ttf")
    text = _text(governor.governor_report_pdf(gold_reader, 900003, chart=False))
    assert "Cedar Primary School" in text
    assert "Acceptable use - pupils" in text  # the en dash made Latin-1 safe


def test_the_batch_zip_has_one_report_per_flagged_school(gold_reader):
    require_chromium()
    data = governor.governor_reports_zip(gold_reader)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        assert len(names) == len(set(names))
        assert any(n.startswith("900004-Damson-Primary-School") for n in names)
        for name in names:
            assert zf.read(name).startswith(b"%PDF")
    # Kestrel is independent and not expected to return: never flagged
    assert not any(n.startswith("900012") for n in names)


def test_the_cli_writes_one_report_and_a_zip(gold_reader, tmp_path, capsys):
    require_chromium()
    pdf = tmp_path / "one.pdf"
    assert (
        run(["governor", "--urn", "900004", "--out", str(pdf), "--db", str(gold_reader.path)]) == 0
    )
    assert "900004" in _text(pdf.read_bytes())
    archive = tmp_path / "all.zip"
    assert (
        run(["governor", "--all-flagged", "--out", str(archive), "--db", str(gold_reader.path)])
        == 0
    )
    assert zipfile.is_zipfile(archive)
    assert run(["governor", "--urn", "1", "--out", str(pdf), "--db", str(gold_reader.path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err == "error: URN 1 is not in the school register"


# --- a correct chart, one rounding rule, plain English (issue 11) --------------------------


def _flagged_with_training_gap(db_path):
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(
            "SELECT urn, reason FROM gold.support_flags WHERE reason LIKE '%\\% trained%' "
            "ESCAPE '\\' ORDER BY urn LIMIT 1"
        ).fetchone()
    finally:
        con.close()


def test_the_chart_has_numbered_ticks_and_every_label_inside_it(sample_db, page):
    import streamlit.elements.plotly_chart  # noqa: F401 - the app's default template too

    from lakehouse.db import ReadOnlyDatabase
    from packs import render
    from tests.test_outputs_pack_images import outside_labels

    urn, _ = _flagged_with_training_gap(sample_db)
    db = ReadOnlyDatabase(sample_db)
    try:
        fig = governor.comparison_figure(governor.load_school_report(db, int(urn)))
    finally:
        db.close()
    width, height = governor.CHART_PX
    svg = render.figure_svg(fig, width=width, height=height)
    assert not outside_labels(page, svg, width, height)
    ticks = page.evaluate(
        "() => Array.from(document.querySelectorAll('g.ytick text')).map(t => t.textContent)"
    )
    assert ticks == ["0", "20", "40", "60", "80", "100"]
    # area names are whole and level (two lines, never tilted or cut)
    names = page.evaluate(
        "() => Array.from(document.querySelectorAll('g.xtick text')).map(t => t.textContent)"
    )
    assert "Overalleffectiveness" in names or "Overall effectiveness" in " ".join(names)


def test_the_flag_reason_and_the_training_table_round_the_same_way(sample_db):
    require_chromium()
    import re

    from lakehouse.db import ReadOnlyDatabase
    from presentation.formatting import percent_of

    urn, reason = _flagged_with_training_gap(sample_db)
    db = ReadOnlyDatabase(sample_db)
    try:
        report = governor.load_school_report(db, int(urn))
        text = _text(governor.governor_report_pdf(db, int(urn), chart=False))
    finally:
        db.close()
    checked = 0
    for _, t in report.training.iterrows():
        found = re.search(re.escape(str(t["staff_group_label"])) + r" (\d+)% trained", reason)
        if found:
            assert f"{found.group(1)}%" == percent_of(t["trained"], t["headcount"])
            assert f"{found.group(1)}%" in text
            checked += 1
    assert checked, reason


def test_the_report_never_shows_an_indicator_code(sample_db):
    require_chromium()
    import re

    from lakehouse.db import ReadOnlyDatabase

    db = ReadOnlyDatabase(sample_db)
    try:
        urn, _ = _flagged_with_training_gap(sample_db)
        text = _text(governor.governor_report_pdf(db, int(urn), chart=False))
    finally:
        db.close()
    assert not re.search(r"\b(OVR|OUT|PRO|LEA|TRA)\d+\b", text)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)  # dates read like 1 Dec 2026


def test_the_flags_table_lists_concerns_first_then_themes_in_plain_english(gold_reader):
    require_chromium()
    text = _text(governor.governor_report_pdf(gold_reader, 900006, chart=False))
    table = text[text.index("Flags for support and suggested actions") :]
    # concerns (seed order), then themes: not the flags' keys in alphabetical order
    order = [
        "Inadequate area",
        "Declining",
        "Training gap",
        "Policy overdue",
    ]
    positions = [table.index(label) for label in order]
    assert positions == sorted(positions), table[:600]
    assert "Concern" in table and "Theme" in table
    assert "Priority for council support: High." in table
    assert "inadequate_area" not in text and "training_gap" not in text


def test_the_batch_zip_lists_reports_in_worklist_order(gold_reader):
    require_chromium()
    data = governor.governor_reports_zip(gold_reader, chart=False)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        urns = [n.split("-", 1)[0] for n in zf.namelist()]
    assert urns[:4] == ["900006", "900004", "900011", "900003"]
