"""Flags for support and the school's priority, from hand-made returns."""

from __future__ import annotations

from datetime import date, timedelta

from tests.lakehouse_factory import AS_OF, Lakehouse

URN = 100001
PREVIOUS = "2025/26"
LAST_YEAR = date(2025, 10, 1)


def flagged(**return_kwargs) -> tuple[Lakehouse, dict]:
    lh = Lakehouse()
    lh.school(URN)
    lh.add_return(URN, **return_kwargs)
    lh.build()
    return lh, lh.flags(URN)


def test_a_clean_return_raises_no_flags():
    lh, flags = flagged()
    assert flags == {}
    school = lh.gold_school(URN)
    assert (school["flag_count"], school["flags"], school["priority"]) == (0, "", None)


def test_an_inadequate_area_is_flagged_high_priority_on_its_own():
    _, flags = flagged(responses={f"PRO{i}": "not" for i in range(1, 6)})
    assert set(flags) == {"inadequate_area"}
    assert flags["inadequate_area"]["priority"] == "high"
    assert flags["inadequate_area"]["reason"] == "Graded Inadequate: E-safety provision"


def test_an_inadequate_overall_grade_counts_as_an_inadequate_area():
    answers = {f"OVR{i}": "not" for i in range(1, 4)} | {f"PRO{i}": "not" for i in range(1, 6)}
    answers |= {f"OUT{i}": "not" for i in range(1, 6)}
    _, flags = flagged(responses=answers)
    assert "Overall effectiveness" in flags["inadequate_area"]["reason"]


def test_a_staff_group_under_half_trained_is_a_training_gap_naming_the_group():
    _, flags = flagged(training={"governors": (10, 3)})
    assert flags["training_gap"]["reason"] == "Training graded Satisfactory; Governors 30% trained"


def test_training_graded_satisfactory_is_a_training_gap():
    _, flags = flagged(responses={f"TRN{i}": "not" for i in range(1, 6)})
    assert flags["training_gap"]["reason"] == "Training graded Satisfactory"
    assert flags["training_gap"]["flag_label"] == "Training gap"
    assert flags["training_gap"]["suggested_action"]


def test_a_policy_overdue_at_the_as_of_date_is_flagged_naming_the_policy():
    _, flags = flagged(
        completed_on=AS_OF,
        policies={"social_media": AS_OF - timedelta(days=400), "mobile_devices": None},
    )
    assert flags["policy_overdue"]["reason"] == (
        "Overdue: Social media (reviewed 400 days ago); Missing: Mobile phones and devices"
    )


def test_policy_overdue_is_judged_at_the_as_of_date_not_at_completion():
    # fresh when the return was completed, overdue by the as-of date
    lh = Lakehouse()
    lh.school(URN)
    lh.add_return(URN, completed_on=date(2026, 10, 1), policies={"social_media": date(2025, 10, 1)})
    lh.build(as_of=date(2026, 12, 1))
    assert lh.area(URN, "leadership")["capped_by"] is None
    assert "policy_overdue" in lh.flags(URN)


def test_locked_down_filtering_alone_is_low_priority():
    _, flags = flagged(filtering="locked_down")
    assert set(flags) == {"locked_down"}
    assert flags["locked_down"]["priority"] == "low"
    assert flags["locked_down"]["flag_count"] == 1


def test_pupils_off_site_without_pro4_fully_in_place_are_flagged():
    _, flags = flagged(pupils_offsite=3, responses={"PRO4": None})
    assert flags["offsite_unprotected"]["reason"] == (
        "3 pupils taught off-site; arrangements with providers (PRO4): no response"
    )
    _, flags = flagged(pupils_offsite=3, responses={"PRO4": "partly"})
    assert "offsite_unprotected" in flags


def test_pupils_off_site_with_pro4_fully_in_place_or_no_pupils_off_site_are_not_flagged():
    assert "offsite_unprotected" not in flagged(pupils_offsite=3)[1]
    assert "offsite_unprotected" not in flagged(pupils_offsite=0, responses={"PRO4": "not"})[1]


def test_incidents_not_logged_only_when_lea4_is_not_in_place():
    assert "incidents_not_logged" in flagged(responses={"LEA4": "not"})[1]
    assert "incidents_not_logged" not in flagged(responses={"LEA4": "partly"})[1]
    assert "incidents_not_logged" not in flagged(responses={"LEA4": None})[1]


def test_two_flags_make_a_school_medium_priority_on_each_row():
    lh, flags = flagged(filtering="locked_down", responses={"LEA4": "not"})
    assert set(flags) == {"locked_down", "incidents_not_logged"}
    assert {f["priority"] for f in flags.values()} == {"medium"}
    school = lh.gold_school(URN)
    assert (school["flag_count"], school["flags"], school["priority"]) == (
        2,
        "locked_down,incidents_not_logged",
        "medium",
    )


def test_three_flags_make_a_school_high_priority():
    _, flags = flagged(
        filtering="locked_down", responses={"LEA4": "not", "PRO4": None}, pupils_offsite=2
    )
    assert len(flags) == 3
    assert {f["priority"] for f in flags.values()} == {"high"}


def test_a_school_declining_since_its_last_graded_round_is_flagged():
    lh = Lakehouse()
    lh.school(URN)
    lh.add_return(URN, round=PREVIOUS, completed_on=LAST_YEAR)
    half = {f"OUT{i}": "partly" for i in range(1, 6)} | {f"PRO{i}": "partly" for i in range(1, 6)}
    lh.add_return(URN, responses=half)  # overall 0.8 * 300 / 4 + 20 = 80: Good
    lh.build()
    flags = lh.flags(URN)
    assert flags["declining"]["reason"] == (
        "Overall graded Good in 2026/27, down from Outstanding in 2025/26"
    )
    assert lh.gold_school(URN)["previous_grade_overall"] == 1


def test_declining_compares_with_the_most_recent_earlier_round_that_had_an_overall_grade():
    lh = Lakehouse()
    lh.school(URN)
    lh.add_return(
        URN,
        round="2024/25",
        completed_on=date(2024, 10, 1),
        responses={f"OUT{i}": "not" for i in range(1, 6)},
    )  # overall Satisfactory
    lh.add_return(
        URN, round=PREVIOUS, completed_on=LAST_YEAR, responses={"OVR1": None, "OVR2": None}
    )  # overall insufficient
    lh.add_return(
        URN, responses={f"OUT{i}": "partly" for i in range(1, 6)}
    )  # overall 90: Outstanding
    lh.build()
    assert "declining" not in lh.flags(URN)
    assert lh.gold_school(URN)["previous_grade_overall"] == 3


def test_an_open_expected_school_without_a_return_is_flagged_no_return():
    lh = Lakehouse()
    lh.school(URN)
    lh.school(100002)
    lh.add_return(100002, round=PREVIOUS, completed_on=LAST_YEAR)
    lh.add_return(URN, round=PREVIOUS, completed_on=LAST_YEAR)
    lh.add_return(100002)
    lh.build()
    flags = lh.flags(URN)
    assert set(flags) == {"no_return"}
    assert flags["no_return"]["reason"] == "No return for 2026/27"
    assert flags["no_return"]["priority"] == "low"
    assert lh.gold_school(URN)["return_status"] == "missing"


def test_no_return_two_rounds_running_is_high_priority():
    lh = Lakehouse()
    lh.school(URN)
    lh.school(100002)
    lh.add_return(100002, round=PREVIOUS, completed_on=LAST_YEAR)
    lh.add_return(100002)
    lh.build()
    flags = lh.flags(URN)
    assert flags["no_return"]["reason"] == "No return for 2026/27 nor for 2025/26"
    assert flags["no_return"]["priority"] == "high"


def test_closed_and_independent_schools_are_not_expected_to_return():
    lh = Lakehouse()
    lh.school(100002)
    lh.add_return(100002)
    lh.school(100003, status="Closed")
    lh.school(
        100004, type_group="Independent schools", establishment_type="Other independent school"
    )
    lh.school(100005, status="Open, but proposed to close")
    lh.school(100006, type_group=None, establishment_type=None, has_type_column=False)
    lh.build()
    no_return = {
        r["urn"] for r in lh.rows("SELECT urn FROM gold.support_flags WHERE flag = 'no_return'")
    }
    assert no_return == {100005, 100006}
    assert lh.gold_school(100003)["return_status"] == "not_expected"
    assert lh.gold_school(100004)["return_status"] == "not_expected"


def test_only_no_return_is_raised_for_a_school_without_a_current_round_return():
    lh = Lakehouse()
    lh.school(URN)
    lh.school(100002)
    lh.add_return(URN, round=PREVIOUS, completed_on=LAST_YEAR, filtering="locked_down")
    lh.add_return(100002)
    lh.build()
    assert set(lh.flags(URN)) == {"no_return"}


def test_a_superseded_return_is_ignored():
    lh = Lakehouse()
    lh.school(URN)
    lh.add_return(URN, completed_on=date(2026, 10, 1), filtering="locked_down")
    later = lh.add_return(URN, completed_on=date(2026, 10, 5))
    lh.build()
    assert lh.flags(URN) == {}
    assert lh.area(URN, "provision")["return_id"] == later


def test_on_a_tie_in_completion_date_the_later_ingest_wins():
    lh = Lakehouse()
    lh.school(URN)
    first = lh.add_return(URN, filtering="locked_down")
    lh.add_return(URN)
    lh.build()
    returns = lh.rows("SELECT return_id, is_current FROM silver.returns ORDER BY ingested_at")
    assert [(r["return_id"], r["is_current"]) for r in returns][0] == (first, False)
    assert lh.flags(URN) == {}


def test_a_return_after_the_deadline_is_late():
    lh = Lakehouse()
    lh.school(URN)
    lh.add_return(URN, completed_on=date(2027, 1, 10))
    lh.build(as_of=date(2027, 2, 1))
    assert lh.gold_school(URN)["return_status"] == "late"
    (status,) = lh.rows("SELECT status, deadline FROM gold.returns_status")
    assert status == {"status": "late", "deadline": date(2026, 12, 31)}
