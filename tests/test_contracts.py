"""One contract per model: the YAML beside each SQL model, and everything checked against it.

The build's data tests are generated from the contracts; the column tables of
docs/ARCHITECTURE.md are generated from them; the README's tables and the gold
fixture are checked against them.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from lakehouse.contracts import (
    ARCHITECTURE,
    MODELS_DIR,
    contracts,
    data_tests,
    render_architecture,
)
from tests.gold_fixture import frames

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = contracts()


def _models() -> list[str]:
    return sorted(f"{p.parent.name}.{p.stem}" for p in MODELS_DIR.glob("*/*.sql"))


def _columns(db: Path, table: str) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    finally:
        con.close()


def test_every_model_has_a_contract_and_every_contract_a_model():
    assert sorted(CONTRACTS) == _models()


@pytest.mark.parametrize("table", _models())
def test_the_sample_countys_table_has_exactly_its_contracts_columns_in_order(sample_db, table):
    assert _columns(sample_db, table) == list(CONTRACTS[table].columns)


@pytest.mark.parametrize("table", _models())
def test_the_contract_gives_the_grain_the_sql_states_and_a_line_for_every_column(table):
    contract = CONTRACTS[table]
    comment = " ".join(
        line.removeprefix("--").strip()
        for line in contract.path.with_suffix(".sql").read_text(encoding="utf-8").splitlines()
        if line.startswith("--")
    )
    assert contract.grain and comment.startswith(contract.grain), (contract.grain, comment[:200])
    assert all(d.strip() and "\n" not in d for d in contract.columns.values())
    assert contract.one_row or contract.unique_key is None or contract.unique_key


def test_a_duplicated_key_or_an_unknown_code_is_caught_by_the_generated_data_tests():
    contract = CONTRACTS["gold.support_flags"]
    tests = {name: (sql, params) for name, sql, params in data_tests(contract)}
    assert {"support_flags_unique", "support_flags_kind_accepted"} <= set(tests)
    con = duckdb.connect()
    con.execute("CREATE SCHEMA gold")
    columns = ", ".join(f"{c} VARCHAR" for c in contract.columns)
    con.execute(f"CREATE TABLE gold.support_flags ({columns})")
    row = {c: None for c in contract.columns} | {"urn": "1", "flag": "declining", "kind": "gripe"}
    for _ in range(2):
        con.execute(
            f"INSERT INTO gold.support_flags VALUES ({', '.join('?' * len(row))})", [*row.values()]
        )
    sql, params = tests["support_flags_unique"]
    assert con.execute(sql, params).fetchall()
    sql, params = tests["support_flags_kind_accepted"]
    assert con.execute(sql, params).fetchall() == [("gripe",)]


def test_the_build_runs_every_contracts_data_tests(sample_db):
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        for contract in CONTRACTS.values():
            for name, sql, params in data_tests(contract):
                assert con.execute(sql, params).fetchall() == [], name
    finally:
        con.close()


def test_the_architecture_tables_are_generated_from_the_contracts():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    assert render_architecture(text) == text, "run python -m lakehouse docs"


def test_every_column_the_readme_lists_is_in_the_tables_contract():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| `((?:silver|gold)\.\w+)` \| [^|:]*?:? ?([^|]*)\|", readme, re.M)
    assert listed
    for table, cells in listed:
        names = re.findall(r"`(\w+)`", re.sub(r"\([^)]*\)", "", cells))  # not (`concern`/...)
        assert table in CONTRACTS, table
        assert set(names) <= set(CONTRACTS[table].columns), (
            table,
            set(names) - set(CONTRACTS[table].columns),
        )


def test_the_gold_fixture_writes_only_contract_columns_in_contract_order(gold_db):
    for name in set(frames()) - {"build_info"}:  # build_info: the build's own, not a model
        table = f"gold.{name}"
        have = _columns(gold_db, table)
        assert have == [c for c in CONTRACTS[table].columns if c in have], table


def test_the_gold_fixtures_labels_are_the_seeds_labels(gold_db):
    from lakehouse.seeds import read_seed

    labels = {r["flag"]: r["label"] for r in read_seed("flags")}
    con = duckdb.connect(str(gold_db), read_only=True)
    try:
        rows = con.execute("SELECT DISTINCT flag, flag_label FROM gold.support_flags").fetchall()
    finally:
        con.close()
    assert rows and all(labels[flag] == label for flag, label in rows), rows
