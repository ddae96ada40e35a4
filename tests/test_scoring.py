"""The scoring rules of docs/methodology.md, one hand-made return at a time."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.lakehouse_factory import COMPLETED, Lakehouse, SchoolPerCase

URN = 100001
ALL_NOT_PROVISION = {f"PRO{i}": "not" for i in range(1, 6)}
TWO_POLICIES_MISSING = {"social_media": None, "mobile_devices": "absent"}


# The single returns the tests below score. A return's area scores are its own (gold.area_scores
# has a row per return and area), so each is sent in by a school of its own in one county,
# built once for the module (``county``), not once a case. A case not listed here fails, naming it.
CLEAN = {}
PRO1_PARTLY = {"responses": {"PRO1": "partly"}}
PRO1_PARTLY_PRO2_NOT_APPLICABLE = {"responses": {"PRO1": "partly", "PRO2": "na"}}
OUT_THREE_UNANSWERED = {"responses": {"OUT1": None, "OUT2": None, "OUT3": None}}
OUT_HALF_ANSWERED = {"responses": {"OUT1": None, "OUT2": None, "OUT3": "not"}}
OUT_ALL_NOT_APPLICABLE = {"responses": {f"OUT{i}": "na" for i in range(1, 6)}}
OUT_NOT_APPLICABLE_COUNTS = {
    "responses": {"OUT1": "na", "OUT2": "na", "OUT3": None, "OUT4": None, "OUT5": "partly"}
}
OUT_PARTLY = {f"OUT{i}": "partly" for i in range(1, 6)}
OUT_PARTLY_SURVEYED = {"responses": OUT_PARTLY, "pupil_survey_pct": 90}
OUT_INSUFFICIENT_SURVEYED = {
    "responses": {f"OUT{i}": None for i in range(1, 5)},
    "pupil_survey_pct": 90,
}
SIXTY_PCT_TRAINED = {
    "training": {g: (10, 6) for g in ("teaching", "support", "wider", "governors")}
}
INVALID_STAFF_ROWS = {
    "training": {"teaching": (10, 12), "support": (0, 0), "wider": (None, 3), "governors": (8, 6)}
}
NO_VALID_STAFF_ROWS = {
    "training": {g: (5, 9) for g in ("teaching", "support", "wider", "governors")},
    "responses": {f"TRN{i}": "partly" for i in range(1, 6)},
}
TRN_INSUFFICIENT = {"responses": {f"TRN{i}": None for i in range(1, 4)}}
GOVERNORS_30_PCT = {"training": {"governors": (10, 3)}}
GOVERNORS_50_PCT = {"training": {"governors": (10, 5)}}
LOCKED_DOWN = {"filtering": "locked_down"}
LOCKED_DOWN_PRO_PARTLY = {
    "filtering": "locked_down",
    "responses": {f"PRO{i}": "partly" for i in range(1, 6)},
}
OVERDUE_AT_COMPLETION = {"policies": {"social_media": COMPLETED - timedelta(days=366)}}
REVIEWED_A_YEAR_BEFORE = {"policies": {"social_media": COMPLETED - timedelta(days=365)}}
TWO_MISSING = {"policies": TWO_POLICIES_MISSING}
REVIEWED_AFTER_COMPLETION = {"policies": {"online_safety": COMPLETED + timedelta(days=1)}}
OVERALL_BLEND = {
    "responses": {"OVR1": "partly", "OVR2": "partly", "OVR3": "fully"} | OUT_PARTLY,
    "pupil_survey_pct": 90,
}
OVR_INSUFFICIENT = {"responses": {"OVR1": None, "OVR2": None}}
LEA_INSUFFICIENT = {"responses": {f"LEA{i}": None for i in range(1, 5)}}
PROVISION_INADEQUATE = {"responses": ALL_NOT_PROVISION}
INADEQUATE_AND_TWO_MISSING = {"responses": ALL_NOT_PROVISION, "policies": TWO_POLICIES_MISSING}
SURVEY_39_99 = {"pupil_survey_pct": 39.99}
SURVEY_40 = {"pupil_survey_pct": 40}
SCORED_CASES = [
    CLEAN,
    PRO1_PARTLY,
    PRO1_PARTLY_PRO2_NOT_APPLICABLE,
    OUT_THREE_UNANSWERED,
    OUT_HALF_ANSWERED,
    OUT_ALL_NOT_APPLICABLE,
    OUT_NOT_APPLICABLE_COUNTS,
    OUT_PARTLY_SURVEYED,
    {"responses": OUT_PARTLY},
    OUT_INSUFFICIENT_SURVEYED,
    SIXTY_PCT_TRAINED,
    INVALID_STAFF_ROWS,
    NO_VALID_STAFF_ROWS,
    TRN_INSUFFICIENT,
    GOVERNORS_30_PCT,
    GOVERNORS_50_PCT,
    LOCKED_DOWN,
    LOCKED_DOWN_PRO_PARTLY,
    OVERDUE_AT_COMPLETION,
    REVIEWED_A_YEAR_BEFORE,
    TWO_MISSING,
    REVIEWED_AFTER_COMPLETION,
    OVERALL_BLEND,
    OVR_INSUFFICIENT,
    LEA_INSUFFICIENT,
    PROVISION_INADEQUATE,
    INADEQUATE_AND_TWO_MISSING,
    SURVEY_39_99,
    SURVEY_40,
]


@pytest.fixture(scope="module")
def county() -> SchoolPerCase:
    """Every return of SCORED_CASES, each from a school of its own, built once."""
    return SchoolPerCase(SCORED_CASES)


def scored(county: SchoolPerCase, case: dict, area: str) -> dict:
    """The area's row for the school that sent in the return ``case``."""
    return county.lh.area(county.urn(**case), area)


def test_a_return_with_everything_fully_in_place_is_outstanding_in_every_area(county):
    for area in ("overall", "outcomes", "provision", "leadership", "training"):
        row = scored(county, CLEAN, area)
        assert row["score_pct"] == pytest.approx(100)
        assert (row["grade"], row["grade_label"], row["capped_by"]) == (1, "Outstanding", None)


def test_the_indicator_score_is_weighted_points_over_twice_the_weights(county):
    # PRO1 weighs 2: partly gives 2 of its 4 possible points; the other four give 8 of 8
    row = scored(county, PRO1_PARTLY, "provision")
    assert row["score_pct"] == pytest.approx(100 * 10 / 12)
    assert row["grade"] == 2


def test_not_applicable_is_left_out_of_the_score(county):
    row = scored(county, PRO1_PARTLY_PRO2_NOT_APPLICABLE, "provision")
    assert row["score_pct"] == pytest.approx(100 * 8 / 10)


def test_an_area_with_fewer_than_half_its_indicators_answered_has_insufficient_evidence(county):
    row = scored(county, OUT_THREE_UNANSWERED, "outcomes")
    assert row["insufficient_evidence"] is True
    assert (
        row["score_pct"] is None
        and row["grade"] is None
        and row["grade_label"] == "Insufficient evidence"
    )


def test_an_area_with_exactly_half_or_more_answered_is_scored_from_what_was_answered(county):
    row = scored(county, OUT_HALF_ANSWERED, "outcomes")
    assert row["insufficient_evidence"] is False
    assert row["score_pct"] == pytest.approx(100 * 4 / 6)


def test_an_area_answered_only_not_applicable_has_insufficient_evidence(county):
    row = scored(county, OUT_ALL_NOT_APPLICABLE, "outcomes")
    assert row["insufficient_evidence"] is True and row["grade"] is None


def test_not_applicable_counts_towards_half_answered(county):
    row = scored(county, OUT_NOT_APPLICABLE_COUNTS, "outcomes")
    assert row["insufficient_evidence"] is False
    assert row["score_pct"] == pytest.approx(50)


def test_the_pupil_survey_is_blended_into_outcomes_when_given(county):
    row = scored(county, OUT_PARTLY_SURVEYED, "outcomes")
    assert row["indicator_score_pct"] == pytest.approx(50)
    assert row["score_pct"] == pytest.approx(0.75 * 50 + 0.25 * 90)
    assert row["grade"] == 3


def test_without_a_survey_outcomes_is_the_indicator_score(county):
    row = scored(county, {"responses": OUT_PARTLY}, "outcomes")
    assert row["score_pct"] == pytest.approx(50)


def test_the_survey_is_not_blended_when_outcomes_evidence_is_insufficient(county):
    row = scored(county, OUT_INSUFFICIENT_SURVEYED, "outcomes")
    assert row["score_pct"] is None and row["grade"] is None


def test_staff_coverage_is_blended_into_training(county):
    row = scored(county, SIXTY_PCT_TRAINED, "training")
    assert row["score_pct"] == pytest.approx(0.5 * 100 + 0.5 * 60)
    assert (row["grade"], row["capped_by"]) == (2, None)


def test_coverage_ignores_invalid_rows_and_groups_with_no_staff(county):
    row = scored(county, INVALID_STAFF_ROWS, "training")
    assert row["score_pct"] == pytest.approx(0.5 * 100 + 0.5 * 75)


def test_without_valid_staff_rows_training_is_the_indicator_score(county):
    row = scored(county, NO_VALID_STAFF_ROWS, "training")
    assert row["score_pct"] == pytest.approx(50)


def test_coverage_is_not_blended_when_training_evidence_is_insufficient(county):
    row = scored(county, TRN_INSUFFICIENT, "training")
    assert row["score_pct"] is None and row["grade"] is None


def test_a_staff_group_below_half_trained_caps_training_at_satisfactory(county):
    row = scored(county, GOVERNORS_30_PCT, "training")
    assert row["score_pct"] == pytest.approx(0.5 * 100 + 0.5 * 100 * 33 / 40)
    assert (row["grade_uncapped"], row["grade"], row["capped_by"]) == (
        1,
        3,
        "training_group_below_50",
    )


def test_a_staff_group_at_exactly_half_trained_does_not_cap_training(county):
    row = scored(county, GOVERNORS_50_PCT, "training")
    assert row["capped_by"] is None and row["grade"] == 1


def test_a_locked_down_school_is_capped_at_good_for_provision(county):
    row = scored(county, LOCKED_DOWN, "provision")
    assert (row["score_pct"], row["grade_uncapped"], row["grade"]) == (100, 1, 2)
    assert row["capped_by"] == "locked_down"


def test_a_cap_never_improves_a_grade_and_is_not_named_when_it_did_not_bite(county):
    row = scored(county, LOCKED_DOWN_PRO_PARTLY, "provision")
    assert (row["grade"], row["capped_by"]) == (3, None)


def test_one_policy_overdue_at_completion_caps_leadership_at_good(county):
    row = scored(county, OVERDUE_AT_COMPLETION, "leadership")
    assert (row["grade"], row["capped_by"]) == (2, "policy_overdue")


def test_a_policy_reviewed_exactly_a_year_before_completion_is_not_overdue(county):
    row = scored(county, REVIEWED_A_YEAR_BEFORE, "leadership")
    assert (row["grade"], row["capped_by"]) == (1, None)


def test_two_policies_missing_cap_leadership_at_satisfactory(county):
    row = scored(county, TWO_MISSING, "leadership")
    assert (row["grade"], row["capped_by"]) == (3, "policy_overdue")


def test_a_review_date_after_completion_counts_as_never_reviewed(county):
    assert scored(county, REVIEWED_AFTER_COMPLETION, "leadership")["capped_by"] == "policy_overdue"
    urn = county.urn(**REVIEWED_AFTER_COMPLETION)
    assert county.lh.freshness(urn)["online_safety"]["status"] == "missing"


def test_overall_is_four_fifths_the_mean_of_the_four_final_scores_and_a_fifth_ovr(county):
    row = scored(county, OVERALL_BLEND, "overall")
    outcomes = 0.75 * 50 + 0.25 * 90
    expected = 0.8 * (outcomes + 100 + 100 + 100) / 4 + 0.2 * (100 * 4 / 6)
    assert row["score_pct"] == pytest.approx(expected)
    assert row["indicator_score_pct"] == pytest.approx(100 * 4 / 6)


def test_overall_is_insufficient_when_ovr_is_insufficient(county):
    row = scored(county, OVR_INSUFFICIENT, "overall")
    assert row["insufficient_evidence"] is True and row["grade"] is None


def test_overall_is_insufficient_when_any_other_area_is_insufficient(county):
    row = scored(county, LEA_INSUFFICIENT, "overall")
    assert row["insufficient_evidence"] is True and row["grade"] is None


def test_overall_is_never_better_than_leadership(county):
    row = scored(county, TWO_MISSING, "overall")
    assert (row["score_pct"], row["grade_uncapped"], row["grade"]) == (100, 1, 3)
    assert row["capped_by"] == "leadership"


def test_an_inadequate_area_caps_overall_at_satisfactory(county):
    assert scored(county, PROVISION_INADEQUATE, "provision")["grade"] == 4
    row = scored(county, PROVISION_INADEQUATE, "overall")
    assert row["score_pct"] == pytest.approx(0.8 * 300 / 4 + 0.2 * 100)
    assert (row["grade_uncapped"], row["grade"], row["capped_by"]) == (2, 3, "inadequate_area")


def test_when_leadership_and_an_inadequate_area_give_the_same_cap_leadership_is_named(county):
    row = scored(county, INADEQUATE_AND_TWO_MISSING, "overall")
    assert (row["grade"], row["capped_by"]) == (3, "leadership")


def test_grades_come_from_the_unrounded_score(county):
    # 0.75 * 100 + 0.25 * 39.99 = 84.9975: Good, though it would round to 85
    row = scored(county, SURVEY_39_99, "outcomes")
    assert row["score_pct"] == pytest.approx(84.9975)
    assert row["grade"] == 2


def test_a_score_exactly_on_a_band_boundary_earns_the_better_grade(county):
    row = scored(county, SURVEY_40, "outcomes")
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
