"""lakehouse.reads on the hand-made gold tables: filters, parameters, allow-lists."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from lakehouse import reads
from lakehouse.filters import Filters
from presentation import measures
from tests import gold_fixture


def _f(**chosen) -> Filters:
    """Filters as a page passes them: the round resolved (the current one unless chosen)."""
    return Filters(**{"round": gold_fixture.CURRENT, **chosen})


@pytest.fixture
def con(gold_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    c = duckdb.connect(str(gold_db), read_only=True)
    yield c.cursor()
    c.close()


def test_the_headline_counts_expected_received_late_and_missing_returns(con) -> None:
    head = reads.grades.headline(con, _f())
    assert head["round"] == gold_fixture.CURRENT
    assert head["schools"] == len(gold_fixture.SCHOOLS)
    # Hazel High has no return; the independent school is not expected
    assert (head["expected"], head["received"], head["missing"]) == (11, 10, 1)
    assert head["late"] == 1


def test_a_district_filter_narrows_every_count(con) -> None:
    whole = reads.grades.headline(con, _f())
    east = reads.grades.headline(con, _f(districts=("Eastvale",)))
    assert east["schools"] == 4 < whole["schools"]
    dist = reads.grades.grade_distribution(con, _f(districts=("Eastvale",)))
    overall = dist[dist["area"] == "overall"]["schools"].sum()
    assert overall == 4


def test_the_grade_distribution_counts_each_returned_school_once_per_area(con) -> None:
    dist = reads.grades.grade_distribution(con, _f())
    per_area = dist.groupby("area")["schools"].sum()
    assert set(per_area) == {10}
    assert list(per_area.index.sort_values()) == sorted(reads.base.AREAS)


def test_an_earlier_round_shows_that_rounds_grades(con) -> None:
    now = reads.grades.grade_distribution(con, _f())
    before = reads.grades.grade_distribution(con, _f(round="2025/26"))
    assert before.groupby("area")["schools"].sum().iloc[0] == 9
    assert not now.equals(before)
    points = reads.schools.school_points(con, _f(round="2025/26"))
    damson = points[points["name"] == "Damson Primary School"].iloc[0]
    assert damson["grade_overall"] is None or str(damson["grade_overall"]) in ("<NA>", "nan")


def test_filter_values_are_bound_not_pasted_into_sql(con) -> None:
    hostile = "Eastvale') OR 1=1 --"
    assert reads.grades.headline(con, _f(districts=(hostile,)))["schools"] == 0
    assert reads.triage.worklist(con, _f(settings=("x' OR '1'='1",))).empty


def test_unknown_areas_and_groupings_are_refused(con) -> None:
    with pytest.raises(ValueError, match="unknown area"):
        reads.grades.grade_by(con, _f(), "overall; DROP TABLE gold.school_overview", "setting")
    with pytest.raises(ValueError, match="cannot compare"):
        reads.grades.grade_by(con, _f(), "overall", "urn")
    with pytest.raises(ValueError, match="cannot group"):
        reads.returns.returns_by(con, _f(), "name")


def test_setting_comparison_groups_by_setting_with_counts(con) -> None:
    df = reads.grades.grade_by(con, _f(), "overall", "setting")
    n = df.groupby("group")["schools"].sum().to_dict()
    assert n == {"PRU": 1, "Primary": 6, "Secondary": 2, "Special": 1}


def test_flagged_schools_list_high_priority_first_with_plain_reasons(con) -> None:
    rows = reads.triage.worklist(con, _f())
    order = {"high": 0, "medium": 1, "low": 2}
    ranks = [order[p] for p in rows["priority"]]
    assert ranks == sorted(ranks)
    hazel = rows[rows["school"] == "Hazel High School"].iloc[0]
    assert "No return" in hazel["concerns"]


def test_the_priority_and_reason_filters_narrow_the_flagged_list(con) -> None:
    everyone = reads.triage.worklist(con, _f())
    high = reads.triage.worklist(con, _f(), priorities=("high",))
    locked = reads.triage.worklist(con, _f(), flags=("locked_down",))
    assert 0 < len(high) < len(everyone)
    assert set(high["priority"]) == {"high"}
    assert set(locked["school"]) == {
        "Cedar Primary School",
        "Fir Secondary School",
        "Juniper Pupil Referral Unit",
    }


def test_a_school_is_found_by_urn_or_part_of_its_name(con) -> None:
    assert list(reads.schools.find_schools(con, "900004")["name"]) == ["Damson Primary School"]
    assert "Damson Primary School" in set(reads.schools.find_schools(con, "damson")["name"])
    assert reads.schools.find_schools(con, "no such school").empty


def test_a_school_profile_compares_its_scores_with_county_and_setting(con) -> None:
    comp = reads.grades.school_area_comparison(con, 900004)
    assert list(comp["area"]) == list(reads.base.AREAS)
    provision = comp[comp["area"] == "provision"].iloc[0]
    assert provision["school_grade"] == 4
    assert provision["school_score"] < provision["county_mean"]
    assert len(reads.grades.school_history(con, 900001)) == 2


def test_the_chase_list_names_expected_schools_without_a_return(con) -> None:
    chase = reads.returns.chase_list(con, _f())
    assert list(chase["school"]) == ["Hazel High School"]
    assert chase.iloc[0]["previous_status_label"] == "Missing"


def test_rejected_files_and_warnings_are_listed(con) -> None:
    assert list(reads.returns.rejected_files(con)["file_name"]) == ["scan.pdf"]
    warnings = reads.returns.return_warnings(con, _f())
    assert (warnings["warnings"] > 0).all() and len(warnings) > 0
    assert set(reads.returns.return_messages(con, _f())["location"]) == {"Self-review!C7"}


def test_the_district_summary_keeps_every_district_for_clicking(con) -> None:
    df = reads.schools.district_summary(con, _f(districts=("Eastvale",)))
    assert len(df) == len(gold_fixture.DISTRICTS)
    assert set(df.columns) >= set(measures.district_measures(reads.base.area_labels(con)))


def test_a_database_without_gold_tables_has_no_data(tmp_path: Path) -> None:
    c = duckdb.connect(str(tmp_path / "empty.duckdb"))
    try:
        assert reads.base.has_data(c) is False
    finally:
        c.close()


def test_settings_come_in_the_councils_usual_order_not_alphabetical() -> None:
    from lakehouse import spec

    assert spec.setting_order(["Special", "Other", "Zeta", "PRU", "Primary", "Secondary"]) == [
        "Primary",
        "Secondary",
        "Special",
        "PRU",
        "Other",
        "Zeta",
    ]


def test_no_round_chosen_means_the_current_round_settled_once(con) -> None:
    options = reads.base.filter_options(con)
    assert reads.base.resolve_round(Filters(), options).round == gold_fixture.CURRENT
    assert reads.base.resolve_round(Filters(round="2025/26"), options).round == "2025/26"
    assert reads.base.with_current_round(con, Filters(districts=("Eastvale",))) == Filters(
        round=gold_fixture.CURRENT, districts=("Eastvale",)
    )


def test_a_query_never_looks_the_round_up_itself(con) -> None:
    # an unresolved filter is not quietly "every round": a round-narrowed query shows nothing
    assert reads.grades.grade_distribution(con, Filters()).empty
    assert reads.grades.headline(con, Filters())["expected"] == 0


def test_the_area_names_and_order_are_the_seeds_the_database_was_built_with(tmp_path: Path) -> None:
    from tests.lakehouse_factory import Lakehouse
    from tests.seed_copy import edit_seed, seed_copy

    seeds = seed_copy(tmp_path)
    # the council renames leadership and lists it first
    edit_seed(seeds, "areas", "area", {"leadership": {"label": "Governance", "sort_order": "0"}})
    lh = Lakehouse()
    lh.build(seeds_dir=seeds)
    labels = reads.base.area_labels(lh.con)
    assert list(labels.items())[:2] == [
        ("leadership", "Governance"),
        ("overall", "Overall effectiveness"),
    ]
    assert len(labels) == 5
    # the map's shading choices name the area as the database does
    assert measures.district_measures(labels)["mean_score_leadership"] == "Mean governance score"
    assert measures.point_measures(labels)["grade_leadership"] == "Governance grade"


def test_returns_by_setting_come_in_the_order_of_the_seeds_the_database_was_built_with(
    tmp_path: Path,
) -> None:
    from tests.lakehouse_factory import Lakehouse
    from tests.seed_copy import edit_seed, seed_copy

    seeds = seed_copy(tmp_path)
    # the council reads special schools first
    edit_seed(seeds, "settings", "setting", {"Special": {"sort_order": "0"}})
    lh = Lakehouse()
    lh.school(100001, phase="Primary")
    lh.school(100002, phase="Secondary")
    lh.school(100003, phase="Primary", establishment_type="Community special school")
    lh.school(100004, phase="Primary")
    lh.add_return(100001)
    lh.build(seeds_dir=seeds)
    by = reads.returns.returns_by(lh.con, Filters(round="2026/27"), "setting")
    assert list(zip(by["group"], by["expected"], by["received"], strict=True)) == [
        ("Special", 1, 0),
        ("Primary", 2, 1),
        ("Secondary", 1, 0),
    ]
