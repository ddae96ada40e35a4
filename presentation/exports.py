"""Excel builders for the dashboard's one-click exports (no Streamlit here).

Every value a school wrote is written with ``write_string`` and the workbook
is opened with formula, URL and number conversion off, so a school name such
as ``=HYPERLINK(...)`` stays text in Excel.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

import pandas as pd
import xlsxwriter

from lakehouse import seeds
from presentation import palette
from presentation.formatting import EXCEL_DATE_FORMAT, council_date

_MAX_WIDTH = 60
_INJECTION_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _as_text(value: Any) -> str:
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.isoformat(" ")
    return str(value)


MARKING = "OFFICIAL-SENSITIVE"
A4 = 9  # xlsxwriter's paper code for A4


def _footer_text(text: object) -> str:
    # '&' starts a control code in Excel headers and footers
    return str(text or "").replace("&", "&&")


def print_footer(round_label: object, as_of: object) -> str:
    """The footer every printed sheet carries: round, as-of date, marking, page numbers."""
    parts = []
    if round_label:
        parts.append(f"Round {_footer_text(round_label)}")
    if as_of:
        parts.append(f"data as of {_footer_text(council_date(as_of, missing=str(as_of)))}")
    return f"&L{' · '.join(parts)}&C{MARKING}&RPage &P of &N"


def page_setup(ws: Any, footer: str, *, landscape: bool = True, header_rows: int = 1) -> None:
    """Print setup for an xlsxwriter sheet: A4, fit to one page wide, header row repeated."""
    if landscape:
        ws.set_landscape()
    ws.set_paper(A4)
    ws.fit_to_pages(1, 0)  # one page wide, as many pages long as it needs
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    if header_rows:
        ws.repeat_rows(0, header_rows - 1)
    ws.set_footer(footer)


def table_workbook(
    df: pd.DataFrame,
    about: Mapping[str, str],
    sheet_name: str = "Data",
    grade_columns: Iterable[str] = (),
    priority_columns: Iterable[str] = (),
) -> bytes:
    """An .xlsx of ``df`` (frozen header, autofilter, widths, grade colours) plus an 'About' sheet.

    ``about`` records what the rows are: filters, as-of date, round, data source.
    Grade columns hold 1–4 and are written as their label on the grade colour.
    """
    grade_columns = set(grade_columns)
    priority_columns = set(priority_columns)
    # the words once per workbook, from the seeds (an export can hold thousands of rows)
    grade_words = seeds.vocabulary("grade")
    insufficient = seeds.blank_label("insufficient_evidence")
    priority_words = seeds.vocabulary("priority")
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    header = wb.add_format(
        {
            "bold": True,
            "bg_color": "#1F3A5F",
            "font_color": "#FFFFFF",
            "text_wrap": True,
            "valign": "top",
            "border": 1,
        }
    )
    text = wb.add_format({"valign": "top", "text_wrap": True})
    # the council's date style, as on every output: 1 Dec 2026
    date_fmt = wb.add_format({"num_format": EXCEL_DATE_FORMAT, "valign": "top", "align": "left"})
    number = wb.add_format({"valign": "top"})
    fills: dict[str, Any] = {}

    def fill(colour: str) -> Any:
        if colour not in fills:
            fills[colour] = wb.add_format(
                {"bg_color": colour, "font_color": palette.text_colour_on(colour), "valign": "top"}
            )
        return fills[colour]

    ws = wb.add_worksheet(sheet_name[:31])
    widths = [len(str(c)) for c in df.columns]
    for col, name in enumerate(df.columns):
        ws.write_string(0, col, str(name), header)
    for r, row in enumerate(df.itertuples(index=False), start=1):
        for c, (name, value) in enumerate(zip(df.columns, row, strict=True)):
            shown = ""
            if _is_missing(value):
                ws.write_blank(r, c, None, text)
            elif name in grade_columns:
                shown = grade_words.get(value, insufficient)
                ws.write_string(r, c, shown, fill(palette.grade_colour(value)))
            elif name in priority_columns:
                shown = priority_words.get(str(value), str(value))
                ws.write_string(
                    r, c, shown, fill(palette.PRIORITY_COLOURS.get(str(value), palette.GREY))
                )
            elif isinstance(value, bool):
                shown = "Yes" if value else "No"
                ws.write_string(r, c, shown, text)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                shown = f"{value:g}" if isinstance(value, float) else str(value)
                ws.write_number(r, c, value, number)
            elif isinstance(value, (pd.Timestamp, datetime, date)):
                shown = _as_text(value)
                ws.write_datetime(r, c, pd.Timestamp(value).to_pydatetime(), date_fmt)
            else:
                shown = str(value)
                ws.write_string(r, c, shown, text)
            widths[c] = max(widths[c], min(len(shown), _MAX_WIDTH))
    for c, w in enumerate(widths):
        ws.set_column(c, c, min(max(w + 2, 8), _MAX_WIDTH))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(df), 1), max(len(df.columns) - 1, 0))
    footer = print_footer(about.get("Round") or about.get("Current round"), about.get("As-of date"))
    page_setup(ws, footer)

    about_ws = wb.add_worksheet("About this export")
    about_ws.write_string(0, 0, "Item", header)
    about_ws.write_string(0, 1, "Value", header)
    for r, (key, value) in enumerate(about.items(), start=1):
        about_ws.write_string(r, 0, str(key), text)
        about_ws.write_string(r, 1, "" if value is None else str(value), text)
    about_ws.set_column(0, 0, 28)
    about_ws.set_column(1, 1, 80)
    page_setup(about_ws, footer, landscape=False)
    wb.close()
    return buffer.getvalue()


def about_sheet(
    filters: Mapping[str, str],
    info: Mapping[str, str],
    source: str,
    rows: int,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The rows of the 'About this export' sheet: filters, as-of date, round and data source."""
    out = {
        "Exported at": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "Rows": str(rows),
        "As-of date": info.get("as_of", ""),
        "Current round": info.get("current_round", ""),
        "Data built at": info.get("built_at", ""),
        "Data source": source,
    }
    out.update({f"Filter: {k}": v for k, v in filters.items()})
    out.update(extra or {})
    return out


def csv_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot start a formula when the CSV is opened in Excel."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = [
                ("'" + v) if isinstance(v, str) and v.startswith(_INJECTION_PREFIXES) else v
                for v in out[col]
            ]
    return out


def csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 (with BOM, so Excel reads accents) CSV of a table, formula-safe."""
    return csv_safe(df).to_csv(index=False).encode("utf-8-sig")
