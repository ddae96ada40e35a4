"""The numbers behind a chart, as a person reads them (pages and exports alike).

Grades run best first in the database's words (``lakehouse.reads.base.labels``), with
*insufficient evidence* last, never alphabetically; each group has its count (n) and its
share at the second grade or better of the schools graded, half up like every percentage.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from lakehouse.reads.base import Labels
from presentation.formatting import percent_value


def in_order(present: Iterable[str], order: Iterable[str]) -> list[str]:
    """``present`` codes once each, in ``order`` (the database's: ``reads.base.setting_labels``
    lists settings in the council's usual order), any others after by name."""
    rank = {code: i for i, code in enumerate(order)}
    unique = list(dict.fromkeys(present))
    return sorted(unique, key=lambda c: (rank.get(c, len(rank)), c))


def grade_counts(
    df: pd.DataFrame,
    group_heading: str,
    words: Labels,
    group_order: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per group: schools at each grade (best first), n, and "Good or better (%)".

    ``df`` has columns group, grade (1-4 or null for insufficient evidence), schools
    (:func:`lakehouse.reads.grades.grade_by`); ``words`` names the grades as the database
    does. Groups in ``group_order`` when given, else as found.
    """
    named = words.grades
    grades = list(named)
    none_label = words.blanks["insufficient_evidence"]
    better = f"{named[grades[1]]} or better (%)"
    groups = list(group_order) if group_order is not None else list(dict.fromkeys(df["group"]))
    rows = []
    for group in groups:
        mine = df[df["group"] == group]
        counts = {g: int(mine.loc[mine["grade"] == g, "schools"].sum()) for g in grades}
        unknown = int(mine.loc[mine["grade"].isna(), "schools"].sum())
        graded = sum(counts.values())
        rows.append(
            {
                group_heading: group,
                **{named[g]: counts[g] for g in grades},
                none_label: unknown,
                "Schools (n)": graded + unknown,
                better: percent_value(counts[grades[0]] + counts[grades[1]], graded),
            }
        )
    columns = [
        group_heading,
        *(named[g] for g in grades),
        none_label,
        "Schools (n)",
        better,
    ]
    return pd.DataFrame(rows, columns=columns)
