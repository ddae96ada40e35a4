import pytest

from lakehouse.rounds import RoundError, first_year, parse_round


@pytest.mark.parametrize("text", ["2026/27", "2026-27", "2026/2027", "2026-2027", " 2026 – 27 "])
def test_every_usual_way_of_writing_a_round_means_2026_27(text):
    assert parse_round(text) == "2026/27"


def test_a_round_across_a_century_keeps_two_digits():
    assert parse_round("2099-2100") == "2099/00"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("2026/28", "the years must be consecutive"),
        ("2026-2028", "the years must be consecutive"),
        ("26/27", "is not a collection round like 2026/27"),
        ("autumn", "is not a collection round like 2026/27"),
        ("", "collection round is blank"),
        (None, "collection round is blank"),
    ],
)
def test_anything_else_is_refused_with_a_one_line_reason(text, says):
    with pytest.raises(RoundError, match=says) as caught:
        parse_round(text)
    assert "\n" not in str(caught.value)


def test_the_first_year_of_a_round_is_its_calendar_start():
    assert first_year("2026-27") == 2026
