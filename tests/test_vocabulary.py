"""Renaming a label in the seed CSVs changes every page, export and pack that shows it.

A council copies the seeds, renames "Good" to "Strong", "Locked down" to "Walled
garden", the "High" priority to "Urgent" and "Overall effectiveness" to "Whole-school
effectiveness", points ``$ESAFETY_SEEDS`` at the copy and rebuilds: no code changes,
and the new words are everywhere.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from lakehouse import reads, seeds, spec
from lakehouse.db import ReadOnlyDatabase, writing
from lakehouse.filters import Filters
from packs import cabinet, governor
from presentation import exports, headers
from tests.conftest import open_app, require_chromium
from tests.lakehouse_factory import Lakehouse

LOCKED = 100001  # Good throughout, with locked-down filtering
STRUGGLING = 100002  # nothing in place: inadequate, high priority
RENAMES = {
    ("grade_bands.csv", "grade", "2"): "Strong",
    ("filtering_approaches.csv", "filtering", "locked_down"): "Walled garden",
    ("priorities.csv", "priority", "high"): "Urgent",
    ("areas.csv", "area", "overall"): "Whole-school effectiveness",
}


def _rename(folder: Path) -> None:
    for (file, key, code), label in RENAMES.items():
        path = folder / file
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        for row in rows:
            if row[key] == code:
                row["label"] = label
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)


@pytest.fixture(scope="module")
def renamed(tmp_path_factory: pytest.TempPathFactory):
    """A database built from a seed copy with three labels renamed, and that copy in force."""
    folder = tmp_path_factory.mktemp("council") / "seeds"
    shutil.copytree(seeds.SEEDS_DIR, folder)
    _rename(folder)
    env = pytest.MonkeyPatch()
    env.setenv(seeds.SEEDS_ENV, str(folder))
    path = tmp_path_factory.mktemp("db") / "esafety.duckdb"
    with writing(path) as con:
        lh = Lakehouse(con)
        lh.school(LOCKED, "Walnut Primary School")
        lh.school(STRUGGLING, "Yew Primary School")
        # every other statement only partly in place: about 75%, Good in every area
        partly = {r["indicator_id"]: "partly" for r in spec.indicators()[::2]}
        lh.add_return(LOCKED, filtering="locked_down", responses=partly)
        lh.add_return(STRUGGLING, default="not")
        lh.build(as_of=date(2026, 11, 1))
    yield path
    env.undo()


@contextmanager
def _reading(path: Path) -> Iterator[ReadOnlyDatabase]:
    db = ReadOnlyDatabase(path)
    try:
        yield db
    finally:
        db.close()


def _open(path: Path, page: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("ESAFETY_DB", str(path))
    return open_app(page)


def test_the_seed_copy_is_the_one_in_force(renamed):
    assert seeds.vocabulary("grade")[2] == "Strong"
    assert seeds.label("filtering", "locked_down") == "Walled garden"


def test_gold_carries_the_renamed_labels(renamed):
    with _reading(renamed) as db:
        con = db.cursor()
        provision = con.execute(
            "SELECT grade, grade_label FROM gold.area_scores WHERE urn = ? AND area = 'provision'",
            [LOCKED],
        ).fetchone()
        filtering = con.execute(
            "SELECT filtering_label FROM gold.school_overview WHERE urn = ?", [LOCKED]
        ).fetchone()
    assert provision == (2, "Strong")
    assert filtering == ("Walled garden",)


def test_the_pages_show_the_renamed_labels(renamed, monkeypatch):
    at = _open(renamed, "pages/setting_comparison.py", monkeypatch)
    tables = [d.value for d in at.dataframe]
    assert any("Strong" in t.columns for t in tables), [list(t.columns) for t in tables]
    assert any("Walled garden" in set(t.iloc[:, 0].astype(str)) for t in tables)
    assert "Whole-school effectiveness by setting" in [h.value for h in at.subheader]
    options = at.selectbox(key="f_filtering").options
    assert "Walled garden" in options and "Locked down" not in options
    at = _open(renamed, "pages/school_profile.py", monkeypatch)
    at.text_input(key="profile_search").input(str(STRUGGLING)).run()
    flags = next(m for m in at.metric if m.label == "Flags")
    assert "Urgent priority" in str(flags.proto.delta)
    at.text_input(key="profile_search").input(str(LOCKED)).run()
    assert next(m.value for m in at.metric if m.label == "Overall grade") == "Strong"


def test_the_excel_export_shows_the_renamed_labels(renamed):
    with _reading(renamed) as db:
        history = reads.grades.school_history(db.cursor(), LOCKED)
        info = reads.base.build_info(db.cursor())
        words = reads.base.labels(db.cursor())
    summary = headers.filter_summary(
        Filters(filtering="locked_down"), words.filtering, words.blanks["any_filtering"]
    )
    about = exports.about_sheet(summary, info, "test", len(history))
    data = exports.table_workbook(
        history,
        about,
        "History",
        grade_columns=["grade_provision"],
        priority_columns=[],
        words=words,
    )
    wb = openpyxl.load_workbook(io.BytesIO(data))
    cells = {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row}
    assert "Strong" in cells and "Walled garden" in cells
    assert "Good" not in cells and "Locked down" not in cells


def test_the_governor_report_shows_the_renamed_labels(renamed):
    with _reading(renamed) as db:
        pdf = governor.governor_report_pdf(db, LOCKED, chart=False)
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Strong" in text and "Walled garden" in text


@pytest.mark.slow
def test_the_cabinet_pack_shows_the_renamed_labels(renamed):
    require_chromium()
    with _reading(renamed) as db:
        data = cabinet.cabinet_pack_pptx(db, Filters())
    texts = set()
    for slide in Presentation(io.BytesIO(data)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.add(shape.text_frame.text)
            if shape.has_table:
                texts.update(c.text for row in shape.table.rows for c in row.cells)
    text = "\n".join(texts)
    assert "Strong" in text and "Walled garden" in text and "urgent" in text.lower()
    assert "Locked down" not in text and "Good" not in text
