"""Tolerant parsers for the values schools type into their returns.

Every parser takes one cell value as calamine gives it (str, float, int, bool,
date, datetime or None) and returns ``(value, problem)``: ``problem`` is None
when the cell was read (a blank cell reads as ``None``), else a short
plain-English sentence that the caller ties to a ``Sheet!Cell``.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache, lru_cache

from lakehouse.rounds import RoundError
from lakehouse.rounds import parse_round as _parse_round
from lakehouse.spec import normalise as _normalise
from lakehouse.spec import synonyms

# The same labels recur in every file, so normalising is cached (cell values are hashable).
normalise = lru_cache(maxsize=8192)(_normalise)

Parsed = tuple[object, str | None]

# Excel's day zero: serial 1 is 1900-01-01 once Excel's fictitious 1900-02-29 is
# allowed for, which is why the epoch is 30 December rather than 31.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MAX_SERIAL = 2_958_465  # 9999-12-31, the last date Excel can hold
_MAX_COUNT = 2**31 - 1  # counts are INTEGER in bronze

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
    "apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
    "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10,
    "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip

_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([a-z]+)\.?,?[\s\-]+(\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_MONTH_YEAR = re.compile(r"^([a-z]+)\.?[\s\-]+(\d{4})$")
_URN_PREFIX = re.compile(r"^\s*urn\s*[:#.\-]?\s*", re.IGNORECASE)


def is_blank(value: object) -> bool:
    """True for a missing cell, an empty string or whitespace only."""
    return value is None or (isinstance(value, str) and not value.strip())


# Characters that change how text around them is drawn without being seen: bidirectional
# embeddings, overrides and isolates (``Saint \u202eloohcS lliH\u202c`` draws as "Saint Hill
# School") and zero-width spaces, joiners and the byte-order mark. No school name needs them.
INVISIBLE = dict.fromkeys(
    map(
        ord,
        "\u200b\u200c\u200d\u200e\u200f\u061c\u2060\ufeff"
        "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
    )
)


def strip_invisible(value: str) -> str:
    """``value`` without bidirectional controls and zero-width characters."""
    # every one of them is outside ASCII, and isascii() is a flag test, not a scan
    return value if value.isascii() else value.translate(INVISIBLE)


def text(value: object) -> str | None:
    """A cell as trimmed text (None when blank); integral floats lose their ``.0``.

    Bidirectional controls and zero-width characters are removed (see INVISIBLE).
    """
    if value is None:
        return None
    if isinstance(value, str):  # most cells: one strip, not three
        return (value if value.isascii() else value.translate(INVISIBLE)).strip() or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    return str(value).strip()


def _show(value: object) -> str:
    shown = text(value) or ""
    return shown if len(shown) <= 40 else shown[:37] + "..."


def parse_urn(value: object) -> tuple[int | None, str | None]:
    """A 6-digit URN from ``118234``, ``118234.0``, ``"URN 118234"`` or ``" 118 234 "``."""
    if is_blank(value):
        return None, "URN is blank"
    if isinstance(value, bool):
        return None, f"'{_show(value)}' is not a 6-digit URN"
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            return None, f"'{_show(value)}' is not a 6-digit URN"
        digits = str(int(value))
    else:
        digits = re.sub(r"\s+", "", _URN_PREFIX.sub("", str(value)))
        if digits.endswith(".0"):
            digits = digits[:-2]
    if len(digits) == 6 and digits.isdigit() and digits[0] != "0":
        return int(digits), None
    return None, f"'{_show(value)}' is not a 6-digit URN"


def parse_round(value: object) -> tuple[str | None, str | None]:
    """A collection round as ``YYYY/YY`` (the project's one parser, :mod:`lakehouse.rounds`)."""
    if is_blank(value):
        return None, "collection round is blank"
    try:
        return _parse_round(text(value) or ""), None
    except RoundError as exc:
        return None, str(exc)


def _serial_to_date(serial: float) -> dt.date | None:
    if not 1 <= serial <= _MAX_SERIAL:
        return None
    return _EXCEL_EPOCH + dt.timedelta(days=int(serial))


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _parse_date_text(raw: str) -> dt.date | None:
    s = raw.strip().lower()
    if re.fullmatch(r"\d+(\.\d+)?", s):
        return _serial_to_date(float(s))
    if m := _ISO_DATE.match(s):
        return _safe_date(int(m[1]), int(m[2]), int(m[3]))
    if m := _NUMERIC_DATE.match(s):
        year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
        return _safe_date(year, int(m[2]), int(m[1]))  # UK: day first
    if (m := _DAY_MONTH_YEAR.match(s)) and m[2] in _MONTHS:
        return _safe_date(int(m[3]), _MONTHS[m[2]], int(m[1]))
    if (m := _MONTH_DAY_YEAR.match(s)) and m[1] in _MONTHS:
        return _safe_date(int(m[3]), _MONTHS[m[1]], int(m[2]))
    if (m := _MONTH_YEAR.match(s)) and m[1] in _MONTHS:
        return _safe_date(int(m[2]), _MONTHS[m[1]], 1)
    return None


def parse_date(value: object) -> tuple[dt.date | None, str | None]:
    """A date from a real date, an Excel serial, ``03/09/2026``, ``3 Sept 2026``, ``Sep 2026``...

    Blank, ``never`` and ``N/A`` read as ``None`` with no problem: "not reviewed".
    """
    if is_blank(value):
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, bool):
        return None, f"'{_show(value)}' is not a date"
    if isinstance(value, int | float):
        parsed = _serial_to_date(float(value))
        return (parsed, None) if parsed else (None, f"'{_show(value)}' is not a date")
    if normalise(value) in _never():
        return None, None
    parsed = _parse_date_text(str(value))
    if parsed is None:
        return None, f"'{_show(value)}' is not a date (write it like 03/09/2026)"
    return parsed, None


@cache
def _never() -> frozenset[str]:
    # synonyms() re-reads and re-normalises the seed rows on every call
    return frozenset(synonyms("never"))


@cache
def _yesno() -> dict[str, bool]:
    return {k: v == "true" for k, v in synonyms("yesno").items()}


def parse_yes_no(value: object) -> tuple[bool | None, str | None]:
    """True/False from Yes/No/Y/N/TRUE/FALSE/1/0 or a real boolean; blank is None."""
    if is_blank(value):
        return None, None
    if isinstance(value, bool):
        return value, None
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value), None
    found = _yesno().get(normalise(value))
    if found is None:
        return None, f"'{_show(value)}' is not Yes or No"
    return found, None


def parse_percentage(value: object) -> tuple[float | None, str | None]:
    """A percentage 0-100 from ``80``, ``80%`` or ``0.8`` (1 or less is a fraction)."""
    if is_blank(value):
        return None, None
    if isinstance(value, bool):
        return None, f"'{_show(value)}' is not a percentage"
    explicit_percent = False
    if isinstance(value, int | float):
        number = float(value)
    else:
        raw = str(value).strip().replace(" ", "")
        explicit_percent = raw.endswith("%")
        try:
            number = float(raw.rstrip("%"))
        except ValueError:
            return None, f"'{_show(value)}' is not a percentage"
    if number != number:  # NaN
        return None, f"'{_show(value)}' is not a percentage"
    if not explicit_percent and 0 <= number <= 1:
        number *= 100
    if not 0 <= number <= 100:
        return None, f"'{_show(value)}' is not a percentage between 0 and 100"
    return round(number, 6), None


def parse_count(value: object) -> tuple[int | None, str | None]:
    """A whole number of zero or more from ``12``, ``12.0``, ``"12"`` or ``"1,200"``."""
    if is_blank(value):
        return None, None
    if isinstance(value, bool):
        return None, f"'{_show(value)}' is not a whole number"
    if isinstance(value, int | float):
        number = float(value)
    else:
        try:
            number = float(str(value).strip().replace(",", ""))
        except ValueError:
            return None, f"'{_show(value)}' is not a whole number"
    if number != number or not number.is_integer():
        return None, f"'{_show(value)}' is not a whole number"
    if number < 0:
        return None, f"'{_show(value)}' is negative"
    if number > _MAX_COUNT:
        return None, f"'{_show(value)}' is too large to be a count"
    return int(number), None


@cache
def _vocabulary(kind: str) -> dict[str, str]:
    """Synonyms for one kind, plus each canonical key matching itself."""
    table = synonyms(kind)
    for canonical in set(table.values()):
        table.setdefault(normalise(canonical), canonical)
    return table


def parse_response(value: object) -> tuple[str | None, str | None]:
    """``fully`` / ``partly`` / ``not`` / ``na`` via the response synonyms; blank is None."""
    if is_blank(value):
        return None, None
    found = _vocabulary("response").get(normalise(value))
    if found is None:
        return (
            None,
            f"'{_show(value)}' is not a recognised response (use Fully in place, "
            "Partly in place, Not in place or Not applicable)",
        )
    return found, None


def parse_filtering(value: object) -> tuple[str | None, str | None]:
    """``managed`` or ``locked_down`` via the filtering synonyms."""
    if is_blank(value):
        return None, "filtering approach is blank"
    found = _vocabulary("filtering").get(normalise(value))
    if found is None:
        return None, f"'{_show(value)}' is not a filtering approach (Managed or Locked down)"
    return found, None


def parse_monitoring(value: object) -> tuple[list[str], list[str]]:
    """Monitoring keys from a ``;``-separated list, and a problem for each part not known.

    Returns ``(keys, problems)``: keys in the order written, without repeats.
    """
    if is_blank(value):
        return [], []
    known = _vocabulary("monitoring")
    keys: list[str] = []
    problems: list[str] = []
    for part in re.split(r"[;\n]", str(value)):
        if not part.strip():
            continue
        key = known.get(normalise(part))
        if key is None:
            problems.append(f"'{_show(part)}' is not a known monitoring approach")
        elif key not in keys:
            keys.append(key)
    return keys, problems


def parse_pass_fail(value: object) -> Parsed:
    """``pass`` or ``fail`` from Pass/Passed/Fail/Failed (seed synonyms kind pass_fail)."""
    if is_blank(value):
        return None, None
    found = _vocabulary("pass_fail").get(normalise(value))
    if found is None:
        return None, f"'{_show(value)}' is not Pass or Fail"
    return found, None


def says_nothing(value: object) -> bool:
    """A text answer that names nothing: blank, or 'none', 'n/a', 'TBC', '-', 'no', 'unknown'."""
    return is_blank(value) or normalise(value) in _vocabulary("empty_role") or not normalise(value)


def parse_version(value: object) -> Parsed:
    """A return version (1 or 2) from ``2``, ``2.0``, ``"2"``, ``"v2"``, ``"Version 2"``."""
    if is_blank(value):
        return None, None
    if isinstance(value, bool):
        return None, _show(value)
    if isinstance(value, int | float) and float(value).is_integer():
        value = str(int(value))
    found = _vocabulary("return_version").get(normalise(value))
    if found is None:
        return None, _show(value)
    return int(found), None
