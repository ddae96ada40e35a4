"""The one sentence that says how far the team's capacity reaches down the worklist."""

from __future__ import annotations

import pandas as pd

from lakehouse import reads
from lakehouse.filters import Filters
from lakehouse.seeds import rule
from presentation.capacity import Count, capacity_sentence, capacity_split, part_of_county
from tests.conftest import open_app
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


def test_an_output_writes_each_number_its_own_way_knowing_which_count_it_is():
    s = summary(("High", 55, 30), ("Medium", 4, 0))
    told: list[Count] = []

    def spelled(c: Count) -> str:
        told.append(c)
        return f"{c.value:,} ({c.measure})"

    said = capacity_sentence(s, count=spelled)
    assert said == (
        "30 (within) of 55 (schools) high-priority schools within capacity; 25 (beyond) beyond it"
    )
    assert {(c.measure, c.priority) for c in told} == {
        ("within", "high"), ("schools", "high"), ("beyond", "high"),
    }  # fmt: skip


def test_a_number_an_output_may_not_publish_leaves_the_figures_out_of_the_sentence():
    s = summary(("High", 7, 3), ("Medium", 14, 0))

    def suppressed(c: Count) -> str | None:
        return None if c.value < 5 else str(c.value)

    said = capacity_sentence(s, count=suppressed, capacity=30)
    assert said == "The support team can take on 30 schools this round, high priority first"
    assert not {"3", "4", "7"} & set(said.split())
    scoped = capacity_sentence(s, count=suppressed, scope="Thanet", capacity=30, county="Kent")
    assert scoped == (
        "The county support team can take on 30 schools across Kent this round, high priority first"
    )


def test_a_part_of_the_county_says_the_capacity_is_the_county_teams():
    s = summary(("High", 7, 4), ("Medium", 14, 0))
    assert capacity_sentence(s, scope="Thanet", capacity=30, county="Kent") == (
        "Thanet: 4 of 7 high-priority schools within the county team's capacity of 30; 3 beyond it"
    )
    assert capacity_sentence(summary(("High", 1, 0)), scope="Dover", capacity=30) == (
        "Dover: no high-priority school within the county team's capacity of 30; 1 beyond it"
    )
    assert capacity_sentence(summary(("High", 0, 0)), scope="Dover", capacity=30) == (
        "Dover: no school is flagged for support"
    )


def test_the_sentence_reads_the_worklist_summary_of_a_built_county():
    said = capacity_sentence(reads.triage.worklist_summary(county().con, Filters()))
    assert said == "All 4 flagged schools within capacity"


def test_a_filtered_view_is_named_by_its_districts_settings_or_filtering():
    settings, filtering = {"Special": "Special"}, {"managed": "Managed"}
    assert part_of_county(Filters(), settings, filtering) is None
    assert (
        part_of_county(Filters(districts=("Thanet", "Dover")), settings, filtering)
        == "Dover, Thanet"
    )
    assert part_of_county(Filters(settings=("Special",)), settings, filtering) == "Special schools"
    assert (
        part_of_county(Filters(filtering="managed"), settings, filtering)
        == "Schools with managed filtering"
    )


def test_the_worklist_page_filtered_to_a_district_says_the_capacity_is_the_county_teams(
    gold_db, monkeypatch
):
    monkeypatch.setenv("ESAFETY_DB", str(gold_db))
    county_wide = open_app("pages/flagged_schools.py")
    district = open_app("pages/flagged_schools.py", {"district": "Northdown"})
    said = [m.value for m in county_wide.markdown if "capacity" in m.value]
    assert said and "county team" not in said[0]
    said = [m.value for m in district.markdown if "capacity" in m.value]
    assert said and said[0].startswith("**Northdown\\: ")
    assert f"within the county team's capacity of {int(rule('casework_capacity'))}" in said[0]
