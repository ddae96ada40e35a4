"""Returns and data quality in words a person can act on: each rejected file names its
school, and a cell message quotes the statement beside its indicator code."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from lakehouse import reads
from lakehouse.filters import Filters
from tests.lakehouse_factory import ROUND, Lakehouse
from tests.seed_copy import edit_seed, seed_copy


def test_a_message_quotes_the_statement_beside_its_code_once_in_the_seeds_words(
    tmp_path: Path,
):
    seeds = seed_copy(tmp_path)
    statement = "Pupils learn to stay safe online, in the council's words"
    edit_seed(seeds, "indicators", "indicator_id", {"PRO3": {"statement": statement}})
    lh = Lakehouse()
    lh.school(100001)
    lh.add_return(100001)
    sha = lh.con.execute("SELECT sha256 FROM bronze.returns").fetchone()[0]
    said = f'PRO3 ("{statement}")'
    with (seeds / "indicators.csv").open(newline="") as f:
        fmp2 = next(r["statement"] for r in csv.DictReader(f) if r["indicator_id"] == "FMP2")
    for cell, message in [
        ("Self-review!C40", "FMP2: 'Sometimes' is not a recognised response"),
        ("Self-review!C9", "PRO3: 'Maybe' is not a recognised response"),
        ("Self-review!D9", f"{said}: already quoted"),
        ("School!B4", "School!B4 is blank"),
        ("School!B5", "ZZZ9 is not ours; PRO33 and PRO3x are no codes"),
    ]:
        lh.con.execute(
            "INSERT INTO bronze.messages VALUES (?, '100001.xlsx', 'warning', ?, ?, now())",
            [sha, cell, message],
        )
    lh.build(seeds_dir=seeds)
    shown = reads.returns.return_messages(lh.con, Filters(round=ROUND))
    assert dict(zip(shown["location"], shown["message"], strict=True)) == {
        # a version 2 statement's code is quoted as a version 1 one is
        "Self-review!C40": f"FMP2 (\"{fmp2}\"): 'Sometimes' is not a recognised response",
        "Self-review!C9": f"{said}: 'Maybe' is not a recognised response",
        "Self-review!D9": f"{said}: already quoted",  # never quoted twice
        "School!B4": "School!B4 is blank",
        "School!B5": "ZZZ9 is not ours; PRO33 and PRO3x are no codes",
    }


def test_rejected_files_name_their_school_or_say_why_they_cannot(sample_db: Path):
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        rejected = reads.returns.rejected_files(con).set_index("file_name")
        messages = reads.returns.return_messages(
            con, Filters(round=con.execute("SELECT max(round) FROM gold.rounds").fetchone()[0])
        )
    finally:
        con.close()
    assert rejected.loc["bad-urn-not-in-register.xlsx", "school"] == (
        "URN 999999 (not in the register)"
    )
    assert rejected.loc["bad-corrupt.xlsx", "school"] == "Not known (unread)"
    named = rejected.loc["bad-completed-in-future.xlsx", "school"]
    assert named and not named.startswith("URN") and "None" not in named
    coded = [m for m in messages["message"] if m.startswith("PRO3")]
    assert coded and all(m.startswith('PRO3 ("') for m in coded)
