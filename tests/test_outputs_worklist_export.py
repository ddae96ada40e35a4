"""The flagged-schools export prints: a print-ready sheet of the schools that need support
first, the full detail after it, rows as tall as their wrapped text, the filters in the page
header and in the file name (issue 14, items 3 and 5)."""

from __future__ import annotations

import html
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from lakehouse import reads
from lakehouse.filters import Filters
from presentation import casework as casework_text
from presentation import exports, headers
from tests.seed_copy import shipped_labels

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "print"
DETAIL = headers.WORKLIST_COLUMNS
WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


def worklist_rows(db: Path) -> pd.DataFrame:
    """The worklist as the Flagged schools page builds it, with no casework recorded."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = reads.triage.worklist(con.cursor(), Filters())
        top = reads.triage.top_concerns(con.cursor())
    finally:
        con.close()
    rows = reads.casework.with_casework(
        rows,
        pd.DataFrame(columns=["urn", "supported_on", "next_action_due"]),
        pd.DataFrame(columns=["urn", "reason"]),
    )
    rows["casework"] = [casework_text.casework_note(r) for _, r in rows.iterrows()]
    return headers.renamed(reads.triage.with_top_concerns(rows, top), headers.WORKLIST_HEADERS)


def workbook(rows: pd.DataFrame) -> bytes:
    filters = {
        **headers.filter_summary(Filters(), {"managed": "Managed"}, "Any"),
        "Priority": "Any",
    }
    about = exports.about_sheet(
        filters, {"as_of": "2026-12-01", "current_round": "2026/27"}, "test", len(rows)
    )
    return exports.worklist_workbook(rows, DETAIL, about, filters, shipped_labels())


@pytest.fixture(scope="module")
def rows(sample_db: Path) -> pd.DataFrame:
    return worklist_rows(sample_db)


def test_the_first_sheet_lists_only_the_schools_that_need_support(rows, sample_db):
    book = openpyxl.load_workbook(io.BytesIO(workbook(rows)))
    assert book.sheetnames[:2] == [exports.NEED_SUPPORT_SHEET, exports.DETAIL_SHEET]
    first = book[exports.NEED_SUPPORT_SHEET]
    assert [c.value for c in first[1]] == list(exports.PRINT_COLUMNS)
    listed = [c.value for c in first["A"][1:] if isinstance(c.value, int)]
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        need = {
            u
            for (u,) in con.execute(
                "SELECT urn FROM gold.school_overview WHERE needs_support"
            ).fetchall()
        }
        themes_only = {
            u
            for (u,) in con.execute(
                "SELECT urn FROM gold.school_overview WHERE flag_count > 0 AND NOT needs_support"
            ).fetchall()
        }
    finally:
        con.close()
    assert themes_only, "the sample county has no school with themes only"
    assert set(listed) == need and not set(listed) & themes_only
    priorities = {c.value for c in first["D"][1 : len(listed) + 1]}
    assert "Low" not in priorities
    # the themes-only schools are counted below the table and listed in the full detail
    notes = " ".join(str(c.value) for c in first["A"][len(listed) + 1 :] if c.value)
    assert f"{len(themes_only):,} more schools have themes only" in notes
    detail = [c.value for c in book[exports.DETAIL_SHEET]["A"][1:]]
    assert set(detail) == need | themes_only


def test_every_printed_sheet_names_the_filters_in_its_page_header(rows):
    book = openpyxl.load_workbook(io.BytesIO(workbook(rows)))
    for name in (exports.NEED_SUPPORT_SHEET, exports.DETAIL_SHEET):
        header = book[name].oddHeader.left.text or ""
        assert "Districts: All districts" in header and "Priority: Any" in header, name
    long = exports.print_header("Flagged", {"Districts": ", ".join(["Tunbridge Wells"] * 40)})
    assert len(long) <= 255  # Excel refuses longer headers


def test_the_file_name_says_what_was_filtered():
    assert (
        exports.export_filename("flagged-schools", ["2026/27", "Thanet", "", "Primary", "High"])
        == "flagged-schools_2026-27_Thanet_Primary_High.xlsx"
    )
    assert exports.export_filename("flagged-schools", []) == "flagged-schools_all.xlsx"
    assert exports.filter_parts(["Dover", "Thanet"], "districts") == "Dover-Thanet"
    assert exports.filter_parts(["a", "b", "c", "d"], "districts") == "4 districts"


def test_a_row_is_as_tall_as_its_wrapped_text():
    short, long = "Dover", "Agree an improvement plan for the inadequate area " * 4
    assert exports.wrapped_lines(short, 20) == 1
    assert exports.wrapped_lines(long, 20) > exports.wrapped_lines(long, 60) > 1
    assert exports.row_height([short, long], [20, 20]) == pytest.approx(
        exports.wrapped_lines(long, 20) * exports.LINE_PT + 3
    )


# --- printed by LibreOffice ------------------------------------------------------------------


def _soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("soffice is missing on CI")
        pytest.skip("LibreOffice is not installed")
    return found


def _words(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Every word of every page with its box, read by pdftotext."""
    out = pdf.with_suffix(".html")
    subprocess.run(["pdftotext", "-bbox", str(pdf), str(out)], check=True, timeout=120)
    pages = out.read_text(encoding="utf-8").split("<page ")[1:]
    return [
        [
            (float(a), float(b), float(c), float(d), html.unescape(t))
            for a, b, c, d, t in WORD.findall(page)
        ]
        for page in pages
    ]


def _overlaps(words: list[tuple[float, float, float, float, str]]) -> list[tuple[str, str]]:
    found = []
    for i, (x0, y0, x1, y1, t) in enumerate(words):
        for u0, v0, u1, v1, s in words[i + 1 :]:
            # a word's box runs from its ascent to its descent, so lines in one cell touch by
            # about a tenth of their height; more than that is one text printed over another
            tall = min(y1 - y0, v1 - v0)
            if min(x1, u1) - max(x0, u0) > 0.5 and min(y1, v1) - max(y0, v0) > 0.3 * tall:
                found.append((t, s))
    return found


@pytest.fixture(scope="module")
def printed(rows, tmp_path_factory) -> Path:
    """The export printed to PDF by LibreOffice, and its pages as PNGs in test-artifacts/."""
    soffice = _soffice()
    folder = tmp_path_factory.mktemp("print")
    xlsx = folder / "flagged-schools.xlsx"
    xlsx.write_bytes(workbook(rows))
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(folder / 'lo').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(xlsx),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pdf = folder / "flagged-schools.pdf"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("flagged-schools*"):
        old.unlink()
    shutil.copy(xlsx, ARTIFACTS / xlsx.name)
    shutil.copy(pdf, ARTIFACTS / pdf.name)
    subprocess.run(
        ["pdftoppm", "-r", "70", "-png", str(pdf), str(ARTIFACTS / "flagged-schools")],
        check=True,
        timeout=300,
    )
    return pdf


@pytest.mark.slow
def test_printed_by_libreoffice_no_text_overlaps_other_text(printed):
    for number, words in enumerate(_words(printed), start=1):
        assert not _overlaps(words), f"page {number}: {_overlaps(words)[:5]}"


Word = tuple[float, float, float, float, str]


def _columns(words: list[Word], names: list[str]) -> list[tuple[str, float]]:
    """The columns a printed page shows, left to right: (name, left edge), read from its header
    row (a header may wrap, so each column is known by its first word, in sheet order)."""
    heads = [w for w in words if w[4] == "URN"]
    if not heads:
        return []
    top = min(w[1] for w in heads)
    line = sorted((w for w in words if abs(w[1] - top) < 2), key=lambda w: w[0])
    found, k = [], 0
    for w in line:
        for j in range(k, len(names)):
            if names[j].split()[0] == w[4]:
                found.append((names[j], w[0]))
                k = j + 1
                break
    return found


def _checked_cells(
    pages: list[list[Word]], names: list[str], expected: dict[str, dict[str, str]]
) -> set:
    """Check every school row of every page against ``expected`` (URN -> column -> text):
    the words between one school's URN and the next school's, column by column, are exactly
    that cell's text (joined without spaces, so a word LibreOffice broke at a hyphen still
    counts): nothing spilled into the next row, nothing was cut off. ``names`` are the sheet's
    columns in order; the ones ``expected`` has are checked. Returns the cells seen."""
    seen = set()
    for words in pages:
        columns = _columns(words, names)
        if not columns or columns[0][0] != "URN":
            continue
        footer_top = max(w[1] for w in words) - 1  # the footer is the page's lowest line
        urn_left = columns[0][1]
        anchors = sorted(
            (w for w in words if w[4] in expected and abs(w[0] - urn_left) < 3),
            key=lambda w: w[1],
        )
        for i, anchor in enumerate(anchors):
            top = anchor[1] - 1
            bottom = anchors[i + 1][1] - 1 if i + 1 < len(anchors) else footer_top
            for c, (name, left) in enumerate(columns):
                if name not in expected[anchor[4]]:
                    continue
                right = columns[c + 1][1] if c + 1 < len(columns) else 10_000
                inside = sorted(
                    (w for w in words if top <= w[1] < bottom and left - 1 <= w[0] < right - 1),
                    key=lambda w: (round(w[1]), w[0]),
                )
                got = "".join(w[4] for w in inside)
                want = re.sub(r"\s+", "", expected[anchor[4]][name])
                if i + 1 == len(anchors) and got.startswith(want):
                    got = want  # the last row on a sheet: the notes under the table follow
                assert got == want, (anchor[4], name, got, want)
                seen.add((anchor[4], name))
    return seen


def _shown(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


@pytest.mark.slow
def test_printed_by_libreoffice_each_row_holds_all_its_text_within_its_height(rows, printed):
    need = rows[rows["needs_support"]]
    expected = {
        str(r["URN"]): {
            "URN": str(r["URN"]),
            "School": _shown(r["School"]),
            "District": _shown(r["District"]),
            "Priority": _shown(r["Priority"]),
            "Top concern": _shown(r["Top concern"]),
            "Suggested action": _shown(r["Top action"]),
        }
        for _, r in need.iterrows()
    }
    # the print-ready sheet's pages: the ones headed "Top concern"
    pages = [p for p in _words(printed) if any(w[4] == "Top" for w in p)]
    seen = _checked_cells(pages, list(exports.PRINT_COLUMNS), expected)
    assert seen == {(u, c) for u, cells in expected.items() for c in cells}


@pytest.mark.slow
def test_printed_by_libreoffice_the_full_detail_keeps_every_cell_whole(rows, printed):
    text_columns = ["URN", "School", "Casework", "Concerns", "Themes", "Suggested actions"]
    expected = {str(r["URN"]): {c: _shown(r[c]) for c in text_columns} for _, r in rows.iterrows()}
    pages = [p for p in _words(printed) if not any(w[4] == "Top" for w in p)]
    seen = _checked_cells(pages, DETAIL, expected)
    assert seen == {(u, c) for u, cells in expected.items() for c in cells}


def test_rows_with_themes_only_print_no_school_as_needing_support(rows):
    themes_only = rows[~rows["needs_support"]]
    book = openpyxl.load_workbook(io.BytesIO(workbook(themes_only)))
    first = book[exports.NEED_SUPPORT_SHEET]
    assert not [c.value for c in first["A"][1:] if isinstance(c.value, int)]
    notes = " ".join(str(c.value) for c in first["A"][1:] if c.value)
    assert "No school in these rows needs support" in notes
    assert f"{len(themes_only):,} more schools have themes only" in notes
    assert book[exports.DETAIL_SHEET].max_row == len(themes_only) + 1
