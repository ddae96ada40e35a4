"""The blank return template (openpyxl), and one pre-filled copy per school for mail-out.

Every label, indicator, policy, staff group and category comes from the seeds
through :mod:`lakehouse.spec`, so editing a seed changes the template, the
reader and the models together. Sheet and column names come from
:mod:`ingest.layout`, which the reader uses too; the sample county writes the
same layout.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ingest.layout import (
    EARLIEST_COMPLETED,
    FILTERING_MONITORING,
    HEADERS,
    INCIDENTS,
    INSTRUCTIONS,
    POLICIES,
    SCHOOL,
    SELF_REVIEW,
    TRAINING,
)
from lakehouse import spec
from lakehouse.seeds import rule

COLUMN_WIDTHS: dict[str, tuple[int, ...]] = {
    SCHOOL: (38, 34, 70),
    SELF_REVIEW: (13, 80, 20, 60, 34),
    POLICIES: (40, 16, 22, 18, 20),
    TRAINING: (42, 13, 26),
    INCIDENTS: (32, 18),
    FILTERING_MONITORING: (62, 22, 14, 44),
}
# Columns a version 1 template leaves out (it is the old template, as it always was).
V1_OMITTED = {SELF_REVIEW: ("Standard",)}
# How each School field is entered; the field keys are those of seeds/school_fields.csv.
FIELD_KINDS = {
    "urn": "urn",
    "completed_on": "date",
    "filtering": "filtering",
    "monitoring": "monitoring",
    "pupils_offsite": "count",
    "pupil_survey_pct": "percent",
    "return_version": "version",
}
DATE_FORMAT = "dd/mm/yyyy"
# validation bounds for dates the return can hold: not before the reader's earliest, not future
EARLIEST_DATE = (
    f"DATE({EARLIEST_COMPLETED.year},{EARLIEST_COMPLETED.month},{EARLIEST_COMPLETED.day})"
)
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")
LABEL_FILL = PatternFill("solid", fgColor="F2F2F2")
INPUT_FILL = PatternFill("solid", fgColor="FFF9E5")
UNLOCKED = Protection(locked=False)
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9 &'(),.\-]+")


def response_choices() -> list[str]:
    """Response labels in seed order (Fully in place, ...)."""
    rows = sorted(spec.read_seed("response_labels"), key=lambda r: int(r["sort_order"]))
    return [r["label"] for r in rows]


def synonym_display(kind: str) -> list[str]:
    """The first (display) text the synonyms seed gives each value of one kind, seed order."""
    shown: dict[str, str] = {}
    for row in spec.read_seed("synonyms"):
        if row["kind"] == kind and row["value"] not in shown:
            shown[row["value"]] = row["text"]
    return list(shown.values())


def yes_no_choices() -> list[str]:
    """Yes/No labels, true first (from the yesno synonyms)."""
    rows = [r for r in spec.read_seed("synonyms") if r["kind"] == "yesno"]
    true = next(r["text"] for r in rows if r["value"] == "true")
    false = next(r["text"] for r in rows if r["value"] == "false")
    return [true, false]


def ordered(rows: tuple[dict[str, str], ...]) -> list[dict[str, str]]:
    """Seed rows by their sort_order column (file order when there is none)."""
    if rows and "sort_order" in rows[0]:
        return sorted(rows, key=lambda r: int(r["sort_order"]))
    return list(rows)


def round_due(today: date) -> str:
    """The round whose return deadline is ``today`` or next (rules ``deadline_month`` and
    ``deadline_day``, in the round's first calendar year): what a template mailed out today
    is for. With a 31 December deadline, 1 Dec 2026 gives 2026/27 and 5 Jan 2027 2027/28."""
    month, day = int(rule("deadline_month")), int(rule("deadline_day"))
    # as gold.rounds dates each round's deadline: in the round's first calendar year
    year = today.year if today <= date(today.year, month, day) else today.year + 1
    return f"{year}/{(year + 1) % 100:02d}"


def write_template(
    out: Path, school: dict | None = None, round: str | None = None, version: int | None = None
) -> Path:
    """Write the return template to ``out``, its round filled in; URN and name when given.

    ``school`` may carry ``urn``, ``name`` (or ``school_name``) and ``round``;
    the ``round`` argument wins over ``school['round']``, and with neither the
    round due next (:func:`round_due`) is filled in. ``version``
    is the return version (default the latest, 2; 1 writes the old template).
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    version = version or spec.latest_version()
    round = round or (school or {}).get("round") or round_due(date.today())
    book = Workbook()
    lists = _Lists(book)
    _instructions(book.active, version)
    _school_sheet(book.create_sheet(SCHOOL), lists, school or {}, round, version)
    _self_review_sheet(book.create_sheet(SELF_REVIEW), lists, version)
    _policies_sheet(book.create_sheet(POLICIES), lists, version)
    if version >= 2:
        _filtering_monitoring_sheet(book.create_sheet(FILTERING_MONITORING), lists)
    _training_sheet(book.create_sheet(TRAINING))
    _incidents_sheet(book.create_sheet(INCIDENTS))
    lists.finish()
    for ws in book.worksheets:
        if ws.sheet_state == "visible":
            _fit_rows(ws)
            _print_setup(ws, round or (school or {}).get("round"))
    book.properties.creator = "E-safety oversight dashboard"
    book.properties.title = "School e-safety return"
    book.active = 1  # open on the School sheet
    book.save(out)
    return out


class _Lists:
    """Drop-down sources: inline when Excel allows, else a hidden sheet.

    Excel's inline list is comma-separated and at most 255 characters, so a
    label with a comma needs a cell range instead.
    """

    SHEET = "Lists"

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.sheet: Worksheet | None = None

    def formula(self, values: list[str]) -> str:
        inline = ",".join(values)
        if all("," not in v and '"' not in v for v in values) and len(inline) <= 255:
            return f'"{inline}"'
        if self.sheet is None:
            self.sheet = self.book.create_sheet(self.SHEET)
        col = self.sheet.max_column + (1 if self.sheet.max_row > 1 or self.sheet["A1"].value else 0)
        for i, value in enumerate(values, start=1):
            self.sheet.cell(row=i, column=col, value=value)
        letter = get_column_letter(col)
        return f"'{self.SHEET}'!${letter}$1:${letter}${len(values)}"

    def finish(self) -> None:
        if self.sheet is not None:
            self.sheet.sheet_state = "hidden"
            self.sheet.protection.sheet = True


def _fit_rows(ws: Worksheet) -> None:
    """Row heights that fit wrapped text: Excel does not grow a row for text written by a program.

    About 1.1 characters of 11 pt text per unit of column width, 15 points a line;
    rows only ever grow (the header keeps its 30 points).
    """
    for row in ws.iter_rows():
        lines = 1
        for cell in row:
            if not isinstance(cell.value, str) or not cell.value:
                continue
            width = ws.column_dimensions[cell.column_letter].width or 8.43
            per_line = max(1, int(width * 1.1))
            size = (cell.font.sz or 11) if cell.font else 11
            n = sum(max(1, -(-len(part) // per_line)) for part in cell.value.split("\n"))
            lines = max(lines, int(n * max(size, 11) / 11 + 0.99))
        if lines > 1:
            current = ws.row_dimensions[row[0].row].height or 15
            ws.row_dimensions[row[0].row].height = max(current, 15 * lines + 2)


def _print_setup(ws: Worksheet, round: object) -> None:
    """Each sheet prints one page wide on A4 landscape, its header row on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages long as it needs
    if ws.title in HEADERS:
        ws.print_title_rows = "1:1"
    ws.oddFooter.left.text = f"E-safety return {round}" if round else "E-safety return"
    ws.oddFooter.center.text = ws.title
    ws.oddFooter.right.text = "Page &P of &N"


def _table_header(ws: Worksheet, name: str, version: int = 2) -> None:
    omitted = V1_OMITTED.get(name, ()) if version < 2 else ()
    columns = [
        (header, width)
        for header, width in zip(HEADERS[name], COLUMN_WIDTHS[name], strict=True)
        if header not in omitted
    ]
    for col, (header, width) in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=col, value=header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 30
    # No password: protection stops labels being overtyped by accident, not a security control.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _label(cell) -> None:
    cell.fill = LABEL_FILL
    cell.alignment = Alignment(vertical="top", wrap_text=True)


def _input(cell, number_format: str = "@") -> None:
    cell.protection = UNLOCKED
    cell.fill = INPUT_FILL
    cell.number_format = number_format
    cell.alignment = Alignment(vertical="top", wrap_text=True)


def _validation(ws: Worksheet, dv: DataValidation, ref: str) -> None:
    dv.showErrorMessage = dv.showErrorMessage if dv.showErrorMessage is not None else True
    dv.add(ref)
    ws.add_data_validation(dv)


def _list(formula: str, prompt: str, *, strict: bool = True) -> DataValidation:
    dv = DataValidation(type="list", formula1=formula, allow_blank=True)
    dv.promptTitle = "Choose from the list"
    dv.prompt = prompt
    dv.showInputMessage = True
    dv.showErrorMessage = strict
    dv.errorTitle = "Not in the list"
    dv.error = "Please choose a value from the drop-down list."
    return dv


def _date(prompt: str) -> DataValidation:
    dv = DataValidation(
        type="date",
        operator="between",
        formula1=EARLIEST_DATE,
        formula2="TODAY()",
        allow_blank=True,
    )
    dv.prompt = prompt
    dv.showInputMessage = True
    dv.showErrorMessage = True
    dv.errorTitle = "Not a date"
    dv.error = "Enter a date as dd/mm/yyyy, not after today and not before 2000."
    return dv


def _whole(minimum: int, maximum: int | None, prompt: str) -> DataValidation:
    if maximum is None:
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1=str(minimum))
    else:
        dv = DataValidation(
            type="whole", operator="between", formula1=str(minimum), formula2=str(maximum)
        )
    dv.allow_blank = True
    dv.prompt = prompt
    dv.showInputMessage = True
    dv.showErrorMessage = True
    dv.errorTitle = "Not a whole number"
    dv.error = prompt
    return dv


def _instructions(ws: Worksheet, version: int) -> None:
    ws.title = INSTRUCTIONS
    ws.column_dimensions["A"].width = 110
    areas = ordered(spec.areas())
    lines: list[tuple[str, bool]] = [
        ("School e-safety return", True),
        ("", False),
        ("Please complete one return for your school for each collection round.", False),
        (
            "Fill in the shaded cells only; the other cells are protected so the council's "
            "reader can find them (no password is set).",
            False,
        ),
        ("", False),
        (
            f"{SCHOOL}: your URN, the collection round (written 2026/27), the date completed and "
            "your filtering approach are required.",
            False,
        ),
        (
            f"{SELF_REVIEW}: choose a response for every statement and note your evidence. "
            f"Responses: {', '.join(response_choices())}.",
            False,
        ),
        (
            f"{POLICIES}: the date each policy was last reviewed (leave blank if never) and who "
            "was involved.",
            False,
        ),
        *(
            [
                (
                    f"{FILTERING_MONITORING}: your own check against the DfE filtering and "
                    "monitoring standards. Choose Yes or No (Pass or Fail for the filtering test), "
                    "name the roles and providers, and give the date of the last review and test.",
                    False,
                )
            ]
            if version >= 2
            else []
        ),
        (
            f"{TRAINING}: how many staff are in each group and how many were trained in the last "
            "12 months.",
            False,
        ),
        (
            f"{INCIDENTS}: the number of online-safety incidents logged this year in each "
            "category.",
            False,
        ),
        ("", False),
        ("The return is judged in five areas:", True),
        *[(f"{a['label']}: {a['description']}", False) for a in areas],
        ("", False),
        (
            "Do not rename the sheets or the column headings. You may add notes below a table "
            "or in extra sheets.",
            False,
        ),
    ]
    for row, (text, bold) in enumerate(lines, start=1):
        cell = ws.cell(row=row, column=1, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = Font(bold=True, size=14 if row == 1 else 11)
    ws.protection.sheet = True


def _school_sheet(
    ws: Worksheet, lists: _Lists, school: dict, round: str | None, version: int
) -> None:
    _table_header(ws, SCHOOL)
    prefill = {
        "urn": school.get("urn"),
        "school_name": school.get("school_name", school.get("name")),
        "round": round or school.get("round"),
    }
    for row, field in enumerate(ordered(spec.school_fields(version)), start=2):
        key = field["field"]
        required = field.get("required", "").lower() == "true"
        label = ws.cell(row=row, column=1, value=field["label"])
        _label(label)
        if required:
            label.font = Font(bold=True)
        guidance = ("Required. " if required else "") + field["help"]
        _label(ws.cell(row=row, column=3, value=guidance))
        value = ws.cell(row=row, column=2)
        ref = value.coordinate
        kind = FIELD_KINDS.get(key, "text")
        if kind == "urn":
            _input(value, "0")
            _validation(ws, _whole(100000, 999999, "Your 6-digit URN."), ref)
            value.value = int(prefill["urn"]) if prefill["urn"] is not None else None
        elif kind == "date":
            _input(value, DATE_FORMAT)
            _validation(ws, _date(field["help"]), ref)
        elif kind == "filtering":
            _input(value)
            _validation(ws, _list(lists.formula(synonym_display("filtering")), field["help"]), ref)
        elif kind == "monitoring":
            _input(value)
            # several may be listed with ';' so anything typed is accepted
            dv = _list(lists.formula(synonym_display("monitoring")), field["help"], strict=False)
            _validation(ws, dv, ref)
        elif kind == "version":
            # the form's own version, filled in: the reader needs nothing typed here
            _label(value)
            value.value = version
            value.alignment = Alignment(horizontal="left", vertical="top")
        elif kind == "count":
            _input(value, "0")
            _validation(ws, _whole(0, None, "A whole number, 0 or more."), ref)
        elif kind == "percent":
            _input(value, "0")
            dv = DataValidation(
                type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True
            )
            dv.prompt = "A percentage from 0 to 100."
            dv.showInputMessage = True
            dv.showErrorMessage = True
            dv.error = "Enter a percentage from 0 to 100."
            _validation(ws, dv, ref)
        else:
            _input(value)
            if prefill.get(key) is not None:
                value.value = str(prefill[key])


def _self_review_sheet(ws: Worksheet, lists: _Lists, version: int) -> None:
    _table_header(ws, SELF_REVIEW, version)
    indicators = spec.indicators(version)
    sources = spec.statement_sources()
    for row, indicator in enumerate(indicators, start=2):
        _label(ws.cell(row=row, column=1, value=indicator["indicator_id"]))
        _label(ws.cell(row=row, column=2, value=indicator["statement"]))
        _input(ws.cell(row=row, column=3))
        _input(ws.cell(row=row, column=4))
        if version >= 2:
            source = sources.get(indicator.get("standard") or "", "")
            _label(ws.cell(row=row, column=5, value=source or None))
    last = len(indicators) + 1
    dv = _list(lists.formula(response_choices()), "How far is this in place?")
    _validation(ws, dv, f"C2:C{last}")


def _policies_sheet(ws: Worksheet, lists: _Lists, version: int) -> None:
    _table_header(ws, POLICIES)
    policies = ordered(spec.policies(version))
    for row, policy in enumerate(policies, start=2):
        _label(ws.cell(row=row, column=1, value=policy["label"]))
        _input(ws.cell(row=row, column=2), DATE_FORMAT)
        for col in (3, 4, 5):
            _input(ws.cell(row=row, column=col))
    last = len(policies) + 1
    _validation(ws, _date("Date of the last review; leave blank if never reviewed."), f"B2:B{last}")
    _validation(ws, _list(lists.formula(yes_no_choices()), "Yes or No"), f"C2:E{last}")


def _filtering_monitoring_sheet(ws: Worksheet, lists: _Lists) -> None:
    """The DfE standards check: a drop-down for each Yes/No and Pass/Fail, a date column."""
    _table_header(ws, FILTERING_MONITORING)
    choices = {
        "yesno": (yes_no_choices(), "Yes or No"),
        "pass_fail": (
            synonym_display("pass_fail"),
            "Pass or Fail: the result of the last filtering test",
        ),
    }
    for row, check in enumerate(spec.fm_checks(), start=2):
        _label(ws.cell(row=row, column=1, value=check["label"]))
        kind = check["answer_kind"]
        answer = ws.cell(row=row, column=2)
        if kind == "date":
            _label(answer)  # the answer is the date beside it
        else:
            _input(answer)
            if kind in choices:
                values, prompt = choices[kind]
                _validation(ws, _list(lists.formula(values), prompt), answer.coordinate)
            else:
                dv = DataValidation(type="textLength", operator="lessThanOrEqual", formula1="200")
                dv.allow_blank = True
                dv.prompt = "A role or a provider's name, not a person's name."
                dv.showInputMessage = True
                _validation(ws, dv, answer.coordinate)
        when = ws.cell(row=row, column=3)
        if check["has_date"] == "true":
            _input(when, DATE_FORMAT)
            _validation(ws, _date("The date, as dd/mm/yyyy (not after today)."), when.coordinate)
        else:
            _label(when)
        _input(ws.cell(row=row, column=4))


def _training_sheet(ws: Worksheet) -> None:
    _table_header(ws, TRAINING)
    groups = ordered(spec.staff_groups())
    for row, group in enumerate(groups, start=2):
        _label(ws.cell(row=row, column=1, value=group["label"]))
        _input(ws.cell(row=row, column=2), "0")
        _input(ws.cell(row=row, column=3), "0")
    last = len(groups) + 1
    _validation(ws, _whole(0, None, "How many staff are in this group."), f"B2:B{last}")
    # trained may not exceed headcount: the relative reference follows each row
    dv = DataValidation(
        type="whole", operator="between", formula1="0", formula2="B2", allow_blank=True
    )
    dv.prompt = "How many of them were trained in the last 12 months (not more than the headcount)."
    dv.showInputMessage = True
    dv.showErrorMessage = True
    dv.error = "A whole number, not more than the headcount."
    _validation(ws, dv, f"C2:C{last}")


def _incidents_sheet(ws: Worksheet) -> None:
    _table_header(ws, INCIDENTS)
    categories = ordered(spec.incident_categories())
    for row, category in enumerate(categories, start=2):
        _label(ws.cell(row=row, column=1, value=category["label"]))
        _input(ws.cell(row=row, column=2), "0")
    last = len(categories) + 1
    _validation(ws, _whole(0, None, "Number of incidents logged this year."), f"B2:B{last}")


def safe_file_name(urn: int, name: str) -> str:
    """``<URN> <name>.xlsx`` with characters that trouble file systems removed."""
    clean = " ".join(_UNSAFE_NAME.sub(" ", name or "").split()).strip(" .")[:80].rstrip(" .")
    return f"{urn} {clean}.xlsx" if clean else f"{urn}.xlsx"


def _has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    rows = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
        [schema, table],
    ).fetchall()
    return bool(rows[0][0])


def expected_schools(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str]]:
    """(urn, name) of open schools expected to return, by URN.

    From silver.schools when the models have been built; else from each URN's
    latest bronze.register row, using the same seed rules silver uses.
    """
    if _has_table(con, "silver", "schools"):
        return con.execute(
            "SELECT urn, name FROM silver.schools WHERE is_open AND expected_to_return ORDER BY urn"
        ).fetchall()
    open_statuses = [
        r["status"] for r in spec.read_seed("open_status_rules") if r["is_open"].lower() == "true"
    ]
    rules = spec.read_seed("independence_rules")
    group_patterns = [r["pattern"] for r in rules if r["field"] == "type_group"]
    type_patterns = [r["pattern"] for r in rules if r["field"] == "establishment_type"]
    rows = con.execute(
        """
        WITH latest AS (
            SELECT * FROM bronze.register
            QUALIFY row_number() OVER (PARTITION BY urn ORDER BY loaded_at DESC) = 1
        )
        SELECT urn, name FROM latest
        WHERE (status IS NULL OR list_contains(?::VARCHAR[], status))
          AND NOT (has_type_column AND EXISTS (
              SELECT 1 FROM unnest(?::VARCHAR[]) AS g(p) WHERE latest.type_group ILIKE g.p
              UNION ALL
              SELECT 1 FROM unnest(?::VARCHAR[]) AS t(p) WHERE latest.establishment_type ILIKE t.p
          ))
        ORDER BY urn
        """,
        [open_statuses, group_patterns, type_patterns],
    ).fetchall()
    return rows


def write_all_templates(
    out_dir: Path,
    con: duckdb.DuckDBPyConnection,
    round: str | None = None,
    version: int | None = None,
) -> list[Path]:
    """One pre-filled template per open school expected to return, named ``<URN> <name>.xlsx``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for urn, name in expected_schools(con):
        path = out_dir / safe_file_name(urn, name)
        written.append(write_template(path, {"urn": urn, "name": name}, round, version))
    return written
