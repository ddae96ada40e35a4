"""Finding a school the way a person types it: apostrophes, "saint", postcodes, closed schools."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from lakehouse import reads
from lakehouse.search import matches, normalise

INDEX = pd.DataFrame(
    [
        (118001, "St Mary's Church of England Primary School", "Primary", "Ashford", "TN23 1AA"),
        (118002, "Saint Mary\u2019s Catholic Primary School", "Primary", "Dover", "CT16 2BB"),
        (
            118003,
            "St Joseph's Catholic Primary School, Herne Bay",
            "Primary",
            "Canterbury",
            "CT6 5CC",
        ),
        (118004, "The Hextable School", "Secondary", "Sevenoaks", "TN3 8FQ"),
        (118005, "Stone Bay School", "Special", "Thanet", "CT10 1DD"),
        (118006, "St Thomas' Catholic Primary School, Ramsgate", "Primary", "Thanet", "CT12 6QG"),
    ],
    columns=["urn", "name", "setting", "district", "postcode"],
).assign(
    is_open=[True, True, True, True, True, False],
    status=["Open", "Open", "Open", "Open", "Open", "Closed"],
)


def found(text: str) -> list[int]:
    return [int(u) for u in matches(INDEX, text)["urn"]]


def test_apostrophes_punctuation_case_and_saint_are_ignored():
    assert normalise("St. Mary\u2019s C.E. (Aided)") == ["st", "marys", "c", "e", "aided"]
    assert normalise("Saint MARY'S") == normalise("st marys")


def test_st_marys_finds_both_st_marys_schools_however_saint_is_written():
    for typed in ("st marys", "St Mary's", "saint marys", "ST. MARYS"):
        assert sorted(found(typed)) == [118001, 118002], typed


def test_a_place_and_a_name_together_find_the_school():
    assert found("herne bay st josephs") == [118003]


def test_a_postcode_finds_its_school_with_or_without_the_space():
    assert found("TN3 8FQ") == [118004]
    assert found("tn38fq") == [118004]


def test_a_urn_and_a_partial_name_find_their_school():
    assert found("118004") == [118004]
    assert found("hext") == [118004]
    assert found("table") == [118004]  # inside a word, when nothing starts with it


def test_a_closed_school_is_found_and_marked_closed():
    hit = matches(INDEX, "st thomas")
    assert list(hit["urn"]) == [118006]
    assert bool(hit["closed"].iloc[0])
    assert hit["label"].iloc[0].endswith(" · closed")
    assert not matches(INDEX, "st marys")["label"].str.contains("closed").any()


def test_invisible_characters_in_a_pasted_search_are_dropped():
    assert found("st\u200b mar\u202eys") == found("st marys")
    assert found("hex\u200dtable") == [118004]


def test_closed_schools_come_after_open_ones_and_nothing_found_is_empty():
    assert found("primary")[-1] == 118006
    assert found("no such school") == []


def test_the_sample_county_finds_a_postcode_and_marks_its_closed_schools(sample_db: Path):
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        urn, postcode = con.execute(
            "SELECT urn, postcode FROM gold.school_overview WHERE is_open ORDER BY urn LIMIT 1"
        ).fetchone()
        closed_urn, closed_name = con.execute(
            "SELECT urn, name FROM gold.school_overview WHERE NOT is_open ORDER BY urn LIMIT 1"
        ).fetchone()
        assert int(urn) in set(reads.schools.find_schools(con, postcode.lower())["urn"])
        hit = reads.schools.find_schools(con, str(closed_urn))
        assert hit["urn"].iloc[0] == closed_urn
        assert hit["label"].iloc[0] == hit["label"].iloc[0].split(" · ")[0] + " · closed"
        assert closed_name in hit["label"].iloc[0]
    finally:
        con.close()
