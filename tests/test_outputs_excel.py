"""Excel that prints: every export and the return template set up for A4, one page wide."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ingest.template import write_template
from presentation import exports


def _export() -> bytes:
    df = pd.DataFrame(
        {
            "URN": [100001, 100002],
            "School": ['=HYPERLINK("http://evil","x")', "Oak & Ash Primary"],
            "Reasons": ["Training graded Inadequate; Governors 43% trained " * 3, "Policy overdue"],
            "Return date": [pd.Timestamp(2026, 12, 1), pd.NaT],
        }
    )
    about = {"Current round": "2026/27", "As-of date": "2026-12-01", "Rows": "2"}
    return exports.table_workbook(df, about, "Flagged schools")


def test_an_export_prints_landscape_one_page_wide_with_its_header_on_every_page():
    book = openpyxl.load_workbook(io.BytesIO(_export()))
    ws = book["Flagged schools"]
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    # fitToWidth left out means 1 (the OOXML default)
    assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows.replace("$", "") == "1:1"


def test_an_export_footer_gives_the_round_the_as_of_date_and_the_marking():
    ws = openpyxl.load_workbook(io.BytesIO(_export()))["Flagged schools"]
    footer = " ".join(
        part.text or "" for part in (ws.oddFooter.left, ws.oddFooter.center, ws.oddFooter.right)
    )
    assert "2026/27" in footer
    assert "1 Dec 2026" in footer
    assert "OFFICIAL-SENSITIVE" in footer
    about = openpyxl.load_workbook(io.BytesIO(_export()))["About this export"]
    assert "OFFICIAL-SENSITIVE" in (about.oddFooter.center.text or "")


def test_an_export_writes_dates_in_the_council_style_and_never_a_formula():
    book = openpyxl.load_workbook(io.BytesIO(_export()))
    ws = book["Flagged schools"]
    assert ws.cell(row=2, column=4).number_format == "d mmm yyyy"
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
    assert ws.cell(row=2, column=2).value.startswith("=HYPERLINK")  # kept as text


def test_every_sheet_of_the_return_template_prints_one_page_wide(tmp_path):
    book = openpyxl.load_workbook(
        write_template(tmp_path / "t.xlsx", {"urn": 123456, "name": "Oak School"}, "2026/27")
    )
    visible = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
    assert len(visible) >= 5
    for ws in visible:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), ws.title
        assert "2026/27" in (ws.oddFooter.left.text or "")


def test_template_rows_are_tall_enough_for_their_wrapped_statements(tmp_path):
    book = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx"))
    for ws in book.worksheets:
        if ws.sheet_state != "visible":
            continue
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if not isinstance(cell.value, str):
                    continue
                width = ws.column_dimensions[cell.column_letter].width or 8.43
                lines = -(-len(cell.value) // max(1, int(width * 1.1)))
                if lines > 1:
                    height = ws.row_dimensions[cell.row].height or 15
                    assert height >= 15 * lines, f"{ws.title}!{cell.coordinate}"


def _template_pdf(tmp_path: Path, version: int) -> tuple[Path, Path]:
    if shutil.which("soffice") is None:
        if __import__("os").environ.get("CI") == "true":
            pytest.fail("soffice is missing on CI")
        pytest.skip("LibreOffice is not installed")
    xlsx = write_template(
        tmp_path / "template.xlsx", {"urn": 1, "name": "Oak"}, "2026/27", version=version
    )
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(xlsx),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    artifacts = Path(__file__).resolve().parents[1] / "test-artifacts" / "print"
    artifacts.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "50",
            "-png",
            str(tmp_path / "template.pdf"),
            str(artifacts / f"template-v{version}"),
        ],
        check=False,
        timeout=120,
    )
    return xlsx, tmp_path / "template.pdf"


@pytest.mark.slow
def test_the_return_template_prints_a_page_per_sheet_not_thirteen(tmp_path):
    from pypdf import PdfReader

    xlsx, pdf = _template_pdf(tmp_path, version=1)
    pages = len(PdfReader(pdf).pages)
    visible = [ws for ws in openpyxl.load_workbook(xlsx).worksheets if ws.sheet_state == "visible"]
    assert pages == len(visible)


@pytest.mark.slow
def test_the_version_2_template_prints_one_page_wide_each_page_under_its_header(tmp_path):
    from pypdf import PdfReader

    xlsx, pdf = _template_pdf(tmp_path, version=2)
    texts = [page.extract_text() or "" for page in PdfReader(pdf).pages]
    visible = [ws for ws in openpyxl.load_workbook(xlsx).worksheets if ws.sheet_state == "visible"]
    # 38 statements run onto a second page down, never a second page across: every page of a
    # table starts with its first header, so no column was pushed onto a page of its own
    assert len(visible) <= len(texts) <= len(visible) + 1
    for ws in visible[1:]:
        # each page opens with its footer line: "E-safety return 2026/27 <sheet> Page n of N"
        pages = [t for t in texts if t.split("\n")[0].split(" Page ")[0].endswith(ws.title)]
        first_header = ws.cell(row=1, column=1).value
        assert pages and all(first_header in t for t in pages), ws.title
