"""Write return workbooks for tests: ``write_workbook(path, {sheet: rows})`` with openpyxl.

``good_return(...)`` gives the sheets of a complete, valid return that a test
then spoils one cell at a time.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import openpyxl

from lakehouse.spec import incident_categories, indicators, policies, staff_groups

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
