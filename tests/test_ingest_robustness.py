"""Small runs of the hostile-input harnesses: fuzzed files and killed writers."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # each harness starts processes and kills some of them

REPO = Path(__file__).resolve().parents[1]


def harness(script: str, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, f"bench/{script}", *args],
        cwd=REPO, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def figure(output: str, label: str) -> int:
    match = re.search(rf"^{label}: ([\d,]+)", output, re.M)
    assert match, f"no '{label}' line in:\n{output}"
    return int(match[1].replace(",", ""))


def test_200_fuzzed_files_crash_nothing_and_every_file_is_on_record():
    done = harness("fuzz.py", "--cases", "200", "--seed", "11")
    assert done.returncode == 0, done.stdout + done.stderr
    assert figure(done.stdout, "cases") == 200
    assert figure(done.stdout, "crashes") == 0
    assert figure(done.stdout, "files not on record") == 0
    assert "build over the fuzzed data: ok" in done.stdout


def test_five_killed_writers_leave_no_torn_database_no_orphans_and_no_leftovers():
    done = harness("crash.py", "--kills", "5", "--schools", "30", "--seed", "3")
    assert done.returncode == 0, done.stdout + done.stderr
    assert figure(done.stdout, "kills") == 5
    assert figure(done.stdout, "torn databases") == 0
    assert figure(done.stdout, "orphaned processes") == 0
    assert figure(done.stdout, "leftovers") == 0
