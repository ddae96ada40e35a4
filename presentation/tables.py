"""The numbers behind a chart, as a person reads them (pages and exports alike).

Grades run in the seed's order, best first, with *insufficient evidence* last,
never alphabetically; each group has its count (n) and its share at the second
grade or better of the schools graded, half up like every percentage.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from lakehouse import seeds
from presentation.formatting import percent_value


def grade_counts(
    df: pd.DataFrame, group_heading: str, group_order: Sequence[str] | None = None
) -> pd.DataFrame:
    """One row per group: schools at each grade (seed order), n, and "Good or better (%)".

    ``df`` has columns group, grade (1-4 or null for insufficient evidence), schools
    (:func:`lakehouse.reads.grades.grade_by`). Groups in ``group_order`` when given, else as found.
    """
    grades = [int(g) for g in seeds.order("grade")]
    none_label = seeds.blank_label("insufficient_evidence")
    better = f"{seeds.grade_label(grades[1])} or better (%)"
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
                **{seeds.grade_label(g): counts[g] for g in grades},
                none_label: unknown,
                "Schools (n)": graded + unknown,
                better: percent_value(counts[grades[0]] + counts[grades[1]], graded),
            }
        )
    columns = [
        group_heading,
        *(seeds.grade_label(g) for g in grades),
        none_label,
        "Schools (n)",
        better,
    ]
    return pd.DataFrame(rows, columns=columns)
