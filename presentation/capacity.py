"""How far the team's capacity reaches down the support worklist, in one sentence.

The worklist page and the cabinet pack both say it, so it is written here once:
"30 of 55 high-priority schools within capacity; 25 beyond it". The numbers
come from :func:`lakehouse.triage.worklist_summary` (schools and
``within_capacity`` per priority, in priority order); a public pack passes its
own ``count`` so a small number is suppressed the same way as in its tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd


def _plain(n: int) -> str:
    return f"{n:,}"


@dataclass(frozen=True)
class CapacitySplit:
    """Where the capacity cut-off falls: the priority it cuts and the counts either side."""

    within: int  # flagged schools within capacity, every priority
    flagged: int  # flagged schools, every priority
    cut_label: str | None  # the priority the cut-off falls in (None: every school within)
    cut_within: int  # of that priority, within capacity
    cut_schools: int  # of that priority, in all
    whole: tuple[tuple[str, int], ...]  # earlier priorities, wholly within: (label, schools)

    @property
    def cut_beyond(self) -> int:
        return self.cut_schools - self.cut_within


def capacity_split(summary: pd.DataFrame) -> CapacitySplit:
    """Where the cut-off falls, from ``worklist_summary`` rows (priority order kept)."""
    whole: list[tuple[str, int]] = []
    r: Any  # a worklist_summary row
    for r in summary.itertuples(index=False):
        schools, within = int(r.schools), int(r.within_capacity)
        if not schools:
            continue
        if within < schools:
            return CapacitySplit(
                within=int(summary["within_capacity"].sum()),
                flagged=int(summary["schools"].sum()),
                cut_label=str(r.label),
                cut_within=within,
                cut_schools=schools,
                whole=tuple(whole),
            )
        whole.append((str(r.label), schools))
    return CapacitySplit(
        within=int(summary["within_capacity"].sum()),
        flagged=int(summary["schools"].sum()),
        cut_label=None,
        cut_within=0,
        cut_schools=0,
        whole=tuple(whole),
    )


def capacity_sentence(summary: pd.DataFrame, count: Callable[[int], str] = _plain) -> str:
    """ "30 of 55 high-priority schools within capacity; 25 beyond it" (no full stop).

    When the capacity reaches past the first priority: "All 20 high-priority schools within
    capacity, and 10 of 114 medium-priority; 104 medium-priority beyond it". ``count``
    writes each number (a public pack suppresses small ones through it).
    """
    split = capacity_split(summary)
    if not split.flagged:
        return "No school is flagged for support"
    if split.cut_label is None:
        if len(split.whole) == 1:
            label, n = split.whole[0]
            return f"All {count(n)} {label.lower()}-priority schools within capacity"
        return f"All {count(split.flagged)} flagged schools within capacity"
    cut = f"{split.cut_label.lower()}-priority"
    part = f"{count(split.cut_within)} of {count(split.cut_schools)} {cut}"
    if split.whole:
        firsts = " and ".join(f"{count(n)} {label.lower()}-priority" for label, n in split.whole)
        return (
            f"All {firsts} schools within capacity, and {part}; "
            f"{count(split.cut_beyond)} {cut} beyond it"
        )
    return f"{part} schools within capacity; {count(split.cut_beyond)} beyond it"
