"""The layout of a return workbook: its sheets, their column headers, the files accepted.

The template writer lays a blank return out from this, and the reader finds
the same sheets and columns in a school's file from it, so the two cannot
drift apart. What goes *in* the rows (indicators, policies, staff groups,
categories, School fields) is seed data in ``lakehouse/seeds``; this module
is only the frame around it. ``docs/return-format.md`` describes it for people.
"""

from __future__ import annotations

import datetime as dt

INSTRUCTIONS = "Instructions"
SCHOOL = "School"
SELF_REVIEW = "Self-review"
POLICIES = "Policies"
TRAINING = "Training"
INCIDENTS = "Incidents"
FILTERING_MONITORING = "Filtering and monitoring"  # version 2 only

# The sheets a return carries, in the template's order (Instructions is for people only).
SHEETS = (SCHOOL, SELF_REVIEW, POLICIES, TRAINING, INCIDENTS)
# Per return version, its sheets (a version 2 return adds the DfE standards check).
SHEETS_BY_VERSION: dict[int, tuple[str, ...]] = {
    1: SHEETS,
    2: (SCHOOL, SELF_REVIEW, POLICIES, FILTERING_MONITORING, TRAINING, INCIDENTS),
}

# Per sheet, column key -> the header texts the reader accepts (compared after
# normalising case, spacing and punctuation). The template writes the first text.
COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    SCHOOL: {"field": ("Field",), "value": ("Value",), "guidance": ("Guidance",)},
    SELF_REVIEW: {
        "indicator_id": ("Indicator ID", "Indicator", "ID"),
        "statement": ("Statement",),
        "response": ("Response",),
        "evidence": ("Evidence",),
        # version 2 template: the standard or guidance a statement comes from (not read)
        "standard": ("Standard",),
    },
    POLICIES: {
        "policy": ("Policy",),
        "last_reviewed": ("Last reviewed", "Date last reviewed", "Reviewed"),
        "approved_by_governors": ("Approved by governors",),
        "pupils_consulted": ("Pupils consulted",),
        "families_consulted": ("Families consulted",),
    },
    TRAINING: {
        "staff_group": ("Staff group",),
        "headcount": ("Headcount",),
        "trained": ("Trained in last 12 months", "Trained"),
    },
    INCIDENTS: {
        "category": ("Category",),
        "count": ("Number this year", "Number", "Count"),
    },
    FILTERING_MONITORING: {
        "check": ("Check",),
        "answer": ("Answer",),
        "date": ("Date", "Date of check", "When"),
        "notes": ("Notes", "Note", "Comments"),
    },
}

# Columns a sheet's header row must have before its rows are read. Self-review
# needs Response and one of Indicator ID or Statement (checked by the reader).
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    SCHOOL: ("field", "value"),
    SELF_REVIEW: ("response",),
    POLICIES: ("policy", "last_reviewed"),
    TRAINING: ("staff_group", "headcount", "trained"),
    INCIDENTS: ("category", "count"),
    FILTERING_MONITORING: ("check", "answer"),
}
SELF_REVIEW_KEYS = ("indicator_id", "statement")

# The header row the template writes on each sheet.
HEADERS: dict[str, tuple[str, ...]] = {
    sheet: tuple(texts[0] for texts in columns.values()) for sheet, columns in COLUMNS.items()
}

# A header row is looked for in this many rows from the top of a sheet.
HEADER_SEARCH_ROWS = 30

WORKBOOK_EXTENSIONS = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})

# Dates completed before this are refused as typing mistakes.
EARLIEST_COMPLETED = dt.date(2000, 1, 1)
