"""RETURN-v2.md, one rule at a time: version detection, the standards check, the four
standards and their boundaries, the two caps, the three flags, the new policies, the
self-review against evidence warnings, and supersession across versions."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from ingest.reader import read_return
from lakehouse import spec
from lakehouse.seeds import SEEDS_DIR
from tests.lakehouse_factory import COMPLETED, GOOD_CHECKS, Lakehouse, SchoolPerCase
from tests.returns_factory import (
    good_return,
    good_return_v2,
    ingest_paths,
    write_register_csv,
    write_workbook,
)

TODAY = dt.date(2027, 1, 15)
URN = 118234
URNS = {URN}
VERSION_CELL = "School!B11"  # the Return version row good_return_v2 appends


def read(tmp_path: Path, sheets: dict, name: str = "r.xlsx"):
    return read_return(write_workbook(tmp_path / name, sheets), URNS, TODAY)


def checks_of(result) -> dict[str, object]:
    return {c.check_key: c for c in result.fm_checks}


def warnings_at(result, location: str) -> list[str]:
    return [m.message for m in result.messages if m.location == location]


# --- which version a return is ----------------------------------------------------------


def test_a_return_with_neither_the_field_nor_the_sheet_is_version_1(tmp_path):
    result = read(tmp_path, good_return())
    assert result.ok and result.return_version == 1 and result.fm_checks == []
    assert len(result.responses) == len(spec.indicators(1)) == 24


def test_a_return_whose_field_says_2_and_that_has_the_sheet_is_version_2_without_warning(tmp_path):
    result = read(tmp_path, good_return_v2())
    assert result.return_version == 2 and result.fm_sheet
    assert warnings_at(result, VERSION_CELL) == []
    assert len(result.responses) == len(spec.indicators(2)) == 38
    assert [p.policy for p in result.policies][-2:] == ["generative_ai", "child_protection_online"]


def test_the_sheet_alone_makes_a_return_version_2(tmp_path):
    result = read(tmp_path, good_return_v2(version_field=None))
    assert result.return_version == 2
    assert not [m for m in result.messages if m.severity == "warning"]


@pytest.mark.parametrize("field", [2, 2.0, "2", "v2", "Version 2"])
def test_the_field_alone_makes_a_return_version_2_whose_checks_are_all_unanswered(tmp_path, field):
    result = read(tmp_path, good_return_v2(version_field=field, sheet=False))
    assert result.return_version == 2 and not result.fm_sheet
    assert all(c.answer is None and c.checked_on is None for c in result.fm_checks)
    assert len(result.fm_checks) == len(spec.fm_checks())
    (warning,) = warnings_at(result, VERSION_CELL)
    assert "says 2 but the workbook has no Filtering and monitoring sheet" in warning


def test_a_field_of_1_with_the_sheet_is_version_2_with_a_warning_on_the_field(tmp_path):
    result = read(tmp_path, good_return_v2(version_field=1))
    assert result.return_version == 2
    (warning,) = warnings_at(result, VERSION_CELL)
    assert "says 1 but the workbook has a Filtering and monitoring sheet" in warning


def test_an_unreadable_version_is_a_warning_and_the_sheets_decide(tmp_path):
    result = read(tmp_path, good_return_v2(version_field="three"))
    assert result.return_version == 2
    (warning,) = warnings_at(result, VERSION_CELL)
    assert "'three' is not a return version" in warning


def test_a_version_1_return_ignores_rows_of_the_version_2_statements(tmp_path):
    sheets = good_return()
    sheets["Self-review"].append(["FMP1", "", "Fully in place", ""])
    result = read(tmp_path, sheets)
    assert "FMP1" not in {r.indicator_id for r in result.responses}


# --- reading the Filtering and monitoring sheet -------------------------------------------


def test_a_messy_sheet_is_read_rows_reordered_dates_as_text_y_and_n_a_row_missing(tmp_path):
    sheets = good_return_v2(version_field=None)
    header, *rows = sheets["Filtering and monitoring"]
    rows.reverse()
    by_label = {r[0]: r for r in rows}
    by_label["Last review of filtering and monitoring"][2] = "1st March 2026"
    by_label["A governor is responsible for filtering and monitoring"][1] = "Y"
    by_label["Monitoring covers every device pupils use"][1] = "n"
    by_label["Last filtering test (for example SWGfL Test Filtering)"][1:3] = ["passed", "Sep 2026"]
    rows.remove(by_label["The review is recorded and kept for inspection"])
    sheets["Filtering and monitoring"] = [["Standards check"], [], header, *rows]
    checks = checks_of(read(tmp_path, sheets))
    assert checks["fm_review"].checked_on == date(2026, 3, 1)
    assert checks["fm_governor"].answer == "yes"
    assert checks["monitor_all_devices"].answer == "no"
    assert (checks["filter_test"].answer, checks["filter_test"].checked_on) == (
        "pass",
        date(2026, 9, 1),
    )
    assert checks["fm_review_recorded"].answer is None  # the missing row is unanswered


def test_a_check_is_matched_by_its_key_as_well_as_its_wording(tmp_path):
    sheets = good_return_v2()
    sheets["Filtering and monitoring"][2][0] = "fm_governor"
    assert checks_of(read(tmp_path, sheets))["fm_governor"].answer == "yes"


def test_a_date_after_date_completed_is_an_error_in_that_cell_and_treated_as_blank(tmp_path):
    result = read(tmp_path, good_return_v2({"fm_review": (None, dt.date(2026, 12, 1))}))
    assert checks_of(result)["fm_review"].checked_on is None
    (error,) = [m for m in result.messages if m.severity == "error"]
    assert error.location == "Filtering and monitoring!C4"
    assert "after the date completed" in error.message


@pytest.mark.parametrize("empty", ["TBC", "n/a", "-", "None", "no", "Unknown", "  "])
def test_a_role_answer_that_says_nothing_is_unanswered(tmp_path, empty):
    result = read(tmp_path, good_return_v2({"fm_senior_leader": (empty, None)}))
    assert checks_of(result)["fm_senior_leader"].answer is None


def test_an_unrecognised_yes_no_or_pass_fail_is_a_warning_and_unanswered(tmp_path):
    checks = {"fm_governor": ("maybe", None), "filter_test": ("OK", dt.date(2026, 9, 1))}
    result = read(tmp_path, good_return_v2(checks))
    checks = checks_of(result)
    assert checks["fm_governor"].answer is None and checks["filter_test"].answer is None
    assert any("'OK' is not Pass or Fail" in m.message for m in result.messages)


def test_a_version_2_return_without_the_new_policies_gets_no_missing_policy_warning(tmp_path):
    sheets = good_return_v2()
    sheets["Policies"] = sheets["Policies"][:-2]
    result = read(tmp_path, sheets)
    assert not [m for m in result.messages if "counted as missing" in m.message]


# --- scoring over both statement sets, and "half answered" per version ------------------


def test_a_version_2_return_is_scored_over_both_statement_sets():
    lh = Lakehouse()
    lh.school(1)
    lh.school(2)
    lh.add_return(1, version=2, responses={"FMP1": "not", "FMP2": "not"})
    lh.add_return(2, version=1)
    lh.build()
    # provision: PRO1 weight 2 + four of weight 1 + six new of weight 1 = 12; two at 0 points
    assert lh.area(1, "provision")["indicator_score_pct"] == pytest.approx(100 * 20 / 24)
    assert lh.area(2, "provision")["indicator_score_pct"] == 100


def test_half_answered_counts_the_statements_of_the_returns_own_version():
    lh = Lakehouse()
    lh.school(1)
    lh.school(2)
    blank_new = {r["indicator_id"]: None for r in spec.indicators(2) if r["version"] == "2"}
    lh.add_return(1, version=2, responses=blank_new)
    lh.add_return(2, version=1)
    lh.build()
    # provision: 5 of 11 answered is fewer than half; leadership 6 of 12 is half: scored
    assert lh.area(1, "provision")["insufficient_evidence"] is True
    assert lh.area(1, "leadership")["insufficient_evidence"] is False
    assert lh.area(2, "provision")["insufficient_evidence"] is False


# --- the four standards --------------------------------------------------------------------

# The standards checks the tests below read. A return's standards are its own (gold.fm_standards
# has a row per return and standard), so each check is sent in by a school of its own in one
# county, built once for the module (``standards``), not once a case.
ROLES = [
    ({"fm_governor": ("no", None)}, "partly"),
    ({"fm_senior_leader": (None, None)}, "partly"),
    ({"fm_senior_leader": (None, None), "fm_governor": ("no", None)}, "not_met"),
]
REVIEW_DAYS = [(364, "met"), (365, "met"), (366, "not_met")]
FILTER_TESTS = [
    ("pass", 365, "met"),
    ("pass", 366, "partly"),  # too old to count, but no failure within a year
    ("fail", 365, "not_met"),  # a failed test within a year: not met whatever else
    ("fail", 366, "partly"),
]
REVIEW_NOT_RECORDED = {"fm_review_recorded": ("no", None)}
OLD_REVIEW_RECORDED = {
    "fm_review": (None, COMPLETED - timedelta(days=400)),
    "fm_review_recorded": ("yes", None),
}
BLANK_CONNECTIONS = {"filter_all_connections": (None, None)}
NO_CONNECTIONS = {"filter_all_connections": ("no", None)}
NONE_OF_THREE = {"filter_all_connections": (None, None), "filter_illegal_blocked": ("no", None),
                 "filter_test": (None, None)}  # fmt: skip
NO_DSL_ALERTS = {"monitor_dsl_alerts": ("no", None)}
NO_MONITORING = {"monitor_dsl_alerts": ("no", None), "monitor_all_devices": (None, None)}
TWO_SHORTFALLS = {"fm_governor": ("no", None), "filter_test": ("fail", date(2026, 9, 3))}


def review(days: int) -> dict:
    return {"fm_review": (None, COMPLETED - timedelta(days=days))}


def filter_test(test: str, days: int) -> dict:
    return {"filter_test": (test, COMPLETED - timedelta(days=days))}


STANDARDS_CASES = [
    {"checks": None},
    {"checks": None, "fm_sheet": False},
    *({"checks": checks} for checks, _ in ROLES),
    *({"checks": review(days)} for days, _ in REVIEW_DAYS),
    *({"checks": filter_test(test, days)} for test, days, _ in FILTER_TESTS),
    *(
        {"checks": checks}
        for checks in (
            REVIEW_NOT_RECORDED,
            OLD_REVIEW_RECORDED,
            BLANK_CONNECTIONS,
            NO_CONNECTIONS,
            NONE_OF_THREE,
            NO_DSL_ALERTS,
            NO_MONITORING,
            TWO_SHORTFALLS,
        )
    ),
]


@pytest.fixture(scope="module")
def standards() -> SchoolPerCase:
    """Every version 2 return of STANDARDS_CASES, each from a school of its own, built once."""
    return SchoolPerCase({"version": 2, **case} for case in STANDARDS_CASES)


def standards_for(county: SchoolPerCase, checks: dict | None = None, **kwargs) -> dict[int, dict]:
    return county.lh.standards(county.urn(version=2, checks=checks, **kwargs))


def status(county: SchoolPerCase, checks: dict | None = None, **kwargs) -> dict[int, str]:
    return {k: v["status"] for k, v in standards_for(county, checks, **kwargs).items()}


def test_a_version_1_return_has_four_standards_all_unknown():
    lh = Lakehouse()
    lh.school(URN)
    lh.add_return(URN)
    lh.build()
    rows = lh.standards(URN)
    assert sorted(rows) == [1, 2, 3, 4]
    assert {r["status"] for r in rows.values()} == {"unknown"}
    assert "version 1" in rows[1]["detail"]


def test_a_complete_standards_check_meets_all_four(standards):
    assert status(standards) == {1: "met", 2: "met", 3: "met", 4: "met"}


@pytest.mark.parametrize(("checks", "expected"), ROLES)
def test_roles_is_met_with_both_partly_with_one_not_met_with_neither(standards, checks, expected):
    assert status(standards, checks)[1] == expected


@pytest.mark.parametrize(("days", "expected"), REVIEW_DAYS)
def test_the_annual_review_counts_within_365_days_of_date_completed(standards, days, expected):
    assert status(standards, review(days))[2] == expected


def test_a_recent_review_that_is_not_recorded_is_partly_met_and_a_recorded_old_one_not_met(
    standards,
):
    assert status(standards, REVIEW_NOT_RECORDED)[2] == "partly"
    assert status(standards, OLD_REVIEW_RECORDED)[2] == "not_met"


@pytest.mark.parametrize(("test", "days", "expected"), FILTER_TESTS)
def test_filtering_reads_pass_and_fail_within_a_year(standards, test, days, expected):
    assert status(standards, filter_test(test, days))[3] == expected


def test_a_blank_check_counts_as_not_in_place_never_better_than_no(standards):
    blank = status(standards, BLANK_CONNECTIONS)
    no = status(standards, NO_CONNECTIONS)
    assert blank[3] == no[3] == "partly"
    assert status(standards, NONE_OF_THREE)[3] == "not_met"


def test_monitoring_is_met_with_both_partly_with_one_not_met_with_neither(standards):
    assert status(standards, NO_DSL_ALERTS)[4] == "partly"
    assert status(standards, NO_MONITORING)[4] == "not_met"


def test_a_version_2_return_without_the_sheet_meets_no_standard(standards):
    assert set(status(standards, fm_sheet=False).values()) == {"not_met"}


def test_the_detail_names_the_checks_that_fell_short_in_plain_english(standards):
    rows = standards_for(standards, TWO_SHORTFALLS)
    assert rows[1]["detail"] == "Partly met: no governor responsible"
    assert rows[3]["detail"] == (
        "Not met: the filtering test failed on 3 Sep 2026; no passed filtering test within a year"
    )
    assert rows[4]["detail"] == "Every check in place"
    assert rows[2]["next_review_due"] == date(2027, 3, 1)


# --- caps ------------------------------------------------------------------------------------


def test_filtering_not_met_caps_provision_at_satisfactory():
    lh = Lakehouse()
    lh.school(URN)
    lh.add_return(URN, version=2, checks={"filter_all_connections": ("no", None),
                                          "filter_illegal_blocked": ("no", None),
                                          "filter_test": (None, None)})  # fmt: skip
    lh.build()
    provision = lh.area(URN, "provision")
    assert (provision["grade_uncapped"], provision["grade"], provision["capped_by"]) == (
        1,
        3,
        "fm_filtering_not_met",
    )


def test_annual_review_not_met_caps_leadership_at_satisfactory_and_so_overall():
    lh = Lakehouse()
    lh.school(URN)
    lh.add_return(URN, version=2, checks={"fm_review": (None, None)})
    lh.build()
    leadership = lh.area(URN, "leadership")
    assert (leadership["grade"], leadership["capped_by"]) == (3, "fm_review_not_met")
    assert lh.area(URN, "overall")["capped_by"] == "leadership"


def test_the_worse_of_two_caps_on_one_area_is_the_one_named():
    lh = Lakehouse()
    lh.school(URN)
    lh.add_return(URN, version=2, filtering="locked_down",
                  checks={"filter_all_connections": ("no", None),
                          "filter_illegal_blocked": ("no", None),
                          "filter_test": (None, None)})  # fmt: skip
    lh.build()
    assert lh.area(URN, "provision")["capped_by"] == "fm_filtering_not_met"


def test_partly_met_and_unknown_standards_raise_no_cap():
    lh = Lakehouse()
    lh.school(1)
    lh.school(2)
    lh.add_return(1, version=2, checks={"fm_review_recorded": ("no", None),
                                        "filter_all_connections": ("no", None)})  # fmt: skip
    lh.add_return(2)
    lh.build()
    for urn in (1, 2):
        assert {lh.area(urn, a)["capped_by"] for a in ("provision", "leadership")} == {None}


# --- flags -----------------------------------------------------------------------------------


def test_standards_not_met_raise_one_concern_naming_each_standard():
    lh = Lakehouse()
    lh.school(URN)
    lh.add_return(URN, version=2, checks={"fm_review": (None, None),
                                          "monitor_dsl_alerts": ("no", None),
                                          "monitor_all_devices": ("no", None)})  # fmt: skip
    lh.build()
    flags = lh.flags(URN)
    flag = flags["fm_standard_not_met"]
    assert (flag["kind"], flag["weight"]) == ("concern", 3)
    assert flag["detail"].startswith("Not met: Annual review (no review within a year)")
    assert "Monitoring (the DSL does not receive monitoring alerts" in flag["detail"]
    assert "fm_standard_partly" not in flags
    assert flag["priority"] == "medium"  # one concern


def test_partly_met_with_none_unmet_is_a_theme_and_low_priority():
    lh = Lakehouse()
    lh.school(URN)
    lh.add_return(URN, version=2, checks={"fm_governor": ("no", None),
                                          "monitor_all_devices": ("no", None)})  # fmt: skip
    lh.build()
    flag = lh.flags(URN)["fm_standard_partly"]
    assert (flag["kind"], flag["priority"]) == ("theme", "low")
    assert flag["detail"] == (
        "Partly met: Roles and responsibilities (no governor responsible); "
        "Monitoring (monitoring does not cover every device)"
    )


def test_with_a_standard_not_met_the_partly_theme_is_not_raised_as_well():
    lh = Lakehouse()
    lh.school(URN)
    lh.add_return(URN, version=2, checks={"fm_governor": ("no", None),
                                          "fm_review": (None, None)})  # fmt: skip
    lh.build()
    assert set(lh.flags(URN)) == {"fm_standard_not_met"}


def test_a_version_1_return_raises_no_standards_flag():
    lh = Lakehouse()
    lh.school(URN)
    lh.add_return(URN)
    lh.build()
    assert lh.flags(URN) == {}


def seeds_with(tmp_path: Path, seed: str, change) -> Path:
    folder = tmp_path / "seeds"
    if not folder.exists():
        shutil.copytree(SEEDS_DIR, folder)
    path = folder / f"{seed}.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        change(row)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return folder


def test_old_template_is_raised_only_from_the_round_version_2_is_expected(tmp_path):
    lh = Lakehouse()
    lh.school(URN)
    lh.add_return(URN, round="2026/27")
    lh.build()
    assert "old_template" not in lh.flags(URN)  # 2026/27 is early adoption

    later = Lakehouse()
    later.school(URN)
    later.add_return(URN, round="2027/28", completed_on=date(2027, 10, 1))
    later.build(as_of=date(2027, 11, 1))
    flag = later.flags(URN)["old_template"]
    assert (flag["kind"], flag["priority"]) == ("theme", "low")

    def sooner(row):
        if row["version"] == "2":
            row["expected_from_round"] = "2026/27"

    lh.build(seeds_dir=seeds_with(tmp_path, "return_versions", sooner))
    assert "old_template" in lh.flags(URN)


def test_a_version_2_return_never_raises_old_template():
    lh = Lakehouse()
    lh.school(URN)
    lh.add_return(URN, round="2027/28", completed_on=date(2027, 10, 1), version=2)
    lh.build(as_of=date(2027, 11, 1))
    assert "old_template" not in lh.flags(URN)


# --- the two new policies ----------------------------------------------------------------------


def test_the_new_policies_are_read_and_shown_but_not_counted_until_required(tmp_path):
    lh = Lakehouse()
    lh.school(1)
    lh.school(2)
    lh.add_return(1, version=2, policies={"generative_ai": None, "child_protection_online": None})
    lh.add_return(2)
    lh.build()
    shown = lh.freshness(1)
    assert shown["generative_ai"]["status"] == "missing"
    assert shown["generative_ai"]["is_required"] is False
    assert "generative_ai" not in lh.freshness(2)
    assert lh.area(1, "leadership")["capped_by"] is None
    assert "policy_overdue" not in lh.flags(1)

    def required_now(row):
        if row["version"] == "2":
            row["required_from_round"] = "2026/27"

    lh.build(seeds_dir=seeds_with(tmp_path, "policies", required_now))
    for urn in (1, 2):  # a version 1 return, too, now has them missing
        assert lh.area(urn, "leadership")["capped_by"] == "policy_overdue"
        assert lh.area(urn, "leadership")["grade"] == 3  # two missing
        assert "Generative AI use" in lh.flags(urn)["policy_overdue"]["detail"]
        assert lh.freshness(urn)["child_protection_online"]["status"] == "missing"


# --- self-review against evidence --------------------------------------------------------------


def ingest_one(tmp_path: Path, sheets: dict) -> duckdb.DuckDBPyConnection:
    db = tmp_path / "v2.duckdb"
    from ingest.register import load_register
    from lakehouse.db import writing

    with writing(db) as con:
        load_register(con, write_register_csv(tmp_path / "register.csv", URNS))
    ingest_paths([write_workbook(tmp_path / "return.xlsx", sheets)], db, today=TODAY)
    return duckdb.connect(str(db), read_only=True)


def mismatch_messages(con) -> dict[str, str]:
    rows = con.execute(
        "SELECT location, message FROM gold.messages WHERE message LIKE '%self-review says%'"
    ).fetchall()
    return dict(rows)


def test_fully_in_place_against_a_check_that_says_no_is_a_warning_on_the_statement(tmp_path):
    sheets = good_return_v2({"filter_all_connections": ("No", None),
                             "fm_governor": ("No", None)})  # fmt: skip
    con = ingest_one(tmp_path, sheets)
    found = mismatch_messages(con)
    # FMP1 is the 25th statement (row 26), FML1 the 31st (row 32); Response is column C
    assert found == {
        "Self-review!C26": "FMP1: self-review says fully in place; the standards check says no"
        " (filtering does not cover every connection)",
        "Self-review!C32": "FML1: self-review says fully in place; the standards check says no"
        " (no governor responsible)",
    }
    (warnings,) = con.execute("SELECT warnings FROM gold.files WHERE kind = 'return'").fetchone()
    assert warnings == 2
    (n,) = con.execute("SELECT count(*) FROM gold.fm_evidence_mismatches").fetchone()
    assert n == 2


def test_an_old_review_disagrees_with_reviewed_in_the_last_12_months(tmp_path):
    con = ingest_one(tmp_path, good_return_v2({"fm_review": (None, dt.date(2025, 9, 1))}))
    assert list(mismatch_messages(con)) == ["Self-review!C34"]  # FML3


def test_no_mismatch_is_raised_when_the_statement_is_only_partly_in_place(tmp_path):
    sheets = good_return_v2({"filter_all_connections": ("No", None)}, response="Partly in place")
    assert mismatch_messages(ingest_one(tmp_path, sheets)) == {}


def test_no_mismatch_is_raised_when_the_sheet_is_absent_the_version_cell_says_so_once(tmp_path):
    con = ingest_one(tmp_path, good_return_v2(sheet=False))
    assert mismatch_messages(con) == {}
    (n,) = con.execute(
        "SELECT count(*) FROM gold.messages WHERE location = ? AND message LIKE '%no Filtering%'",
        [VERSION_CELL],
    ).fetchone()
    assert n == 1


# --- one round, both versions ------------------------------------------------------------------


def test_a_v1_return_then_the_same_schools_v2_return_in_one_round_the_v2_is_current():
    lh = Lakehouse()
    lh.school(URN)
    first = lh.add_return(URN, completed_on=date(2026, 9, 20))
    second = lh.add_return(URN, completed_on=date(2026, 10, 1), version=2)
    lh.build()
    rows = {
        r["return_id"]: r
        for r in lh.rows("SELECT return_id, return_version, is_current FROM silver.returns")
    }
    assert (rows[first]["return_version"], rows[first]["is_current"]) == (1, False)
    assert (rows[second]["return_version"], rows[second]["is_current"]) == (2, True)
    assert {r["status"] for r in lh.standards(URN).values()} == {"met"}
    assert lh.area(URN, "provision")["return_id"] == second


def test_supersession_ignores_the_version_a_later_v1_return_wins():
    lh = Lakehouse()
    lh.school(URN)
    lh.add_return(URN, completed_on=date(2026, 9, 20), version=2)
    later = lh.add_return(URN, completed_on=date(2026, 10, 1))
    lh.build()
    assert {r["status"] for r in lh.standards(URN).values()} == {"unknown"}
    assert lh.area(URN, "provision")["return_id"] == later


def test_the_lakehouse_factory_checks_are_a_complete_standards_check():
    assert set(GOOD_CHECKS) == {r["check_key"] for r in spec.fm_checks()}


def test_the_reader_hands_the_batch_every_bronze_column_by_name(tmp_path):
    from ingest.batch import bronze_schema
    from ingest.reader import CHILD_TABLES, child_columns, compact

    result = read(tmp_path, good_return_v2())
    handed = compact(result)
    loaded_by_batch = {"sha256", "file_name", "ingested_at"}
    assert set(handed.returns) | loaded_by_batch == set(bronze_schema("returns"))
    for table in CHILD_TABLES:
        rows = getattr(result, table)
        columns = child_columns(table, rows, [result.sha256] * len(rows))
        assert list(columns) == list(bronze_schema(table)), table


def test_the_grade_explanation_names_a_standards_cap_with_the_schools_own_shortfall():
    lh = Lakehouse()
    lh.school(URN)
    lh.add_return(URN, version=2, checks={"fm_review": (None, None)})
    lh.build()
    (row,) = lh.rows(
        "SELECT * FROM gold.grade_explanations WHERE urn = ? AND area = 'leadership'", [URN]
    )
    assert row["capped_by"] == "fm_review_not_met"
    assert "DfE filtering and monitoring standard 2" in row["cap_meaning"]
    assert row["cap_fact"] == "Not met: no review within a year"


def test_the_return_format_document_covers_version_2_from_the_seeds():
    from ingest.return_format import DOC

    text = " ".join(DOC.read_text(encoding="utf-8").split())
    assert "### Version 2 (the DfE standards and KCSIE 2025)" in text
    for check in spec.fm_checks():
        assert check["label"] in text and f"`{check['check_key']}`" in text
    for row in spec.indicators(2):
        if row["version"] == "2":
            assert row["statement"] in text
    for row in spec.read_seed("synonyms"):
        if row["kind"] in ("empty_role", "pass_fail", "return_version"):
            assert f"`{row['text']}`" in text or row["text"] in text, row
    for policy in spec.policies(2):
        assert policy["label"] in text


def test_the_governor_report_shows_the_four_standards_and_when_the_review_falls_due(sample_db):
    import io

    from pypdf import PdfReader

    from lakehouse.db import ReadOnlyDatabase
    from packs import governor

    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        (urn,) = con.execute(
            "SELECT min(urn) FROM gold.fm_standards WHERE is_current_round AND status = 'not_met'"
        ).fetchone()
    finally:
        con.close()
    db = ReadOnlyDatabase(sample_db)
    try:
        pdf = governor.governor_report_pdf(db, int(urn), chart=False)
    finally:
        db.close()
    text = " ".join(
        " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages).split()
    )
    assert "DfE filtering and monitoring standards" in text
    for standard in ("Roles and responsibilities", "Annual review", "Filtering", "Monitoring"):
        assert standard in text
    assert "Not met" in text
    assert "annual review of filtering and monitoring" in text.lower() or (
        "No review of filtering and monitoring" in text
    )


def test_exports_carry_the_standards_columns_of_each_school():
    from lakehouse.filters import Filters
    from lakehouse.standards import standards_wide
    from presentation.standards import export_columns

    lh = Lakehouse()
    lh.school(1)
    lh.school(2)
    lh.add_return(1, version=2, checks={"fm_governor": ("no", None), "fm_review": (None, None)})
    lh.add_return(2)
    lh.build()
    from lakehouse.reads.base import fm_standard_labels

    wide = standards_wide(lh.con, Filters(round="2026/27"))
    out = export_columns(wide, fm_standard_labels(lh.con)).set_index("URN")
    assert list(out.columns) == [
        "Return version",
        "DfE standard 1: Roles and responsibilities",
        "DfE standard 2: Annual review",
        "DfE standard 3: Filtering",
        "DfE standard 4: Monitoring",
        "DfE standards: what fell short",
        "Next filtering and monitoring review due",
        "Self-review and evidence disagree",
    ]
    assert out.loc[1, "DfE standard 1: Roles and responsibilities"] == "Partly met"
    assert out.loc[1, "DfE standard 2: Annual review"] == "Not met"
    assert out.loc[1, "DfE standards: what fell short"] == (
        "Roles and responsibilities: no governor responsible; "
        "Annual review: no review within a year"
    )
    assert out.loc[2, "DfE standard 3: Filtering"] == "Unknown"
    assert out.loc[2, "DfE standards: what fell short"] == ""
