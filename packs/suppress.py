"""Small-number suppression for packs shown in public.

The rule, as in official statistics (GSS guidance on disclosure control):

* Primary suppression: a count of schools from 1 up to, but not including,
  the threshold (seed rule ``public_suppress_below``, 5 by default) is shown
  as ``<5`` and not plotted. Zero is shown: it identifies no school.
* Secondary suppression: when a group's total is published and exactly one
  cell in it is suppressed, that cell could be worked out by subtraction, so
  the next-smallest non-zero cell is suppressed too.
* Percentages and averages over fewer schools than the threshold are not shown.

Only counts of schools are suppressed; scores and grades of one school are
never printed in a public pack anyway (schools are not named there).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from lakehouse.seeds import small_group_threshold
from presentation.formatting import percent_of


def threshold() -> int:
    """The suppression threshold from ``seeds/rules.csv`` (key ``public_suppress_below``)."""
    # one reader of the rule, so the dashboard's small-group mark and the packs agree
    return small_group_threshold()


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def is_small(count: object, below: int) -> bool:
    """A count that must not be published: 1 up to ``below`` - 1."""
    if _missing(count):
        return False
    return 0 < int(count) < below  # type: ignore[call-overload]


def suppression_mask(
    counts: Sequence[object], below: int, *, total_shown: bool = True
) -> list[bool]:
    """Which cells of one group (a row of a table) to hide, primary and secondary."""
    mask = [is_small(c, below) for c in counts]
    if total_shown and sum(mask) == 1:
        candidates = [
            (int(c), i)  # type: ignore[call-overload]
            for i, c in enumerate(counts)
            if not mask[i] and not _missing(c) and int(c) > 0  # type: ignore[call-overload]
        ]
        if candidates:
            mask[min(candidates)[1]] = True
    return mask


def show_count(count: object, below: int | None) -> str:
    """A count as text: ``<5`` when small and suppression is on; blank when missing."""
    if _missing(count):
        return ""
    if below is not None and is_small(count, below):
        return f"<{below}"
    return str(int(count))  # type: ignore[call-overload]


def for_plotting(frame: pd.DataFrame, count_column: str, below: int | None) -> pd.DataFrame:
    """Rows safe to plot: small counts dropped when suppression is on."""
    if below is None or frame.empty:
        return frame
    keep = ~frame[count_column].map(lambda c: is_small(c, below))
    return frame[keep].reset_index(drop=True)


def show_percent(numerator: object, denominator: object, below: int | None) -> str:
    """``"42%"``; blank when the denominator is missing or zero; ``"c"`` when too few schools."""
    if _missing(denominator) or _missing(numerator) or int(denominator) == 0:  # type: ignore[call-overload]
        return ""
    if below is not None and int(denominator) < below:  # type: ignore[call-overload]
        return "c"
    return percent_of(numerator, denominator)
