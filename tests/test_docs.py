"""The README is a promise: its commands run and its tables exist as it says."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _quick_start_commands() -> list[str]:
    block = README.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    return [line.split("#", 1)[0].strip() for line in block.strip().splitlines()]


def test_the_quick_start_is_two_make_commands_the_makefile_defines() -> None:
    commands = _quick_start_commands()
    assert commands == ["make run", "make test"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for command in commands:
        assert re.search(rf"^{command.split()[1]}:", makefile, re.M), command


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    lines = [ln.strip() for ln in ci.splitlines() if ln.strip() and not ln.startswith("#")]
    assert lines[-1] == _quick_start_commands()[1]


def _documented_commands() -> list[list[str]]:
    found = re.findall(r"^\| `python -m (\w+) (\w+)", README, re.M)
    return [list(pair) for pair in dict.fromkeys(found)]


def test_the_readme_documents_every_contract_command() -> None:
    documented = {tuple(c) for c in _documented_commands()}
    for module, sub in [
        ("ingest", "register"),
        ("ingest", "boundaries"),
        ("ingest", "returns"),
        ("ingest", "template"),
        ("lakehouse", "build"),
    ]:
        assert (module, sub) in documented


@pytest.mark.parametrize("command", _documented_commands(), ids=" ".join)
@pytest.mark.slow
def test_every_documented_command_answers_help(command: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", *command, "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    if command != ["lakehouse", "docs"]:  # the only command that never touches the database
        assert "--db" in done.stdout


@pytest.mark.slow
def test_the_readme_documents_the_sample_county_tool_and_it_answers_help() -> None:
    assert re.search(r"^\| `python -m samplecounty --out DIR", README, re.M)
    done = subprocess.run(
        [sys.executable, "-m", "samplecounty", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "--schools" in done.stdout and "--seed" in done.stdout


def _documented_tables() -> dict[str, list[str]]:
    tables = {}
    for name, columns in re.findall(r"^\| `(\w+\.\w+)` \| [^|:]*?:? ?([^|]*)\|", README, re.M):
        # values in brackets after a column, e.g. `priority` (`high`/`low`), are not columns
        tables[name] = re.findall(r"`(\w+)`", re.sub(r"\([^)]*\)", "", columns))
    return tables


def test_every_documented_table_exists_with_its_columns(sample_db: Path) -> None:
    tables = _documented_tables()
    assert len(tables) >= 11
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        for table, columns in tables.items():
            schema, name = table.split(".")
            present = {
                row[0]
                for row in con.execute(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_schema = ? AND table_name = ?",
                    [schema, name],
                ).fetchall()
            }
            assert present, f"{table} is missing"
            assert set(columns) <= present, f"{table} lacks {set(columns) - present}"
    finally:
        con.close()
