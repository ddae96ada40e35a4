"""The council's date style, ``1 Dec 2026``, for text the lakehouse writes (casework notes,
the case timeline). :func:`presentation.formatting.council_date` writes every other date
through the same function, so a date reads the same on every page, export and pack."""

from __future__ import annotations

from datetime import date


def day_month_year(value: date) -> str:
    """``1 Dec 2026``: day without a leading zero, short month, four-digit year."""
    return f"{value.day} {value:%b} {value.year}"
