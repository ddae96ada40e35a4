"""Policy review freshness as of the as-of date, from the school's latest current return."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.lakehouse_factory import AS_OF, Lakehouse, SchoolPerCase

URN = 100001


DAYS_SINCE_REVIEW = [
    (0, "fresh"),
    (305, "fresh"),
    (306, "due_soon"),
    (365, "due_soon"),
    (366, "overdue"),
]


def reviewed(days: int | None) -> dict:
    """A return completed on AS_OF whose social media policy was reviewed ``days`` before."""
    when = None if days is None else AS_OF - timedelta(days=days)
    return {"completed_on": AS_OF, "policies": {"social_media": when}}


@pytest.fixture(scope="module")
def county() -> SchoolPerCase:
    """A school per review age the tests below read, built once as of AS_OF.

    A policy's freshness is its school's own (gold.policy_freshness has a row per school and
    policy), so the schools cannot change one another's.
    """
    return SchoolPerCase([reviewed(days) for days, _ in DAYS_SINCE_REVIEW] + [reviewed(None)])


def freshness_of(county: SchoolPerCase, days: int | None) -> dict:
    return county.lh.freshness(county.urn(**reviewed(days)))["social_media"]


@pytest.mark.parametrize(("days", "status"), DAYS_SINCE_REVIEW)
def test_a_policy_is_fresh_due_soon_or_overdue_by_days_since_review(county, days, status):
    row = freshness_of(county, days)
    assert row["days_since_review"] == days
    assert row["status"] == status


def test_a_policy_never_reviewed_is_missing(county):
    row = freshness_of(county, None)
    assert (row["status"], row["last_reviewed"], row["days_since_review"]) == (
        "missing",
        None,
        None,
    )


def test_a_policy_absent_from_the_return_is_missing():
    lh = Lakehouse()
    lh.school(URN)
    lh.add_return(URN, policies={"aup_staff": "absent"})
    lh.build()
    rows = lh.freshness(URN)
    assert len(rows) == 6
    assert rows["aup_staff"]["status"] == "missing"
    assert rows["aup_staff"]["policy_label"] == "Acceptable use – staff and volunteers"


def test_freshness_moves_with_the_as_of_date():
    lh = Lakehouse()
    lh.school(URN)
    lh.add_return(URN, completed_on=date(2026, 10, 1), policies={"social_media": date(2025, 11, 1)})
    lh.build(as_of=date(2026, 10, 1))
    assert lh.freshness(URN)["social_media"]["status"] == "due_soon"
    lh.build(as_of=date(2027, 1, 5))
    assert lh.freshness(URN)["social_media"]["status"] == "overdue"


def test_freshness_comes_from_the_latest_current_return_and_reports_its_round():
    lh = Lakehouse()
    lh.school(URN)
    lh.school(100002)
    lh.add_return(URN, round="2025/26", completed_on=date(2025, 10, 1))
    lh.add_return(100002)  # makes 2026/27 the current round; URN has not returned yet
    lh.build(as_of=date(2026, 11, 1))
    rows = lh.freshness(URN)
    assert {r["round"] for r in rows.values()} == {"2025/26"}
    # reviewed 2025-09-01: 426 days before the as-of date
    assert {r["status"] for r in rows.values()} == {"overdue"}


def test_gold_schools_counts_overdue_or_missing_policies_and_the_worst_status():
    lh = Lakehouse()
    lh.school(URN)
    lh.add_return(
        URN,
        completed_on=AS_OF,
        policies={
            "social_media": None,
            "aup_pupils": AS_OF - timedelta(days=400),
            "aup_staff": AS_OF - timedelta(days=320),
        },
    )
    lh.build(as_of=AS_OF)
    school = lh.gold_school(URN)
    assert school["policies_overdue_or_missing"] == 2
    assert school["freshness_worst"] == "missing"
