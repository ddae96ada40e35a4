"""One rounding rule and one date style for every output (presentation.formatting)."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from presentation import formatting as fmt


def test_six_of_fourteen_is_43_percent_everywhere():
    assert fmt.percent_of(6, 14) == "43%"
    assert fmt.percent(100 * 6 / 14) == "43%"
    assert fmt.percent_value(6, 14) == 43


def test_halves_round_up_not_to_even():
    assert fmt.percent(12.5) == "13%"
    assert fmt.percent(42.5) == "43%"
    assert fmt.percent(0.5) == "1%"
    assert fmt.percent_of(1, 8) == "13%"  # 12.5%
    assert fmt.percent_of(57, 200) == "29%"  # 28.5%, not a float just under it


def test_a_missing_or_undefined_percentage_is_a_dash():
    assert fmt.percent(None) == "—"
    assert fmt.percent(float("nan")) == "—"
    assert fmt.percent_of(3, 0) == "—"
    assert fmt.percent_of(pd.NA, 4) == "—"


def test_dates_read_like_1_dec_2026():
    assert fmt.council_date(date(2026, 12, 1)) == "1 Dec 2026"
    assert fmt.council_date(datetime(2026, 12, 31, 0, 0)) == "31 Dec 2026"
    assert fmt.council_date(pd.Timestamp("2026-12-31 00:00:00")) == "31 Dec 2026"
    assert fmt.council_date("2027-01-05") == "5 Jan 2027"
    assert fmt.council_date(None) == "—"
    assert fmt.council_date(pd.NaT) == "—"


def test_the_sql_reason_text_rounds_like_the_tables(tmp_path):
    import duckdb

    con = duckdb.connect()
    # the expression of lakehouse/models/silver/return_training.sql on 6 of 14 and 1 of 8
    got = con.execute(
        "SELECT CAST(floor(100.0 * 6 / 14 + 0.5) AS INTEGER), "
        "CAST(floor(100.0 * 1 / 8 + 0.5) AS INTEGER)"
    ).fetchone()
    assert got == (fmt.percent_value(6, 14), fmt.percent_value(1, 8))
    sql = (
        __import__("pathlib").Path(__file__).resolve().parents[1]
        / "lakehouse/models/silver/return_training.sql"
    ).read_text()
    assert "floor(group_pct + 0.5)" in sql


def test_a_count_reads_1_file_or_3_files_never_file_s():
    assert fmt.counted(1, "file") == "1 file"
    assert fmt.counted(3, "file") == "3 files"
    assert fmt.counted(0, "statement") == "0 statements"
    assert fmt.counted(1200, "person", "people") == "1,200 people"


def test_no_text_a_person_reads_says_file_s_or_statement_s():
    # every string literal of the code that draws pages, exports and packs
    import io
    import tokenize
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    lazy = []
    for folder in ("pages", "ui", "presentation", "packs"):
        for path in sorted((root / folder).rglob("*.py")):
            tokens = tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
            for tok in tokens:
                if tok.type == tokenize.STRING and "(s)" in tok.string:
                    lazy.append(f"{path.relative_to(root)}:{tok.start[0]}")
    assert lazy == []
