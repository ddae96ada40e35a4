"""The scoring rules of docs/methodology.md, one hand-made return at a time."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.lakehouse_factory import COMPLETED, Lakehouse

URN = 100001
ALL_NOT_PROVISION = {f"PRO{i}": "not" for i in range(1, 6)}
TWO_POLICIES_MISSING = {"social_media": None, "mobile_devices": "absent"}


def scored(**return_kwargs) -> Lakehouse:
    lh = Lakehouse()
    lh.school(URN)
    lh.add_return(URN, **return_kwargs)
    lh.build()
    return lh


def test_a_return_with_everything_fully_in_place_is_outstanding_in_every_area():
    lh = scored()
    for area in ("overall", "outcomes", "provision", "leadership", "training"):
        row = lh.area(URN, area)
        assert row["score_pct"] == pytest.approx(100)
        assert (row["grade"], row["grade_label"], row["capped_by"]) == (1, "Outstanding", None)


def test_the_indicator_score_is_weighted_points_over_twice_the_weights():
    # PRO1 weighs 2: partly gives 2 of its 4 possible points; the other four give 8 of 8
    row = scored(responses={"PRO1": "partly"}).area(URN, "provision")
    assert row["score_pct"] == pytest.approx(100 * 10 / 12)
    assert row["grade"] == 2


def test_not_applicable_is_left_out_of_the_score():
    row = scored(responses={"PRO1": "partly", "PRO2": "na"}).area(URN, "provision")
    assert row["score_pct"] == pytest.approx(100 * 8 / 10)


def test_an_area_with_fewer_than_half_its_indicators_answered_has_insufficient_evidence():
    row = scored(responses={"OUT1": None, "OUT2": None, "OUT3": None}).area(URN, "outcomes")
    assert row["insufficient_evidence"] is True
    assert (
        row["score_pct"] is None
        and row["grade"] is None
        and row["grade_label"] == "Insufficient evidence"
    )


def test_an_area_with_exactly_half_or_more_answered_is_scored_from_what_was_answered():
    row = scored(responses={"OUT1": None, "OUT2": None, "OUT3": "not"}).area(URN, "outcomes")
    assert row["insufficient_evidence"] is False
    assert row["score_pct"] == pytest.approx(100 * 4 / 6)


def test_an_area_answered_only_not_applicable_has_insufficient_evidence():
    row = scored(responses={f"OUT{i}": "na" for i in range(1, 6)}).area(URN, "outcomes")
    assert row["insufficient_evidence"] is True and row["grade"] is None


def test_not_applicable_counts_towards_half_answered():
    answers = {"OUT1": "na", "OUT2": "na", "OUT3": None, "OUT4": None, "OUT5": "partly"}
    row = scored(responses=answers).area(URN, "outcomes")
    assert row["insufficient_evidence"] is False
    assert row["score_pct"] == pytest.approx(50)


def test_the_pupil_survey_is_blended_into_outcomes_when_given():
    answers = {f"OUT{i}": "partly" for i in range(1, 6)}
    row = scored(responses=answers, pupil_survey_pct=90).area(URN, "outcomes")
    assert row["indicator_score_pct"] == pytest.approx(50)
    assert row["score_pct"] == pytest.approx(0.75 * 50 + 0.25 * 90)
    assert row["grade"] == 3


def test_without_a_survey_outcomes_is_the_indicator_score():
    answers = {f"OUT{i}": "partly" for i in range(1, 6)}
    assert scored(responses=answers).area(URN, "outcomes")["score_pct"] == pytest.approx(50)


def test_the_survey_is_not_blended_when_outcomes_evidence_is_insufficient():
    answers = {f"OUT{i}": None for i in range(1, 5)}
    row = scored(responses=answers, pupil_survey_pct=90).area(URN, "outcomes")
    assert row["score_pct"] is None and row["grade"] is None


def test_staff_coverage_is_blended_into_training():
    groups = {g: (10, 6) for g in ("teaching", "support", "wider", "governors")}
    row = scored(training=groups).area(URN, "training")
    assert row["score_pct"] == pytest.approx(0.5 * 100 + 0.5 * 60)
    assert (row["grade"], row["capped_by"]) == (2, None)


def test_coverage_ignores_invalid_rows_and_groups_with_no_staff():
    groups = {"teaching": (10, 12), "support": (0, 0), "wider": (None, 3), "governors": (8, 6)}
    row = scored(training=groups).area(URN, "training")
    assert row["score_pct"] == pytest.approx(0.5 * 100 + 0.5 * 75)


def test_without_valid_staff_rows_training_is_the_indicator_score():
    groups = {g: (5, 9) for g in ("teaching", "support", "wider", "governors")}
    answers = {f"TRN{i}": "partly" for i in range(1, 6)}
    row = scored(training=groups, responses=answers).area(URN, "training")
    assert row["score_pct"] == pytest.approx(50)


def test_coverage_is_not_blended_when_training_evidence_is_insufficient():
    answers = {f"TRN{i}": None for i in range(1, 4)}
    row = scored(responses=answers).area(URN, "training")
    assert row["score_pct"] is None and row["grade"] is None


def test_a_staff_group_below_half_trained_caps_training_at_satisfactory():
    row = scored(training={"governors": (10, 3)}).area(URN, "training")
    assert row["score_pct"] == pytest.approx(0.5 * 100 + 0.5 * 100 * 33 / 40)
    assert (row["grade_uncapped"], row["grade"], row["capped_by"]) == (
        1,
        3,
        "training_group_below_50",
    )


def test_a_staff_group_at_exactly_half_trained_does_not_cap_training():
    row = scored(training={"governors": (10, 5)}).area(URN, "training")
    assert row["capped_by"] is None and row["grade"] == 1


def test_a_locked_down_school_is_capped_at_good_for_provision():
    row = scored(filtering="locked_down").area(URN, "provision")
    assert (row["score_pct"], row["grade_uncapped"], row["grade"]) == (100, 1, 2)
    assert row["capped_by"] == "locked_down"


def test_a_cap_never_improves_a_grade_and_is_not_named_when_it_did_not_bite():
    answers = {f"PRO{i}": "partly" for i in range(1, 6)}
    row = scored(filtering="locked_down", responses=answers).area(URN, "provision")
    assert (row["grade"], row["capped_by"]) == (3, None)


def test_one_policy_overdue_at_completion_caps_leadership_at_good():
    overdue = {"social_media": COMPLETED - timedelta(days=366)}
    row = scored(policies=overdue).area(URN, "leadership")
    assert (row["grade"], row["capped_by"]) == (2, "policy_overdue")


def test_a_policy_reviewed_exactly_a_year_before_completion_is_not_overdue():
    row = scored(policies={"social_media": COMPLETED - timedelta(days=365)}).area(URN, "leadership")
    assert (row["grade"], row["capped_by"]) == (1, None)


def test_two_policies_missing_cap_leadership_at_satisfactory():
    row = scored(policies=TWO_POLICIES_MISSING).area(URN, "leadership")
    assert (row["grade"], row["capped_by"]) == (3, "policy_overdue")


def test_a_review_date_after_completion_counts_as_never_reviewed():
    later = {"online_safety": COMPLETED + timedelta(days=1)}
    lh = scored(policies=later)
    assert lh.area(URN, "leadership")["capped_by"] == "policy_overdue"
    assert lh.freshness(URN)["online_safety"]["status"] == "missing"


def test_overall_is_four_fifths_the_mean_of_the_four_final_scores_and_a_fifth_ovr():
    answers = {"OVR1": "partly", "OVR2": "partly", "OVR3": "fully"}
    answers |= {f"OUT{i}": "partly" for i in range(1, 6)}
    row = scored(responses=answers, pupil_survey_pct=90).area(URN, "overall")
    outcomes = 0.75 * 50 + 0.25 * 90
    expected = 0.8 * (outcomes + 100 + 100 + 100) / 4 + 0.2 * (100 * 4 / 6)
    assert row["score_pct"] == pytest.approx(expected)
    assert row["indicator_score_pct"] == pytest.approx(100 * 4 / 6)


def test_overall_is_insufficient_when_ovr_is_insufficient():
    row = scored(responses={"OVR1": None, "OVR2": None}).area(URN, "overall")
    assert row["insufficient_evidence"] is True and row["grade"] is None


def test_overall_is_insufficient_when_any_other_area_is_insufficient():
    row = scored(responses={f"LEA{i}": None for i in range(1, 5)}).area(URN, "overall")
    assert row["insufficient_evidence"] is True and row["grade"] is None


def test_overall_is_never_better_than_leadership():
    row = scored(policies=TWO_POLICIES_MISSING).area(URN, "overall")
    assert (row["score_pct"], row["grade_uncapped"], row["grade"]) == (100, 1, 3)
    assert row["capped_by"] == "leadership"


def test_an_inadequate_area_caps_overall_at_satisfactory():
    lh = scored(responses=ALL_NOT_PROVISION)
    assert lh.area(URN, "provision")["grade"] == 4
    row = lh.area(URN, "overall")
    assert row["score_pct"] == pytest.approx(0.8 * 300 / 4 + 0.2 * 100)
    assert (row["grade_uncapped"], row["grade"], row["capped_by"]) == (2, 3, "inadequate_area")


def test_when_leadership_and_an_inadequate_area_give_the_same_cap_leadership_is_named():
    row = scored(responses=ALL_NOT_PROVISION, policies=TWO_POLICIES_MISSING).area(URN, "overall")
    assert (row["grade"], row["capped_by"]) == (3, "leadership")


def test_grades_come_from_the_unrounded_score():
    # 0.75 * 100 + 0.25 * 39.99 = 84.9975: Good, though it would round to 85
    row = scored(pupil_survey_pct=39.99).area(URN, "outcomes")
    assert row["score_pct"] == pytest.approx(84.9975)
    assert row["grade"] == 2


def test_a_score_exactly_on_a_band_boundary_earns_the_better_grade():
    row = scored(pupil_survey_pct=40).area(URN, "outcomes")
    assert row["score_pct"] == 85
    assert row["grade"] == 1


def test_every_round_gets_its_own_area_rows():
    lh = Lakehouse()
    lh.school(URN)
    lh.add_return(URN, round="2025/26", completed_on=date(2025, 10, 1), filtering="locked_down")
    lh.add_return(URN)
    lh.build()
    assert lh.area(URN, "provision", round="2025/26")["grade"] == 2
    assert lh.area(URN, "provision", round="2025/26")["is_current_round"] is False
    assert lh.area(URN, "provision")["grade"] == 1
    assert lh.area(URN, "provision")["is_current_round"] is True
