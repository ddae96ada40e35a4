"""The one colour-blind-safe palette (Okabe–Ito): codes to colours, nothing else.

Grades, priority and freshness share the same hues so "blue is good, vermillion
is bad" reads the same on every chart and in the Excel exports. A colour is
always shown with its label; labels and their order come from the vocabulary
seeds (``lakehouse.seeds.vocabulary``), never from here.
"""

from __future__ import annotations

from typing import Any

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
INSUFFICIENT_COLOUR = GREY
NO_DATA_COLOUR = LIGHT_GREY

PRIORITY_COLOURS: dict[str, str] = {"high": VERMILLION, "medium": ORANGE, "low": SKY}

FRESHNESS_COLOURS: dict[str, str] = {
    "fresh": GREEN,
    "due_soon": ORANGE,
    "overdue": VERMILLION,
    "missing": GREY,
}

RETURN_STATUS_COLOURS: dict[str, str] = {
    "received": GREEN,
    "late": ORANGE,
    "missing": VERMILLION,
    "awaiting": SKY,
    "not_expected": LIGHT_GREY,
}

FILTERING_COLOURS: dict[str, str] = {"managed": BLUE, "locked_down": PURPLE}

# the DfE filtering and monitoring standards (RETURN-v2.md); unknown = a version 1 return
FM_STATUS_COLOURS: dict[str, str] = {
    "met": GREEN,
    "partly": ORANGE,
    "not_met": VERMILLION,
    "unknown": LIGHT_GREY,
}


def _is_missing(value: Any) -> bool:
    # None, NaN, pd.NA and NaT all mean "no grade"
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def grade_colour(grade: Any) -> str:
    """The colour of a grade; grey for insufficient evidence."""
    if _is_missing(grade):
        return INSUFFICIENT_COLOUR
    return GRADE_COLOURS.get(int(grade), INSUFFICIENT_COLOUR)


def text_colour_on(hex_colour: str) -> str:
    """Black or white text, whichever reads better on the given fill."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) / 255 for i in (0, 2, 4))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if luminance > 0.45 else "#FFFFFF"
