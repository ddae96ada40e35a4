"""Excel builders for the dashboard's one-click exports (no Streamlit here).

Every value a school wrote is written with ``write_string`` and the workbook
is opened with formula, URL and number conversion off, so a school name such
as ``=HYPERLINK(...)`` stays text in Excel.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import cache, lru_cache
from typing import Any

import pandas as pd
import xlsxwriter

from lakehouse.reads.base import Labels
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


# Excel refuses a header or footer longer than 255 characters (control codes included)
_HEADER_LIMIT = 255


def print_header(title: str, filters: Mapping[str, str]) -> str:
    """The page header: what the sheet is and the filters it was exported with."""
    text = _footer_text(title)
    described = "; ".join(f"{k}: {v}" for k, v in filters.items() if v)
    if described:
        text += " · " + _footer_text(described)
    if len(text) + 2 > _HEADER_LIMIT:
        text = text[: _HEADER_LIMIT - 3].rstrip("&") + "…"
    return "&L" + text


def page_setup(
    ws: Any,
    footer: str,
    *,
    landscape: bool = True,
    header_rows: int = 1,
    header: str = "",
    pages_wide: int = 1,
) -> None:
    """Print setup for an xlsxwriter sheet: A4, fit to ``pages_wide`` pages wide (one unless
    said; more print across, then down), header row repeated, the page header and footer."""
    if landscape:
        ws.set_landscape()
    ws.set_paper(A4)
    ws.fit_to_pages(pages_wide, 0)  # as many pages long as it needs
    if pages_wide > 1:
        ws.print_across()  # a set of rows in full, page by page, before the next rows
    ws.set_margins(left=0.5, right=0.5, top=0.75 if header else 0.6, bottom=0.7)
    if header_rows:
        ws.repeat_rows(0, header_rows - 1)
    if header:
        ws.set_header(header)
    ws.set_footer(footer)


# --- rows sized to their wrapped text ------------------------------------------------------

# Excel and LibreOffice never grow a row for wrapped text that a program wrote with a fixed
# layout, so every row's height is worked out here, for the narrower room of the two:
# - Excel draws Calibri 11 in a column of 7 px per character plus 5 px;
# - LibreOffice without Calibri draws a substitute (here DejaVu Sans, the widest of them) and
#   sizes the column by that font's digit width.
# Text is measured in DejaVu Sans; Calibri sets the same text in about 0.88 of its width.
_FONT_FILE = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_PT = 11
LINE_PT = 15.0  # Excel's row height for one line of 11-pt text
_PAD_PT = 3.0
_CALIBRI_SHARE = 0.88
_EM_FALLBACK = 0.62  # DejaVu Sans' mean advance per character, when the font is absent


@cache
def _font() -> Any:
    try:
        from PIL import ImageFont

        return ImageFont.truetype(_FONT_FILE, 100)
    except (ImportError, OSError):
        return None


@cache
def text_width_pt(text: str) -> float:
    """The width of ``text`` set in 11-pt DejaVu Sans, in points."""
    font = _font()
    if font is None:
        return len(text) * FONT_PT * _EM_FALLBACK
    return float(font.getlength(text)) * FONT_PT / 100


def _lines(text: str, room: float, scale: float) -> int:
    """Lines ``text`` takes, wrapped at spaces in ``room`` points, each width times ``scale``."""
    if "\n" not in text and len(text) * FONT_PT * scale <= room:
        return 1  # fits even if every character were as wide as an em: nothing to measure
    space = text_width_pt(" ") * scale
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split():
            w = text_width_pt(word) * scale
            if used and used + space + w <= room:
                used += space + w
                continue
            if used:
                lines += 1
            # a word wider than the column breaks across lines
            extra = int(w // room) if w > room else 0
            lines += extra
            used = w - extra * room
    return max(lines, 1)


@lru_cache(maxsize=65536)
def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped in a column ``width`` characters wide (xlsxwriter's
    unit): the more of Excel's and LibreOffice's layouts."""
    excel_room = max(1.0, (width * 7 + 5 - 6) * 0.75)  # 3 px of padding each side
    libre_room = max(1.0, width * text_width_pt("0") - 4)
    return max(_lines(text, excel_room, _CALIBRI_SHARE), _lines(text, libre_room, 1.0))


def row_height(values: Iterable[str], widths: Iterable[float]) -> float:
    """The height, in points, a row needs for its wrapped text."""
    lines = max((wrapped_lines(v, w) for v, w in zip(values, widths, strict=True) if v), default=1)
    return lines * LINE_PT + _PAD_PT


# --- the workbooks ------------------------------------------------------------------------


class _Writer:
    """One workbook's formats, and a table writer that sizes columns and rows."""

    def __init__(self, wb: Any, words: Labels | None = None) -> None:
        self.wb = wb
        self.words = words
        self.header = wb.add_format(
            {
                "bold": True,
                "bg_color": "#1F3A5F",
                "font_color": "#FFFFFF",
                "text_wrap": True,
                "valign": "top",
                "border": 1,
            }
        )
        self.text = wb.add_format({"valign": "top", "text_wrap": True})
        # the council's date style, as on every output: 1 Dec 2026
        self.date = wb.add_format(
            {"num_format": EXCEL_DATE_FORMAT, "valign": "top", "align": "left"}
        )
        # left, like the text beside it: a URN is a name, not a quantity
        self.number = wb.add_format({"valign": "top", "align": "left"})
        self.note = wb.add_format({"italic": True, "valign": "top", "text_wrap": True})
        self._fills: dict[str, Any] = {}

    def fill(self, colour: str) -> Any:
        if colour not in self._fills:
            self._fills[colour] = self.wb.add_format(
                {
                    "bg_color": colour,
                    "font_color": palette.text_colour_on(colour),
                    "valign": "top",
                    "text_wrap": True,
                }
            )
        return self._fills[colour]

    def _coded(self, name: str, kind: str, value: Any) -> tuple[str, str]:
        """A grade's or priority's words and colour, by its code."""
        words = self.words
        if words is None:
            # a code is worded only in the words of the database it came from
            raise ValueError(f"column {name!r} holds codes: pass the database's words")
        if kind == "grade":
            blank = words.blanks["insufficient_evidence"]
            return words.grades.get(value, blank), palette.grade_colour(value)
        colour = palette.PRIORITY_COLOURS.get(str(value), palette.GREY)
        return words.priorities.get(str(value), str(value)), colour

    def cell(self, ws: Any, r: int, c: int, name: str, value: Any, kinds: Mapping[str, str]) -> str:
        """Write one cell; return the text it shows."""
        kind = kinds.get(name)
        if _is_missing(value):
            ws.write_blank(r, c, None, self.text)
            return ""
        if kind in ("grade", "priority"):
            shown, colour = self._coded(name, kind, value)
            ws.write_string(r, c, shown, self.fill(colour))
        elif isinstance(value, bool):
            shown = "Yes" if value else "No"
            ws.write_string(r, c, shown, self.text)
        elif isinstance(value, (int, float)):
            shown = f"{value:g}" if isinstance(value, float) else str(value)
            ws.write_number(r, c, value, self.number)
        elif isinstance(value, (pd.Timestamp, datetime, date)):
            shown = council_date(value)
            ws.write_datetime(r, c, pd.Timestamp(value).to_pydatetime(), self.date)
        else:
            shown = str(value)
            ws.write_string(r, c, shown, self.text)
        return shown

    def table(
        self,
        ws: Any,
        df: pd.DataFrame,
        kinds: Mapping[str, str],
        widths: Mapping[str, float] | None = None,
        max_width: float = _MAX_WIDTH,
    ) -> int:
        """``df`` from A1 with a header row; columns ``widths`` wide (else sized to their
        text up to ``max_width``), every row as tall as its wrapped text. Returns the next
        free row."""
        rows = list(df.itertuples(index=False))
        names = [str(c) for c in df.columns]
        shown_rows: list[list[str]] = []
        for r, row in enumerate(rows, start=1):
            shown_rows.append(
                [
                    self.cell(ws, r, c, name, value, kinds)
                    for c, (name, value) in enumerate(zip(names, row, strict=True))
                ]
            )
        col_widths = []
        for c, name in enumerate(names):
            if widths and name in widths:
                col_widths.append(float(widths[name]))
                continue
            longest = max([len(name), *(len(row[c]) for row in shown_rows)])
            col_widths.append(float(min(max(longest + 2, 8), max_width)))
        for c, (name, w) in enumerate(zip(names, col_widths, strict=True)):
            ws.write_string(0, c, name, self.header)
            ws.set_column(c, c, w)
        ws.set_row(0, row_height(names, col_widths))
        for r, shown in enumerate(shown_rows, start=1):
            ws.set_row(r, row_height(shown, col_widths))
        return len(rows) + 1

    def about(self, about: Mapping[str, str], footer: str) -> None:
        ws = self.wb.add_worksheet("About this export")
        ws.write_string(0, 0, "Item", self.header)
        ws.write_string(0, 1, "Value", self.header)
        widths = (28.0, 80.0)
        for r, (key, value) in enumerate(about.items(), start=1):
            shown = "" if value is None else str(value)
            ws.write_string(r, 0, str(key), self.text)
            ws.write_string(r, 1, shown, self.text)
            ws.set_row(r, row_height([str(key), shown], widths))
        ws.set_column(0, 0, widths[0])
        ws.set_column(1, 1, widths[1])
        page_setup(ws, footer, landscape=False)


def _workbook(buffer: io.BytesIO) -> Any:
    return xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )


def _footer_for(about: Mapping[str, str]) -> str:
    return print_footer(about.get("Round") or about.get("Current round"), about.get("As-of date"))


def table_workbook(
    df: pd.DataFrame,
    about: Mapping[str, str],
    sheet_name: str = "Data",
    grade_columns: Iterable[str] = (),
    priority_columns: Iterable[str] = (),
    words: Labels | None = None,
) -> bytes:
    """An .xlsx of ``df`` (frozen header, autofilter, widths, grade colours) plus an 'About' sheet.

    ``about`` records what the rows are: filters, as-of date, round, data source.
    Grade columns hold 1–4 and are written as their label on the grade colour, priority
    columns their code as its label on its colour: both in ``words``, the database's
    (``lakehouse.reads.base.labels``), which such columns need.
    Every row is as tall as its wrapped text, so nothing overlaps when printed.
    """
    kinds = {c: "grade" for c in grade_columns} | {c: "priority" for c in priority_columns}
    buffer = io.BytesIO()
    wb = _workbook(buffer)
    writer = _Writer(wb, words)
    ws = wb.add_worksheet(sheet_name[:31])
    writer.table(ws, df, kinds)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(df), 1), max(len(df.columns) - 1, 0))
    footer = _footer_for(about)
    page_setup(ws, footer)
    writer.about(about, footer)
    wb.close()
    return buffer.getvalue()


# the print-ready first sheet of the worklist export: one line of what to do per school
PRINT_COLUMNS = ("URN", "School", "District", "Priority", "Top concern", "Suggested action")
PRINT_WIDTHS = {
    "URN": 9,
    "School": 30,
    "District": 16,
    "Priority": 10,
    "Top concern": 48,
    "Suggested action": 44,
}
NEED_SUPPORT_SHEET = "Need support"
DETAIL_SHEET = "Full detail"


def worklist_workbook(
    rows: pd.DataFrame,
    detail_columns: Iterable[str],
    about: Mapping[str, str],
    filters: Mapping[str, str],
    words: Labels,
) -> bytes:
    """The flagged-schools export: a print-ready sheet of the schools that need support, the
    full detail of every row after it, and the 'About' sheet. Priorities are written in
    ``words``, the database's (``lakehouse.reads.base.labels``).

    ``rows`` is the worklist in its order under its display headers
    (``presentation.headers.WORKLIST_HEADERS``) with ``needs_support`` (a concern: high or
    medium priority), ``priority`` (the code), ``Top concern`` and ``Top action`` beside
    ``detail_columns``. Schools with themes only are counted under the first sheet's table
    and listed on the full detail, never among the schools that need support. The filters
    head every printed page.
    """
    kinds = {"Priority": "priority"}
    need = rows[rows["needs_support"].fillna(False).astype(bool)]
    themes_only = len(rows) - len(need)
    buffer = io.BytesIO()
    wb = _workbook(buffer)
    writer = _Writer(wb, words)
    footer = _footer_for(about)

    ws = wb.add_worksheet(NEED_SUPPORT_SHEET)
    printed = pd.DataFrame(
        {
            "URN": need["URN"],
            "School": need["School"],
            "District": need["District"],
            "Priority": need["priority"],
            "Top concern": need["Top concern"],
            "Suggested action": need["Top action"],
        }
    )
    next_row = writer.table(ws, printed, kinds, widths=PRINT_WIDTHS)
    if need.empty:
        notes = ["No school in these rows needs support (none has a concern)."]
    else:
        notes = [
            f"{len(need):,} {'school needs' if len(need) == 1 else 'schools need'} support "
            "(a concern: high or medium priority)."
        ]
    if themes_only:
        notes.append(
            f"{themes_only:,} more {'school has' if themes_only == 1 else 'schools have'} "
            "themes only, met by the council's county-wide offer: see the "
            f"{DETAIL_SHEET} sheet."
        )
    width = sum(PRINT_WIDTHS.values())
    for offset, note in enumerate(notes, start=1):
        r = next_row + offset - 1
        ws.merge_range(r, 0, r, len(PRINT_COLUMNS) - 1, note, writer.note)
        ws.set_row(r, row_height([note], [width]))
    ws.freeze_panes(1, 0)
    if not need.empty:
        ws.autofilter(0, 0, len(need), len(PRINT_COLUMNS) - 1)
    page_setup(ws, footer, header=print_header("Schools that need support", filters))

    detail = wb.add_worksheet(DETAIL_SHEET)
    columns = list(detail_columns)
    frame = (
        rows[columns].assign(Priority=rows["priority"])
        if "Priority" in columns
        else (rows[columns])
    )
    writer.table(detail, frame, kinds, max_width=36)
    detail.freeze_panes(1, 2)
    detail.autofilter(0, 0, max(len(frame), 1), max(len(columns) - 1, 0))
    # too many columns for one page at a readable size: two pages wide, URN and School
    # repeated on each
    detail.repeat_columns(0, 1)
    page_setup(
        detail,
        footer,
        header=print_header("Flagged schools, full detail", filters),
        pages_wide=2,
    )
    writer.about(about, footer)
    wb.close()
    return buffer.getvalue()


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")


def export_filename(stem: str, parts: Iterable[str], ext: str = "xlsx") -> str:
    """A file name saying what was exported and how it was filtered:
    ``flagged-schools_2026-27_Thanet_Primary_High.xlsx``; "all" when nothing narrowed it."""
    words = [w for w in (_slug(p) for p in parts) if w]
    name = "_".join([_slug(stem), *words]) if words else f"{_slug(stem)}_all"
    return f"{name[:120].rstrip('-_')}.{ext}"


def filter_parts(values: Iterable[str], what: str, most: int = 3) -> str:
    """The chosen values of one filter for a file name: up to ``most`` by name, else a count."""
    chosen = [v for v in values if v]
    if len(chosen) > most:
        return f"{len(chosen)} {what}"
    return "-".join(chosen)


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


# an export format: Outlook's and Word's mail merge read these single-word headers
MAIL_MERGE_COLUMNS = [
    "To",
    "Salutation",
    "ContactName",
    "ContactRole",
    "Title",
    "FirstName",
    "LastName",
    "School",
    "URN",
    "Telephone",
    "Address1",
    "Address2",
    "Address3",
    "Town",
    "County",
    "Postcode",
    "Trust",
    "District",
    "Round",
    "Deadline",
    "DaysToDeadline",
    "Status",
    "LastReminded",
]


def mail_merge(chase: pd.DataFrame) -> pd.DataFrame:
    """One row per school for an Outlook/Word mail merge: single-word headers, dates as words.

    ``chase`` is :func:`lakehouse.reads.returns.chase_list` (with ``with_reminders``). *To* is the
    contact's e-mail address and *Salutation* the greeting ("Dear Mrs Smith", else the
    role's from seeds/contact_roles.csv); the postal address is the register's.
    """

    def words(d: Any) -> str:
        if d is None or (not isinstance(d, date) and pd.isna(d)):
            return ""
        d = d.date() if hasattr(d, "date") and not isinstance(d, date) else d
        d = d.date() if isinstance(d, pd.Timestamp) else d
        return f"{d.day} {d:%B %Y}"

    last = chase["last_reminded"] if "last_reminded" in chase else [None] * len(chase)

    def text(column: str) -> pd.Series:
        return chase[column].fillna("") if column in chase else pd.Series([""] * len(chase))

    contact = text("contact")
    return pd.DataFrame(
        {
            # the e-mail address Outlook sends to; blank where the school has none
            "To": text("email"),
            "Salutation": text("salutation"),
            "ContactName": [c.rsplit(" (", 1)[0] if c else "" for c in contact],
            "ContactRole": [c.rsplit(" (", 1)[1].rstrip(")") if " (" in c else "" for c in contact],
            "Title": chase["head_title"].fillna(""),
            "FirstName": chase["head_first_name"].fillna(""),
            "LastName": chase["head_last_name"].fillna(""),
            "School": chase["school"],
            "URN": chase["urn"],
            "Telephone": chase["telephone"].fillna(""),
            "Address1": text("street"),
            "Address2": text("locality"),
            "Address3": text("address3"),
            "Town": text("town"),
            "County": text("county"),
            "Postcode": text("postcode"),
            "Trust": chase["trust"].fillna(""),
            "District": chase["district"].fillna(""),
            "Round": chase["round"],
            "Deadline": [words(d) for d in chase["deadline"]],
            "DaysToDeadline": chase["days_to_deadline"],
            "Status": chase["status_label"],
            "LastReminded": [words(d) for d in last],
        },
        columns=MAIL_MERGE_COLUMNS,
    )
