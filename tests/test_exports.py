"""Excel and CSV builders: school text stays text, the sheet is usable on day one."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pandas as pd

from lakehouse.filters import Filters
from presentation import exports, headers, palette
from tests.seed_copy import shipped_labels


def _rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "URN": [100001, 100002, 100003, 100004],
            "School": ['=HYPERLINK("http://evil","x")', "+44 Academy", "-minus School", "@mention"],
            "Priority": ["high", "medium", "low", "high"],
            "Overall grade": [1, 4, None, 2],
            "Return date": [pd.Timestamp(2026, 11, 1), pd.NaT, pd.Timestamp(2026, 12, 1), pd.NaT],
        }
    )


def _open(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _about() -> dict[str, str]:
    info = {"as_of": "2027-03-01", "current_round": "2026/27", "built_at": "2027-03-01T08:00"}
    filters = headers.filter_summary(
        Filters(districts=("Eastvale",)), {"managed": "Managed"}, "Any"
    )
    return exports.about_sheet(filters, info, "E-safety returns database", 4)


def test_school_text_that_looks_like_a_formula_stays_text() -> None:
    ws = _open(exports.table_workbook(_rows(), _about(), "Flagged schools"))["Flagged schools"]
    names = [ws.cell(row=r, column=2) for r in range(2, 6)]
    assert [c.value for c in names] == list(_rows()["School"])
    assert all(c.data_type == "s" for c in names)


def test_the_sheet_has_a_frozen_header_an_autofilter_and_one_row_per_record() -> None:
    ws = _open(exports.table_workbook(_rows(), _about(), "Flagged schools"))["Flagged schools"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:E5"
    assert ws.max_row == 5
    assert [c.value for c in ws[1]] == list(_rows().columns)
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width


def test_grades_are_written_as_labels_on_their_palette_colour() -> None:
    data = exports.table_workbook(
        _rows(),
        _about(),
        "Flagged schools",
        grade_columns=["Overall grade"],
        priority_columns=["Priority"],
        words=shipped_labels(),
    )
    ws = _open(data)["Flagged schools"]
    outstanding, inadequate = ws["D2"], ws["D3"]
    assert outstanding.value == "Outstanding"
    assert outstanding.fill.fgColor.rgb.endswith(palette.GRADE_COLOURS[1].lstrip("#"))
    assert inadequate.value == "Inadequate"
    assert inadequate.fill.fgColor.rgb.endswith(palette.GRADE_COLOURS[4].lstrip("#"))
    assert ws["D4"].value is None  # no grade stays blank rather than a made-up label
    assert ws["C2"].value == "High"


def test_the_second_sheet_records_filters_as_of_round_and_source() -> None:
    wb = _open(exports.table_workbook(_rows(), _about(), "Flagged schools"))
    about = dict(wb["About this export"].iter_rows(min_row=2, values_only=True))
    assert about["Filter: Districts"] == "Eastvale"
    assert about["As-of date"] == "2027-03-01"
    assert about["Current round"] == "2026/27"
    assert about["Data source"] == "E-safety returns database"
    assert about["Rows"] == "4"


def test_dates_are_real_dates_and_an_empty_table_still_opens() -> None:
    ws = _open(exports.table_workbook(_rows(), _about()))["Data"]
    assert ws["E2"].value.date() == date(2026, 11, 1)
    empty = _open(exports.table_workbook(_rows().iloc[0:0], _about()))["Data"]
    assert empty.max_row == 1


def test_csv_cells_that_would_start_a_formula_are_quoted() -> None:
    text = exports.csv_bytes(_rows()).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+44 Academy" in text and "'@mention" in text
    assert "\n100001," in text
