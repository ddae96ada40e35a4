"""The one sentence that says how far the team's capacity reaches down the worklist."""

from __future__ import annotations

import pandas as pd

from lakehouse import triage
from lakehouse.filters import Filters
from presentation.capacity import capacity_sentence, capacity_split
from tests.test_triage import county


def summary(*rows: tuple[str, int, int]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"priority": p.lower(), "label": p, "schools": n, "within_capacity": w}
            for p, n, w in rows
        ]
    )


def test_the_sentence_says_how_many_high_priority_schools_fall_within_and_beyond_capacity():
    s = summary(("High", 55, 30), ("Medium", 114, 0), ("Low", 337, 0))
    assert capacity_sentence(s) == "30 of 55 high-priority schools within capacity; 25 beyond it"
    assert capacity_split(s).cut_beyond == 25


def test_capacity_reaching_past_the_high_priority_schools_says_where_it_stops():
    s = summary(("High", 20, 20), ("Medium", 114, 10), ("Low", 337, 0))
    assert capacity_sentence(s) == (
        "All 20 high-priority schools within capacity, and 10 of 114 medium-priority; "
        "104 medium-priority beyond it"
    )


def test_two_priorities_wholly_within_capacity_are_both_named():
    s = summary(("High", 6, 6), ("Medium", 12, 12), ("Low", 27, 12))
    assert capacity_sentence(s) == (
        "All 6 high-priority and 12 medium-priority schools within capacity, and 12 of 27 "
        "low-priority; 15 low-priority beyond it"
    )


def test_every_flagged_school_within_capacity_and_none_flagged_read_plainly():
    assert capacity_sentence(summary(("High", 3, 3), ("Medium", 0, 0))) == (
        "All 3 high-priority schools within capacity"
    )
    assert capacity_sentence(summary(("High", 3, 3), ("Medium", 2, 2))) == (
        "All 5 flagged schools within capacity"
    )
    assert capacity_sentence(summary(("High", 0, 0))) == "No school is flagged for support"


def test_a_public_pack_writes_each_number_its_own_way():
    s = summary(("High", 55, 30), ("Medium", 4, 0))
    said = capacity_sentence(s, count=lambda n: "fewer than 5" if n < 5 else str(n))
    assert said == "30 of 55 high-priority schools within capacity; 25 beyond it"
    said = capacity_sentence(summary(("High", 7, 3)), count=lambda n: "<5" if n < 5 else str(n))
    assert said == "<5 of 7 high-priority schools within capacity; <5 beyond it"


def test_the_sentence_reads_the_worklist_summary_of_a_built_county():
    said = capacity_sentence(triage.worklist_summary(county().con, Filters()))
    assert said == "All 4 flagged schools within capacity"
