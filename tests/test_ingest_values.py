"""The tolerant cell parsers accept what schools type and name what they cannot read."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest import values as v


@pytest.mark.parametrize("cell", [118234, 118234.0, "118234", "118234.0", "URN 118234",
                                  " 118 234 ", "urn: 118234"])  # fmt: skip
def test_a_urn_is_read_from_the_ways_schools_write_it(cell):
    assert v.parse_urn(cell) == (118234, None)


@pytest.mark.parametrize("cell", [None, "", "12345", "1182345", "abc", 118234.5, True, "011823"])
def test_a_urn_that_is_not_six_digits_is_a_problem(cell):
    value, problem = v.parse_urn(cell)
    assert value is None and problem


@pytest.mark.parametrize("cell", ["2026/27", "2026-27", "2026/2027", "2026-2027", " 2026 / 27 "])
def test_a_round_is_written_canonically(cell):
    assert v.parse_round(cell) == ("2026/27", None)


def test_a_round_across_a_century_keeps_two_digits():
    assert v.parse_round("2099/2100") == ("2099/00", None)


@pytest.mark.parametrize("cell", ["2026/28", "2026-2026", "26/27", "autumn", None])
def test_a_round_whose_years_are_not_consecutive_or_unreadable_is_a_problem(cell):
    value, problem = v.parse_round(cell)
    assert value is None and problem


@pytest.mark.parametrize(
    "cell",
    [
        dt.date(2026, 9, 3),
        dt.datetime(2026, 9, 3, 14, 30),
        46268,  # Excel serial
        46268.0,
        "46268",
        "03/09/2026",
        "3/9/2026",
        "03/09/26",
        "3 Sept 2026",
        "3 Sep 2026",
        "3 September 2026",
        "3rd September 2026",
        "03-Sep-2026",
        "September 3, 2026",
        "2026-09-03",
        "2026-09-03 00:00:00",
    ],
)
def test_a_date_is_read_from_every_accepted_form(cell):
    assert v.parse_date(cell) == (dt.date(2026, 9, 3), None)


@pytest.mark.parametrize("cell", ["Sep 2026", "September 2026", "Sept. 2026"])
def test_a_month_and_year_mean_the_first_of_the_month(cell):
    assert v.parse_date(cell) == (dt.date(2026, 9, 1), None)


@pytest.mark.parametrize("cell", [None, "", "  ", "never", "Never", "N/A", "n/a", "none"])
def test_blank_never_and_na_mean_not_reviewed_without_a_problem(cell):
    assert v.parse_date(cell) == (None, None)


@pytest.mark.parametrize("cell", ["13/13/2026", "31/02/2026", "last spring", "09/13/2026", True])
def test_an_unreadable_date_is_a_problem(cell):
    value, problem = v.parse_date(cell)
    assert value is None and "not a date" in problem


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("Yes", True), ("y", True), ("TRUE", True), (True, True), (1, True), (1.0, True), ("1", True),
     ("No", False), ("N", False), ("false", False), (False, False), (0, False), ("0", False)],
)  # fmt: skip
def test_yes_and_no_are_read_from_every_accepted_form(cell, expected):
    assert v.parse_yes_no(cell) == (expected, None)


def test_an_unrecognised_yes_no_is_a_problem_and_blank_is_not():
    assert v.parse_yes_no("maybe")[1]
    assert v.parse_yes_no(None) == (None, None)


@pytest.mark.parametrize("cell", [80, 80.0, "80", "80%", "80 %", 0.8, "0.8"])
def test_eighty_percent_is_read_from_every_accepted_form(cell):
    assert v.parse_percentage(cell) == (80.0, None)


def test_one_is_a_fraction_but_one_percent_written_with_a_sign_is_one():
    assert v.parse_percentage(1) == (100.0, None)
    assert v.parse_percentage("1%") == (1.0, None)


@pytest.mark.parametrize("cell", [120, "-5", "lots", "150%"])
def test_a_percentage_outside_nought_to_a_hundred_is_a_problem(cell):
    value, problem = v.parse_percentage(cell)
    assert value is None and problem


@pytest.mark.parametrize("cell", [12, 12.0, "12", " 12 ", "12.0"])
def test_a_count_accepts_integers_floats_and_text(cell):
    assert v.parse_count(cell) == (12, None)


@pytest.mark.parametrize("cell", [-1, 2.5, "twelve", True, 1e12])
def test_a_negative_fractional_or_wordy_count_is_a_problem(cell):
    value, problem = v.parse_count(cell)
    assert value is None and problem


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("Fully in place", "fully"), ("fully", "fully"), ("YES", "fully"), ("y", "fully"),
     ("In place", "fully"), ("Partly", "partly"), ("Partially", "partly"), ("some", "partly"),
     ("No", "not"), ("n", "not"), ("Not yet", "not"), ("Not in place", "not"),
     ("N/A", "na"), ("NA", "na"), ("n/a", "na"), ("Not applicable", "na")],
)  # fmt: skip
def test_responses_accept_the_obvious_variants(cell, expected):
    assert v.parse_response(cell) == (expected, None)


def test_an_unrecognised_response_is_a_problem_and_a_blank_one_is_unanswered():
    value, problem = v.parse_response("Mostly")
    assert value is None and "Mostly" in problem
    assert v.parse_response("  ") == (None, None)


def test_filtering_reads_managed_and_locked_down_and_names_anything_else():
    assert v.parse_filtering("managed") == ("managed", None)
    assert v.parse_filtering("LOCKED-DOWN") == ("locked_down", None)
    assert v.parse_filtering("Strict")[1]


def test_monitoring_lists_known_approaches_and_warns_about_unknown_parts():
    keys, problems = v.parse_monitoring(
        "Physical supervision; Active technology monitoring;;CCTV; physical supervision"
    )
    assert keys == ["physical_supervision", "active_technology"]
    assert len(problems) == 1 and "CCTV" in problems[0]


def test_integral_floats_read_back_as_text_without_a_trailing_point_zero():
    assert v.text(601.0) == "601"
    assert v.text("  =SUM(A1) ") == "=SUM(A1)"
