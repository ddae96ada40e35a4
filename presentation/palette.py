"""The one colour-blind-safe palette (Okabe–Ito), always paired with a text label.

Grades, priority and freshness share the same hues so "blue is good, vermillion
is bad" reads the same on every chart and in the Excel exports.
"""

from __future__ import annotations

import pandas as pd

BLUE = "#0072B2"
GREEN = "#009E73"
ORANGE = "#E69F00"
VERMILLION = "#D55E00"
SKY = "#56B4E9"
YELLOW = "#F0E442"
PURPLE = "#CC79A7"
GREY = "#999999"
LIGHT_GREY = "#D9D9D9"

GRADE_COLOURS: dict[int, str] = {1: BLUE, 2: GREEN, 3: ORANGE, 4: VERMILLION}
GRADE_LABELS: dict[int, str] = {1: "Outstanding", 2: "Good", 3: "Satisfactory", 4: "Inadequate"}
INSUFFICIENT_LABEL = "Insufficient evidence"
INSUFFICIENT_COLOUR = GREY
NO_DATA_LABEL = "No return"
NO_DATA_COLOUR = LIGHT_GREY

PRIORITY_COLOURS: dict[str, str] = {"high": VERMILLION, "medium": ORANGE, "low": SKY}
PRIORITY_LABELS: dict[str, str] = {"high": "High", "medium": "Medium", "low": "Low"}
PRIORITY_ORDER = ("high", "medium", "low")

FRESHNESS_COLOURS: dict[str, str] = {
    "fresh": GREEN,
    "due_soon": ORANGE,
    "overdue": VERMILLION,
    "missing": GREY,
}
FRESHNESS_LABELS: dict[str, str] = {
    "fresh": "Fresh",
    "due_soon": "Due soon",
    "overdue": "Overdue",
    "missing": "Missing",
}
FRESHNESS_ORDER = ("fresh", "due_soon", "overdue", "missing")

RETURN_STATUS_COLOURS: dict[str, str] = {
    "received": GREEN,
    "late": ORANGE,
    "missing": VERMILLION,
    "awaiting": SKY,
    "not_expected": LIGHT_GREY,
}
RETURN_STATUS_LABELS: dict[str, str] = {
    "received": "Received on time",
    "late": "Received late",
    "missing": "Missing",
    "awaiting": "Awaiting return",
    "not_expected": "Not expected",
}
RETURN_STATUS_ORDER = ("received", "late", "awaiting", "missing", "not_expected")

FILTERING_COLOURS: dict[str, str] = {"managed": BLUE, "locked_down": PURPLE}
FILTERING_LABELS: dict[str, str] = {"managed": "Managed", "locked_down": "Locked down"}


def _is_missing(value: object) -> bool:
    # None, NaN, pd.NA and NaT all mean "no grade"
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def grade_label(grade: object) -> str:
    """'Good' for 2; 'Insufficient evidence' for null."""
    if _is_missing(grade):
        return INSUFFICIENT_LABEL
    return GRADE_LABELS.get(int(grade), INSUFFICIENT_LABEL)  # type: ignore[arg-type]


def grade_colour(grade: object) -> str:
    """The colour of a grade; grey for insufficient evidence."""
    if _is_missing(grade):
        return INSUFFICIENT_COLOUR
    return GRADE_COLOURS.get(int(grade), INSUFFICIENT_COLOUR)  # type: ignore[arg-type]


def grade_label_colours() -> dict[str, str]:
    """Label -> colour, in grade order, insufficient evidence last."""
    out = {GRADE_LABELS[g]: GRADE_COLOURS[g] for g in sorted(GRADE_LABELS)}
    out[INSUFFICIENT_LABEL] = INSUFFICIENT_COLOUR
    return out


def grade_order() -> list[str]:
    """Grade labels best first, insufficient evidence last."""
    return list(grade_label_colours())


def text_colour_on(hex_colour: str) -> str:
    """Black or white text, whichever reads better on the given fill."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) / 255 for i in (0, 2, 4))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if luminance > 0.45 else "#FFFFFF"
