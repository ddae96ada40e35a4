"""The numbers behind the setting comparison: grades best first, n, and Good or better (%)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from presentation.tables import grade_counts
from tests.seed_copy import shipped_labels
from tests.test_pages_apptest import _open


def test_grades_run_best_first_with_n_and_the_share_good_or_better():
    df = pd.DataFrame(
        [
            ("Primary", 2, 5),
            ("Primary", 1, 1),
            ("Primary", 4, 1),
            ("Primary", None, 1),
            ("Secondary", 3, 2),
        ],
        columns=["group", "grade", "schools"],
    )
    table = grade_counts(df, "Setting", shipped_labels(), ["Secondary", "Primary"])
    assert list(table.columns) == [
        "Setting",
        "Outstanding",
        "Good",
        "Satisfactory",
        "Inadequate",
        "Insufficient evidence",
        "Schools (n)",
        "Good or better (%)",
    ]
    assert list(table["Setting"]) == ["Secondary", "Primary"]
    primary = table.set_index("Setting").loc["Primary"]
    assert (primary["Outstanding"], primary["Good"], primary["Inadequate"]) == (1, 5, 1)
    assert primary["Schools (n)"] == 8
    assert primary["Good or better (%)"] == 86  # 6 of the 7 graded, half up
    assert table.set_index("Setting").loc["Secondary", "Good or better (%)"] == 0


def test_the_setting_comparison_page_shows_that_table_under_a_proper_heading(
    gold_db: Path, monkeypatch
) -> None:
    at = _open(gold_db, "pages/setting_comparison.py", monkeypatch=monkeypatch)
    table = next(d.value for d in at.dataframe if "Setting" in d.value.columns)
    assert list(table.columns)[1:5] == ["Outstanding", "Good", "Satisfactory", "Inadequate"]
    assert "Good or better (%)" in table.columns
    labels = [e.label for e in at.expander]
    assert "Numbers: Overall effectiveness by setting" in labels, labels
