"""Flags for support, their kind and weight, and the school's priority (rules revision 1.1)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lakehouse.seeds import read_seeds
from tests.lakehouse_factory import AS_OF, Lakehouse

URN = 100001
OTHER = 100002
PREVIOUS = "2025/26"
LAST_YEAR = date(2025, 10, 1)
DEADLINE = date(2026, 12, 31)  # 31 December of the round's first year (seeds/rules.csv)
AFTER_DEADLINE = DEADLINE + timedelta(days=1)

# the flags table of docs/methodology.md ("Flags for support", revision 1.1)
SPEC_KINDS = {
    "inadequate_area": ("concern", 5),
    "no_return": ("concern", 4),
    "declining": ("concern", 3),
    "offsite_unprotected": ("concern", 3),
    "incidents_not_logged": ("concern", 2),
    "training_gap": ("theme", 1),
    "policy_overdue": ("theme", 1),
    "locked_down": ("theme", 1),
    # RETURN-v2.md "Caps and flags"
    "fm_standard_not_met": ("concern", 3),
    "fm_standard_partly": ("theme", 1),
    "old_template": ("theme", 1),
}


def flagged(as_of: date = AS_OF, **return_kwargs) -> tuple[Lakehouse, dict]:
    lh = Lakehouse()
    lh.school(URN)
    lh.add_return(URN, **return_kwargs)
    lh.build(as_of=as_of)
    return lh, lh.flags(URN)


def missing_school(as_of: date, *, returned_last_round: bool) -> Lakehouse:
    """URN has no return this round; OTHER returned in both rounds (so both rounds exist)."""
    lh = Lakehouse()
    lh.school(URN)
    lh.school(OTHER)
    lh.add_return(OTHER, round=PREVIOUS, completed_on=LAST_YEAR)
    if returned_last_round:
        lh.add_return(URN, round=PREVIOUS, completed_on=LAST_YEAR)
    lh.add_return(OTHER)
    lh.build(as_of=as_of)
    return lh


def school_line(lh: Lakehouse, urn: int = URN) -> tuple:
    s = lh.gold_school(urn)
    return s["flag_count"], s["flags"], s["priority"], s["support_score"]


# --- kinds and weights --------------------------------------------------------------


def test_every_flag_has_the_kind_and_weight_of_the_spec_table_in_the_seed():
    seeds = {r["flag"]: (r["kind"], int(r["weight"])) for r in read_seeds()["flags"]}
    assert seeds == SPEC_KINDS


@pytest.mark.parametrize(
    ("kwargs", "flag"),
    [
        ({"responses": {f"PRO{i}": "not" for i in range(1, 6)}}, "inadequate_area"),
        ({"pupils_offsite": 2, "responses": {"PRO4": "partly"}}, "offsite_unprotected"),
        ({"responses": {"LEA4": "not"}}, "incidents_not_logged"),
        ({"training": {"governors": (10, 3)}}, "training_gap"),
        ({"policies": {"mobile_devices": None}}, "policy_overdue"),
        ({"filtering": "locked_down"}, "locked_down"),
    ],
)
def test_each_flag_carries_its_kind_and_its_weight_as_the_support_score_alone(kwargs, flag):
    _, flags = flagged(**kwargs)
    assert set(flags) == {flag}
    kind, weight = SPEC_KINDS[flag]
    assert (flags[flag]["kind"], flags[flag]["support_score"]) == (kind, weight)


def test_a_clean_return_raises_no_flags_and_scores_nothing():
    lh, flags = flagged()
    assert flags == {}
    assert school_line(lh) == (0, "", None, 0)


# --- each flag's condition and reason ---------------------------------------------------


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


def test_an_overall_with_insufficient_evidence_is_not_capped_and_not_inadequate():
    # overall unanswered, provision inadequate: overall has no grade, so nothing capped it
    answers = {f"OVR{i}": None for i in range(1, 4)} | {f"PRO{i}": "not" for i in range(1, 6)}
    lh, flags = flagged(responses=answers)
    overall = lh.area(URN, "overall")
    assert (overall["grade"], overall["capped_by"]) == (None, None)
    assert flags["inadequate_area"]["reason"] == "Graded Inadequate: E-safety provision"


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


def test_pupils_off_site_without_pro4_fully_in_place_are_flagged_in_the_statements_words():
    _, flags = flagged(pupils_offsite=3, responses={"PRO4": None})
    reason = flags["offsite_unprotected"]["reason"]
    assert reason.startswith('3 pupils taught off-site; "Pupils taught away from the main site')
    assert reason.endswith('agreed with the provider": no response')
    assert "PRO4" not in reason
    _, flags = flagged(pupils_offsite=3, responses={"PRO4": "partly"})
    assert flags["offsite_unprotected"]["reason"].endswith(": Partly in place")


def test_pupils_off_site_with_pro4_fully_in_place_or_no_pupils_off_site_are_not_flagged():
    assert "offsite_unprotected" not in flagged(pupils_offsite=3)[1]
    assert "offsite_unprotected" not in flagged(pupils_offsite=0, responses={"PRO4": "not"})[1]


def test_incidents_not_logged_only_when_lea4_is_not_in_place_said_in_plain_english():
    flags = flagged(responses={"LEA4": "not"})[1]
    assert flags["incidents_not_logged"]["reason"] == (
        '"Online-safety incidents are logged, recorded and reviewed for patterns": Not in place'
    )
    assert "incidents_not_logged" not in flagged(responses={"LEA4": "partly"})[1]
    assert "incidents_not_logged" not in flagged(responses={"LEA4": None})[1]


def test_no_reason_or_detail_names_an_indicator_code():
    _, flags = flagged(
        pupils_offsite=1, responses={"PRO4": "not", "LEA4": "not"}, filtering="locked_down"
    )
    for row in flags.values():
        for text in (row["reason"], row["detail"]):
            assert not any(code in text for code in ("PRO4", "LEA4", "OVR", "TRN")), text


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
    assert (flags["declining"]["kind"], flags["declining"]["priority"]) == ("concern", "medium")
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


# --- the deadline boundary for no_return --------------------------------------------------


def test_before_the_deadline_a_school_without_a_return_is_awaiting_not_flagged():
    lh = missing_school(AS_OF, returned_last_round=True)
    assert lh.flags(URN) == {}
    assert lh.gold_school(URN)["return_status"] == "awaiting"
    (status,) = lh.rows(
        "SELECT status FROM gold.returns_status WHERE urn = ? AND round = '2026/27'", [URN]
    )
    assert status["status"] == "awaiting"


def test_on_the_deadline_itself_the_school_is_still_awaiting():
    lh = missing_school(DEADLINE, returned_last_round=True)
    assert lh.flags(URN) == {}
    assert lh.gold_school(URN)["return_status"] == "awaiting"


def test_the_day_after_the_deadline_a_school_without_a_return_is_flagged_no_return():
    lh = missing_school(AFTER_DEADLINE, returned_last_round=True)
    flags = lh.flags(URN)
    assert set(flags) == {"no_return"}
    assert flags["no_return"]["reason"] == "No return for 2026/27"
    assert (flags["no_return"]["kind"], flags["no_return"]["priority"]) == ("concern", "medium")
    assert flags["no_return"]["support_score"] == 4
    assert lh.gold_school(URN)["return_status"] == "missing"


def test_no_return_two_rounds_running_is_high_priority_once_the_deadline_has_passed():
    lh = missing_school(AFTER_DEADLINE, returned_last_round=False)
    flags = lh.flags(URN)
    assert flags["no_return"]["reason"] == "No return for 2026/27 nor for 2025/26"
    assert flags["no_return"]["priority"] == "high"


def test_no_return_in_either_round_is_not_flagged_before_the_current_deadline():
    lh = missing_school(DEADLINE, returned_last_round=False)
    assert lh.flags(URN) == {}
    statuses = {
        r["round"]: r["status"]
        for r in lh.rows("SELECT round, status FROM gold.returns_status WHERE urn = ?", [URN])
    }
    assert statuses == {"2025/26": "missing", "2026/27": "awaiting"}


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
    lh.build(as_of=AFTER_DEADLINE)
    no_return = {
        r["urn"] for r in lh.rows("SELECT urn FROM gold.support_flags WHERE flag = 'no_return'")
    }
    assert no_return == {100005, 100006}
    assert lh.gold_school(100003)["return_status"] == "not_expected"
    assert lh.gold_school(100004)["return_status"] == "not_expected"


def test_only_no_return_is_raised_for_a_school_without_a_current_round_return():
    lh = Lakehouse()
    lh.school(URN)
    lh.school(OTHER)
    lh.add_return(URN, round=PREVIOUS, completed_on=LAST_YEAR, filtering="locked_down")
    lh.add_return(OTHER)
    lh.build(as_of=AFTER_DEADLINE)
    assert set(lh.flags(URN)) == {"no_return"}


# --- priority -----------------------------------------------------------------------------


def test_themes_only_are_low_priority_however_many():
    lh, flags = flagged(
        filtering="locked_down",
        training={"governors": (10, 3)},
        policies={"mobile_devices": None},
    )
    assert set(flags) == {"training_gap", "policy_overdue", "locked_down"}
    assert {f["priority"] for f in flags.values()} == {"low"}
    assert school_line(lh) == (3, "training_gap,policy_overdue,locked_down", "low", 3)


def test_one_concern_with_themes_is_medium_priority_on_each_row():
    lh, flags = flagged(filtering="locked_down", responses={"LEA4": "not"})
    assert set(flags) == {"locked_down", "incidents_not_logged"}
    assert {f["priority"] for f in flags.values()} == {"medium"}
    assert {f["kind"] for f in flags.values()} == {"concern", "theme"}
    assert school_line(lh) == (2, "incidents_not_logged,locked_down", "medium", 3)


def test_two_concerns_are_high_priority():
    lh, flags = flagged(responses={"LEA4": "not", "PRO4": None}, pupils_offsite=2)
    assert set(flags) == {"offsite_unprotected", "incidents_not_logged"}
    assert {f["priority"] for f in flags.values()} == {"high"}
    assert school_line(lh)[2:] == ("high", 5)


def test_the_support_score_is_the_sum_of_the_weights_of_every_flag():
    lh, flags = flagged(
        responses={f"PRO{i}": "not" for i in range(1, 6)} | {"LEA4": "not"},
        pupils_offsite=1,
        filtering="locked_down",
        policies={"mobile_devices": None},
    )
    expected = sum(SPEC_KINDS[f][1] for f in flags)
    assert expected == 5 + 3 + 2 + 1 + 1  # inadequate, off-site, incidents, policy, locked down
    assert {f["support_score"] for f in flags.values()} == {expected}
    assert lh.gold_school(URN)["support_score"] == expected


def test_priority_labels_come_from_the_priorities_seed():
    lh, flags = flagged(filtering="locked_down")
    labels = {r["priority"]: r["label"] for r in read_seeds()["priorities"]}
    assert flags["locked_down"]["priority_label"] == labels["low"]
    assert lh.gold_school(URN)["priority_label"] == labels["low"]


def test_ties_in_priority_and_score_are_broken_by_the_lower_overall_score_then_the_urn():
    lh = Lakehouse()
    weaker, stronger, twin = 100011, 100012, 100013
    for urn in (weaker, stronger, twin):
        lh.school(urn)
    # all three: one concern (incidents not logged) = medium, score 2
    lh.add_return(stronger, responses={"LEA4": "not"})
    lh.add_return(weaker, responses={"LEA4": "not", "OUT1": "partly", "OUT2": "partly"})
    lh.add_return(twin, responses={"LEA4": "not"})
    lh.build()
    ranked = lh.rows(
        "SELECT urn, priority, support_score, support_rank FROM gold.school_overview"
        " WHERE flag_count > 0 ORDER BY support_rank"
    )
    assert [(r["priority"], r["support_score"]) for r in ranked] == [("medium", 2)] * 3
    assert [r["urn"] for r in ranked] == [weaker, stronger, twin]
    assert [r["support_rank"] for r in ranked] == [1, 2, 3]


def test_a_higher_priority_ranks_before_a_higher_support_score():
    lh = Lakehouse()
    lh.school(URN)
    lh.school(OTHER)
    # URN: four themes-worth of score but low; OTHER: one inadequate area (5) = high
    lh.add_return(URN, filtering="locked_down", training={"governors": (10, 3)})
    lh.add_return(OTHER, responses={f"PRO{i}": "not" for i in range(1, 6)})
    lh.build()
    assert lh.gold_school(OTHER)["support_rank"] == 1
    assert lh.gold_school(URN)["support_rank"] == 2
    assert lh.gold_school(URN)["priority"] == "low"


# --- supersession and lateness (unchanged by revision 1.1) -----------------------------------


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
