"""How every output writes a percentage and a date (pages, Excel, packs, reports).

One rule each, so a governor never reads "42% trained" beside "6/14 = 43%":

* Percentages round half up to a whole number (6 of 14 = 42.857...% -> 43%;
  12.5% -> 13%), as the SQL reason text does with ``floor(x + 0.5)``
  (``lakehouse/models/silver/return_training.sql``, "Governors 43% trained").
  Python's own ``round`` and ``f"{x:.0f}"`` round half to even (12.5 -> 12), so
  neither is used for a percentage anywhere.
* Dates are the council's style: ``1 Dec 2026`` (day without a leading zero,
  short month, four-digit year).
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from lakehouse.dates import day_month_year

MISSING = "—"


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def round_half_up(value: float) -> int:
    """``value`` to the nearest whole number, halves away from zero (42.5 -> 43)."""
    # Decimal of the float's shortest repr: 0.285 * 100 is 28.499999999999996 as a float
    # but a person computing 28.5% expects 29%
    d = Decimal(repr(float(value)))
    return int(d.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent_value(numerator: object, denominator: object) -> int | None:
    """The whole-number percentage of ``numerator`` in ``denominator`` (None when undefined)."""
    if _missing(numerator) or _missing(denominator) or float(denominator) == 0:  # type: ignore[arg-type]
        return None
    share = float(numerator) / float(denominator)  # type: ignore[arg-type]
    # a share like 6/14 is not exact in binary; 10 significant digits drop the noise
    return round_half_up(float(f"{share * 100:.10g}"))


def percent(value: object, missing: str = MISSING) -> str:
    """A percentage already on 0-100 as text: ``42.857`` -> ``"43%"``."""
    if _missing(value) or (isinstance(value, float) and math.isinf(value)):
        return missing
    return f"{round_half_up(float(value)):d}%"  # type: ignore[arg-type]


def percent_of(numerator: object, denominator: object, missing: str = MISSING) -> str:
    """``numerator`` out of ``denominator`` as text: 6 of 14 -> ``"43%"``."""
    v = percent_value(numerator, denominator)
    return missing if v is None else f"{v}%"


def one_decimal(value: object, missing: str = MISSING) -> str:
    """A number to one decimal place, halves up like every percentage (``2.25`` -> ``2.3``)."""
    if _missing(value):
        return missing
    d = Decimal(repr(float(value)))  # type: ignore[arg-type]
    return f"{d.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):,}"


def number(value: object, missing: str = MISSING) -> str:
    """A whole number as text with thousands separators (``1,234``)."""
    if _missing(value):
        return missing
    return f"{round_half_up(float(value)):,d}"  # type: ignore[arg-type]


def as_date(value: object) -> date | None:
    """A date from a date, datetime, Timestamp or ISO text (None when not a date)."""
    if _missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``1 file``, ``3 files``, ``1,200 schools``: a count and its noun, in the plural it takes."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def in_sentence(name: str) -> str:
    """A label as it reads inside a sentence: 'special', but 'PRU' stays an acronym."""
    first = name.split(" ", 1)[0]
    # a word capitalised only as a sentence starts ("Policy") is lowered; an acronym or a
    # name with capitals inside ("PRU", "DfE") keeps its case
    return name[:1].lower() + name[1:] if first[1:] == first[1:].lower() else name


def council_date(value: object, missing: str = MISSING) -> str:
    """A date in the council's style: ``1 Dec 2026``; ``missing`` when there is none."""
    d = as_date(value)
    if d is None:
        return missing if _missing(value) or not str(value).strip() else str(value)
    return day_month_year(d)


# the same style for st.column_config.DateColumn and Excel number formats
STREAMLIT_DATE_FORMAT = "D MMM YYYY"
EXCEL_DATE_FORMAT = "d mmm yyyy"
