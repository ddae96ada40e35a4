"""Flags for support, their kind and weight, and the school's priority (rules revision 1.1)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lakehouse.seeds import read_seeds
from tests.lakehouse_factory import AS_OF, Lakehouse, SchoolPerCase

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


# The single returns the flag tests below read, as of AS_OF. A school's flags come from its
# own returns alone (nothing here is county-wide: no missing or earlier rounds), so each
# return is sent in by a school of its own in one county, built once for the module
# (``county``), not once a case. A test of a case not listed here fails, naming it.
PRO_NOT = {f"PRO{i}": "not" for i in range(1, 6)}
FLAG_ALONE = [
    ({"responses": PRO_NOT}, "inadequate_area"),
    ({"pupils_offsite": 2, "responses": {"PRO4": "partly"}}, "offsite_unprotected"),
    ({"responses": {"LEA4": "not"}}, "incidents_not_logged"),
    ({"training": {"governors": (10, 3)}}, "training_gap"),
    ({"policies": {"mobile_devices": None}}, "policy_overdue"),
    ({"filtering": "locked_down"}, "locked_down"),
]
OVERALL_INADEQUATE = (
    {f"OVR{i}": "not" for i in range(1, 4)} | PRO_NOT | {f"OUT{i}": "not" for i in range(1, 6)}
)
OVERALL_UNANSWERED = {f"OVR{i}": None for i in range(1, 4)} | PRO_NOT
TRN_NOT = {f"TRN{i}": "not" for i in range(1, 6)}
OVERDUE_AT_AS_OF = {
    "completed_on": AS_OF,
    "policies": {"social_media": AS_OF - timedelta(days=400), "mobile_devices": None},
}
OFFSITE_PRO4_UNANSWERED = {"pupils_offsite": 3, "responses": {"PRO4": None}}
OFFSITE_PRO4_PARTLY = {"pupils_offsite": 3, "responses": {"PRO4": "partly"}}
OFFSITE_PRO4_FULLY = {"pupils_offsite": 3}
NONE_OFFSITE_PRO4_NOT = {"pupils_offsite": 0, "responses": {"PRO4": "not"}}
LEA4_PARTLY = {"responses": {"LEA4": "partly"}}
LEA4_UNANSWERED = {"responses": {"LEA4": None}}
EVERY_CODED_REASON = {
    "pupils_offsite": 1,
    "responses": {"PRO4": "not", "LEA4": "not"},
    "filtering": "locked_down",
}
THREE_THEMES = {
    "filtering": "locked_down",
    "training": {"governors": (10, 3)},
    "policies": {"mobile_devices": None},
}
CONCERN_AND_THEME = {"filtering": "locked_down", "responses": {"LEA4": "not"}}
TWO_CONCERNS = {"responses": {"LEA4": "not", "PRO4": None}, "pupils_offsite": 2}
FIVE_FLAGS = {
    "responses": PRO_NOT | {"LEA4": "not"},
    "pupils_offsite": 1,
    "filtering": "locked_down",
    "policies": {"mobile_devices": None},
}
FLAGGED_CASES = [
    {},
    *(kwargs for kwargs, _ in FLAG_ALONE),
    {"responses": OVERALL_INADEQUATE},
    {"responses": OVERALL_UNANSWERED},
    {"responses": TRN_NOT},
    OVERDUE_AT_AS_OF,
    OFFSITE_PRO4_UNANSWERED,
    OFFSITE_PRO4_PARTLY,
    OFFSITE_PRO4_FULLY,
    NONE_OFFSITE_PRO4_NOT,
    LEA4_PARTLY,
    LEA4_UNANSWERED,
    EVERY_CODED_REASON,
    THREE_THEMES,
    CONCERN_AND_THEME,
    TWO_CONCERNS,
    FIVE_FLAGS,
]


@pytest.fixture(scope="module")
def county() -> SchoolPerCase:
    """Every return of FLAGGED_CASES, each from a school of its own, built once as of AS_OF."""
    return SchoolPerCase(FLAGGED_CASES)


def flagged(county: SchoolPerCase, **return_kwargs) -> tuple[int, dict]:
    """The school that sent in this return, and its flags."""
    urn = county.urn(**return_kwargs)
    return urn, county.lh.flags(urn)


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


@pytest.mark.parametrize(("kwargs", "flag"), FLAG_ALONE)
def test_each_flag_carries_its_kind_and_its_weight_as_the_support_score_alone(county, kwargs, flag):
    _, flags = flagged(county, **kwargs)
    assert set(flags) == {flag}
    kind, weight = SPEC_KINDS[flag]
    assert (flags[flag]["kind"], flags[flag]["support_score"]) == (kind, weight)


def test_a_clean_return_raises_no_flags_and_scores_nothing(county):
    urn, flags = flagged(county)
    assert flags == {}
    assert school_line(county.lh, urn) == (0, "", None, 0)


# --- each flag's condition and reason ---------------------------------------------------


def test_an_inadequate_area_is_flagged_high_priority_on_its_own(county):
    _, flags = flagged(county, responses=PRO_NOT)
    assert set(flags) == {"inadequate_area"}
    assert flags["inadequate_area"]["priority"] == "high"
    assert flags["inadequate_area"]["reason"] == "Graded Inadequate: E-safety provision"


def test_an_inadequate_overall_grade_counts_as_an_inadequate_area(county):
    _, flags = flagged(county, responses=OVERALL_INADEQUATE)
    assert "Overall effectiveness" in flags["inadequate_area"]["reason"]


def test_an_overall_with_insufficient_evidence_is_not_capped_and_not_inadequate(county):
    # overall unanswered, provision inadequate: overall has no grade, so nothing capped it
    urn, flags = flagged(county, responses=OVERALL_UNANSWERED)
    overall = county.lh.area(urn, "overall")
    assert (overall["grade"], overall["capped_by"]) == (None, None)
    assert flags["inadequate_area"]["reason"] == "Graded Inadequate: E-safety provision"


def test_a_staff_group_under_half_trained_is_a_training_gap_naming_the_group(county):
    _, flags = flagged(county, training={"governors": (10, 3)})
    assert flags["training_gap"]["reason"] == "Training graded Satisfactory; Governors 30% trained"


def test_training_graded_satisfactory_is_a_training_gap(county):
    _, flags = flagged(county, responses=TRN_NOT)
    assert flags["training_gap"]["reason"] == "Training graded Satisfactory"
    assert flags["training_gap"]["flag_label"] == "Training gap"
    assert flags["training_gap"]["suggested_action"]


def test_a_policy_overdue_at_the_as_of_date_is_flagged_naming_the_policy(county):
    _, flags = flagged(county, **OVERDUE_AT_AS_OF)
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


def test_pupils_off_site_without_pro4_fully_in_place_are_flagged_in_the_statements_words(county):
    _, flags = flagged(county, **OFFSITE_PRO4_UNANSWERED)
    reason = flags["offsite_unprotected"]["reason"]
    assert reason.startswith('3 pupils taught off-site; "Pupils taught away from the main site')
    assert reason.endswith('agreed with the provider": no response')
    assert "PRO4" not in reason
    _, flags = flagged(county, **OFFSITE_PRO4_PARTLY)
    assert flags["offsite_unprotected"]["reason"].endswith(": Partly in place")


def test_pupils_off_site_with_pro4_fully_in_place_or_no_pupils_off_site_are_not_flagged(county):
    assert "offsite_unprotected" not in flagged(county, **OFFSITE_PRO4_FULLY)[1]
    assert "offsite_unprotected" not in flagged(county, **NONE_OFFSITE_PRO4_NOT)[1]


def test_incidents_not_logged_only_when_lea4_is_not_in_place_said_in_plain_english(county):
    flags = flagged(county, responses={"LEA4": "not"})[1]
    assert flags["incidents_not_logged"]["reason"] == (
        '"Online-safety incidents are logged, recorded and reviewed for patterns": Not in place'
    )
    assert "incidents_not_logged" not in flagged(county, **LEA4_PARTLY)[1]
    assert "incidents_not_logged" not in flagged(county, **LEA4_UNANSWERED)[1]


def test_no_reason_or_detail_names_an_indicator_code(county):
    _, flags = flagged(county, **EVERY_CODED_REASON)
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


def test_themes_only_are_low_priority_however_many(county):
    urn, flags = flagged(county, **THREE_THEMES)
    assert set(flags) == {"training_gap", "policy_overdue", "locked_down"}
    assert {f["priority"] for f in flags.values()} == {"low"}
    assert school_line(county.lh, urn) == (3, "training_gap,policy_overdue,locked_down", "low", 3)


def test_one_concern_with_themes_is_medium_priority_on_each_row(county):
    urn, flags = flagged(county, **CONCERN_AND_THEME)
    assert set(flags) == {"locked_down", "incidents_not_logged"}
    assert {f["priority"] for f in flags.values()} == {"medium"}
    assert {f["kind"] for f in flags.values()} == {"concern", "theme"}
    assert school_line(county.lh, urn) == (2, "incidents_not_logged,locked_down", "medium", 3)


def test_two_concerns_are_high_priority(county):
    urn, flags = flagged(county, **TWO_CONCERNS)
    assert set(flags) == {"offsite_unprotected", "incidents_not_logged"}
    assert {f["priority"] for f in flags.values()} == {"high"}
    assert school_line(county.lh, urn)[2:] == ("high", 5)


def test_the_support_score_is_the_sum_of_the_weights_of_every_flag(county):
    urn, flags = flagged(county, **FIVE_FLAGS)
    expected = sum(SPEC_KINDS[f][1] for f in flags)
    assert expected == 5 + 3 + 2 + 1 + 1  # inadequate, off-site, incidents, policy, locked down
    assert {f["support_score"] for f in flags.values()} == {expected}
    assert county.lh.gold_school(urn)["support_score"] == expected


def test_priority_labels_come_from_the_priorities_seed(county):
    urn, flags = flagged(county, filtering="locked_down")
    labels = {r["priority"]: r["label"] for r in read_seeds()["priorities"]}
    assert flags["locked_down"]["priority_label"] == labels["low"]
    assert county.lh.gold_school(urn)["priority_label"] == labels["low"]


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
