"""The version 2 template: what `python -m ingest template` writes by default."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from ingest import reader
from ingest.template import write_template
from lakehouse import spec
from tests.test_template import column, school_row, validations

ROOT = Path(__file__).resolve().parent.parent
SHEETS = [
    "Instructions",
    "School",
    "Self-review",
    "Policies",
    "Filtering and monitoring",
    "Training",
    "Incidents",
]


@pytest.fixture
def book(tmp_path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(write_template(tmp_path / "template.xlsx"))


def test_the_default_template_is_version_2_with_the_filtering_and_monitoring_sheet(book):
    assert book.sheetnames == SHEETS
    school = book["School"]
    assert school[f"B{school_row(school, 'return_version')}"].value == 2
    sheet = book["Filtering and monitoring"]
    assert [c.value for c in sheet[1]] == ["Check", "Answer", "Date", "Notes"]
    assert column(sheet, 1) == [c["label"] for c in spec.fm_checks()]
    assert column(book["Policies"], 1)[-2:] == [
        "Generative AI use",
        "Child protection policy covers online safety",
    ]


def test_every_statement_shows_the_standard_it_comes_from(book):
    review = book["Self-review"]
    assert [c.value for c in review[1]] == [
        "Indicator ID",
        "Statement",
        "Response",
        "Evidence",
        "Standard",
    ]
    assert column(review, 1) == [i["indicator_id"] for i in spec.indicators(2)]
    standards = dict(zip(column(review, 1), column(review, 5), strict=True))
    assert standards["FMP1"] == "DfE filtering and monitoring standard 3: filtering"
    assert standards["FML3"] == "DfE filtering and monitoring standard 2: annual review"
    assert standards["KCS1"].startswith("Keeping Children Safe in Education: the four areas")
    assert standards["OVR1"] is None  # a version 1 statement names no standard
    assert review["E2"].protection.locked


def test_the_checks_have_drop_downs_and_a_date_column(book):
    sheet = book["Filtering and monitoring"]
    cells = validations(sheet)
    rows = {c["check_key"]: n for n, c in enumerate(spec.fm_checks(), start=2)}
    assert cells[f"B{rows['fm_governor']}"].formula1 == '"Yes,No"'
    assert cells[f"B{rows['monitor_all_devices']}"].formula1 == '"Yes,No"'
    assert cells[f"B{rows['filter_test']}"].formula1 == '"Pass,Fail"'
    for key in ("fm_review", "filter_test"):
        date = sheet[f"C{rows[key]}"]
        assert cells[date.coordinate].type == "date"
        assert date.number_format == "dd/mm/yyyy" and not date.protection.locked
    assert sheet[f"C{rows['fm_governor']}"].protection.locked  # no date for a yes/no check
    assert not sheet[f"B{rows['fm_senior_leader']}"].protection.locked
    assert sheet[f"B{rows['fm_review']}"].protection.locked  # the answer is the date
    assert sheet.protection.sheet and sheet.freeze_panes == "A2"


def test_every_sheet_prints_one_page_wide_on_a4_landscape(book):
    for ws in book.worksheets:
        if ws.sheet_state != "visible":
            continue
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), ws.title
    assert book["Filtering and monitoring"].print_title_rows == "$1:$1"


def test_version_1_is_the_old_template(tmp_path):
    old = openpyxl.load_workbook(write_template(tmp_path / "old.xlsx", version=1))
    assert "Filtering and monitoring" not in old.sheetnames
    assert [c.value for c in old["Self-review"][1]] == [
        "Indicator ID",
        "Statement",
        "Response",
        "Evidence",
    ]
    assert "Return version" not in column(old["School"], 1)


@pytest.mark.slow
def test_the_command_writes_version_2_and_version_1_on_request(tmp_path):
    for args, sheets in (([], SHEETS), (["--version", "1"], None)):
        out = tmp_path / f"t{len(args)}.xlsx"
        done = subprocess.run(
            [sys.executable, "-m", "ingest", "template", "--out", str(out), *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        names = openpyxl.load_workbook(out).sheetnames
        assert names == sheets if sheets else "Filtering and monitoring" not in names


def test_a_version_2_template_filled_in_reads_back_as_version_2(tmp_path):
    path = write_template(tmp_path / "t.xlsx", {"urn": 118234, "name": "Oak"}, "2026/27")
    book = openpyxl.load_workbook(path)
    school = book["School"]
    school[f"B{school_row(school, 'completed_on')}"] = dt.datetime(2026, 10, 5)
    school[f"B{school_row(school, 'filtering')}"] = "Managed"
    review = book["Self-review"]
    for row in range(2, review.max_row + 1):
        review.cell(row=row, column=3, value="Fully in place")
    sheet = book["Filtering and monitoring"]
    answers = {
        "fm_senior_leader": ("Deputy head", None),
        "fm_review": (None, dt.datetime(2026, 4, 1)),
        "filter_test": ("Pass", dt.datetime(2026, 9, 1)),
        "filter_provider": ("LGfL", None),
        "monitor_provider": ("Securus", None),
    }
    for row, check in enumerate(spec.fm_checks(), start=2):
        answer, when = answers.get(check["check_key"], ("Yes", None))
        sheet.cell(row=row, column=2, value=answer)
        sheet.cell(row=row, column=3, value=when)
    book.save(path)

    read = reader.read_return(path, {118234}, dt.date(2026, 11, 28))
    assert read.ok and read.return_version == 2
    assert not [m for m in read.messages if m.location and m.location.startswith("School")]
    checks = {c.check_key: c for c in read.fm_checks}
    assert checks["fm_review"].checked_on == dt.date(2026, 4, 1)
    assert (checks["filter_test"].answer, checks["filter_test"].checked_on) == (
        "pass",
        dt.date(2026, 9, 1),
    )
    assert checks["fm_governor"].answer == "yes"
    assert len(read.responses) == len(spec.indicators(2))
