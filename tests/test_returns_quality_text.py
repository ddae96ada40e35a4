"""Returns and data quality in words a person can act on: each rejected file names its
school, and a cell message quotes the statement beside its indicator code."""

from __future__ import annotations

from pathlib import Path

import duckdb

from lakehouse import reads, spec
from lakehouse.filters import Filters


def test_a_message_quotes_the_statement_beside_its_code_once():
    statement = next(i["statement"] for i in spec.indicators() if i["indicator_id"] == "PRO3")
    said = spec.quote_statements("PRO3: 'Maybe' is not a recognised response")
    assert said == f"PRO3 (\"{statement}\"): 'Maybe' is not a recognised response"
    assert spec.quote_statements(said) == said  # never quoted twice
    assert spec.quote_statements("School!B4 is blank") == "School!B4 is blank"
    assert spec.quote_statements("ZZZ9 is not ours") == "ZZZ9 is not ours"


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
