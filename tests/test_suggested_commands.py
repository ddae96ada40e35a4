"""Every command the app tells a person to run exists: each answers --help (make: -n)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from ui.app import LOAD_SAMPLE_COMMANDS

ROOT = Path(__file__).resolve().parents[1]
# where the app and its packs put words on screen or in a file a person reads
SOURCES = [*ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py"), *ROOT.glob("packs/*.py")]
COMMAND = re.compile(r"python -m ([a-z_]+)(?: ([a-z_]+))?")
MAKE = re.compile(r"`?make ([a-z_-]+)`?")


def suggested() -> list[tuple[str, ...]]:
    """(module, subcommand) pairs named anywhere the app speaks, plus the empty-database text."""
    found: set[tuple[str, ...]] = set()
    for path in SOURCES:
        for m in COMMAND.finditer(path.read_text(encoding="utf-8")):
            found.add(tuple(x for x in m.groups() if x))
    for m in COMMAND.finditer(LOAD_SAMPLE_COMMANDS):
        found.add(tuple(x for x in m.groups() if x))
    return sorted(found)


def test_the_empty_database_message_names_the_sample_generator_not_a_missing_command():
    assert "ingest sample" not in LOAD_SAMPLE_COMMANDS
    assert "-m samplecounty --out data/sample" in LOAD_SAMPLE_COMMANDS


@pytest.mark.slow
@pytest.mark.parametrize("command", suggested(), ids=" ".join)
def test_each_command_the_app_suggests_answers_help(command: tuple[str, ...]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", *command, "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, (command, done.stderr[-500:])
    assert "usage" in done.stdout.lower(), command


@pytest.mark.parametrize(
    "target", sorted({m.group(1) for m in MAKE.finditer(LOAD_SAMPLE_COMMANDS)})
)
def test_each_make_target_the_app_suggests_exists(target: str) -> None:
    done = subprocess.run(
        ["make", "-n", target], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
