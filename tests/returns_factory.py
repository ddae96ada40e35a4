"""Write return workbooks for tests: ``write_workbook(path, {sheet: rows})`` with openpyxl.

``good_return(...)`` gives the sheets of a complete, valid return that a test
then spoils one cell at a time.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import openpyxl

from lakehouse.spec import fm_checks, incident_categories, indicators, policies, staff_groups

if TYPE_CHECKING:
    from ingest.batch import IngestSummary

Rows = list[list[object]]


def write_workbook(path: Path, sheets: dict[str, Rows]) -> Path:
    """Write each sheet's rows from A1 (None leaves a cell empty); returns ``path``."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def good_return(
    urn: object = 118234,
    round: object = "2026/27",
    completed: object = dt.date(2026, 10, 1),
    filtering: object = "Managed",
    response: object = "Fully in place",
) -> dict[str, Rows]:
    """Sheets of a complete return: every indicator answered, every policy reviewed."""
    return {
        "School": [
            ["Field", "Value"],
            ["URN", urn],
            ["School name", "Oak Primary"],
            ["Collection round", round],
            ["Completed by (role)", "DSL"],
            ["Date completed", completed],
            ["Filtering approach", filtering],
            ["Monitoring approach", "Physical supervision"],
            ["Pupils taught off-site", 0],
            ["Pupil survey: know how to report (%)", 80],
        ],
        "Self-review": [["Indicator ID", "Statement", "Response", "Evidence"]]
        + [[r["indicator_id"], r["statement"], response, "seen"] for r in indicators()],
        "Policies": [
            [
                "Policy",
                "Last reviewed",
                "Approved by governors",
                "Pupils consulted",
                "Families consulted",
            ],
        ]  # fmt: skip
        + [[r["label"], dt.date(2026, 3, 1), "Yes", "No", "Y"] for r in policies()],
        "Training": [["Staff group", "Headcount", "Trained in last 12 months"]]
        + [[r["label"], 10, 8] for r in staff_groups()],
        "Incidents": [["Category", "Number this year"]]
        + [[r["label"], 2] for r in incident_categories()],
    }


# Answers of a version 2 return whose four DfE standards are all met (completed 2026-10-01).
GOOD_CHECKS: dict[str, tuple[object, object]] = {
    "fm_senior_leader": ("Headteacher", None),
    "fm_governor": ("Yes", None),
    "fm_review": (None, dt.date(2026, 3, 1)),
    "fm_review_recorded": ("Yes", None),
    "filter_provider": ("LGfL", None),
    "filter_all_connections": ("Yes", None),
    "filter_illegal_blocked": ("Yes", None),
    "filter_test": ("Pass", dt.date(2026, 9, 1)),
    "monitor_provider": ("Smoothwall", None),
    "monitor_dsl_alerts": ("Yes", None),
    "monitor_all_devices": ("Yes", None),
}


def good_return_v2(
    checks: dict[str, tuple[object, object]] | None = None,
    *,
    version_field: object = 2,
    sheet: bool = True,
    **kwargs: object,
) -> dict[str, Rows]:
    """Sheets of a complete version 2 return: ``checks`` overrides (answer, date) by key."""
    sheets = good_return(**kwargs)  # type: ignore[arg-type]
    response = kwargs.get("response", "Fully in place")
    if version_field is not None:
        sheets["School"].append(["Return version", version_field])
    sheets["Self-review"] = [["Indicator ID", "Statement", "Response", "Evidence"]] + [
        [r["indicator_id"], r["statement"], response, "seen"] for r in indicators(2)
    ]
    sheets["Policies"] = sheets["Policies"][:1] + [
        [r["label"], dt.date(2026, 3, 1), "Yes", "No", "Y"] for r in policies(2)
    ]
    if sheet:
        answers = {**GOOD_CHECKS, **(checks or {})}
        sheets["Filtering and monitoring"] = [["Check", "Answer", "Date", "Notes"]] + [
            [r["label"], *answers[r["check_key"]], None] for r in fm_checks()
        ]
    return sheets


def set_field(sheets: dict[str, Rows], label: str, value: object) -> dict[str, Rows]:
    """Set one School field's value (by its label), in place; returns the sheets."""
    for row in sheets["School"]:
        if row[0] == label:
            row[1] = value
            return sheets
    raise KeyError(label)


def convert_with_soffice(source: Path, fmt: str) -> Path | None:
    """Convert with LibreOffice (``ods``, ``xls``); None when soffice is not installed."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    profile = source.parent / ".lo-profile"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
         fmt, "--outdir", str(source.parent), str(source)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    converted = source.with_suffix(f".{fmt}")
    if not converted.exists():  # soffice exits 0 even when Calc is missing
        raise RuntimeError(f"soffice did not convert {source.name}: is libreoffice-calc installed?")
    return converted


def write_register_csv(path: Path, urns) -> Path:
    """A minimal GIAS extract (URN and name only) naming ``urns``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("URN,EstablishmentName\n" + "".join(f"{u},School {u}\n" for u in urns))
    return path


def ingest_paths(
    paths: list, db: Path, *, today: dt.date | None = None, rebuild: bool = True
) -> IngestSummary:
    """What ``python -m ingest returns`` does, in process: one write session, load, rebuild."""
    from ingest.batch import load_returns, rebuild_models
    from lakehouse.db import writing

    with writing(db) as con:
        summary = load_returns(con, paths, today=today)
        if rebuild:
            summary.build_note = rebuild_models(con, None, None)
    return summary


_SHEET_HEAD = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_TAIL = b"</sheetData></worksheet>"


def replace_sheet(path: Path, member: str, rows: Iterable[bytes]) -> Path:
    """Rewrite one sheet's XML part of an .xlsx with ``<row>`` elements streamed from ``rows``.

    The rest of the workbook is copied as it was, so the file stays a valid
    workbook. The part is written as it is generated (deflated, zip64), so a
    part that unzips to gigabytes needs no memory to make.
    """
    source = path.with_name(path.name + ".orig")
    path.rename(source)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename != member:
                new.writestr(info, old.read(info.filename))
                continue
            with new.open(member, "w", force_zip64=True) as out:
                out.write(_SHEET_HEAD)
                buffer = []
                size = 0
                for row in rows:
                    buffer.append(row)
                    size += len(row)
                    if size > 1 << 20:
                        out.write(b"".join(buffer))
                        buffer, size = [], 0
                out.write(b"".join(buffer))
                out.write(_SHEET_TAIL)
    source.unlink()
    return path


def numbered_rows(count: int) -> Iterator[bytes]:
    """``count`` one-cell rows, A1 down to A<count>."""
    for r in range(1, count + 1):
        yield b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r)


def repeated_rows(total_bytes: int) -> Iterator[bytes]:
    """Identical rows (no row numbers) adding up to about ``total_bytes``: a zip bomb's filling."""
    block = b"<row><c><v>1</v></c></row>" * 40_000  # ~1 MB, compresses about 1000:1
    for _ in range(total_bytes // len(block)):
        yield block
