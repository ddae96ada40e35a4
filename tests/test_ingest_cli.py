"""``python -m ingest``: exit codes, one-line errors, the summary, real register data."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from ingest.cli import ProgressBar
from tests.returns_factory import good_return, write_register_csv, write_workbook

pytestmark = pytest.mark.slow  # each test runs `python -m ingest` as a process

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
URNS = (118234, 118235)


def run(*args: object, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*prefix, sys.executable, "-m", "ingest", *map(str, args)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
        env={**os.environ, "ESAFETY_DEBUG": ""},
    )  # fmt: skip


def assert_one_line_error(result: subprocess.CompletedProcess, code: int, *words: str) -> None:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for word in words:
        assert word in lines[0]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database with a two-school register loaded through the CLI."""
    path = tmp_path / "e.duckdb"
    result = run("register", write_register_csv(tmp_path / "reg.csv", URNS), "--db", path)
    assert result.returncode == 0, result.stderr
    return path


def test_returns_load_and_the_summary_says_where_to_see_the_details(tmp_path, db):
    completed = dt.date.today() - dt.timedelta(days=3)
    write_workbook(tmp_path / "in" / "a.xlsx", good_return(completed=completed))
    (tmp_path / "in" / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    result = run("returns", tmp_path / "in", "--db", db)
    assert result.returncode == 0, result.stderr  # a rejected file is data, not a failure
    assert "2 files seen: 1 loaded, 1 rejected, 0 duplicates" in result.stdout
    assert "broken.xlsx: could not be read as a workbook" in result.stdout
    assert "Returns page" in result.stdout and "bronze.messages" in result.stdout
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM bronze.returns").fetchone() == (1,)
    finally:
        con.close()


def test_a_missing_path_is_one_line_exit_1_and_nothing_is_changed(tmp_path, db):
    before = db.read_bytes()
    write_workbook(tmp_path / "a.xlsx", good_return())
    result = run("returns", tmp_path / "a.xlsx", tmp_path / "nowhere", "--db", db)
    assert_one_line_error(result, 1, "no such file or folder", "nowhere")
    assert db.read_bytes() == before


@pytest.mark.skipif(shutil.which("setpriv") is None, reason="needs setpriv to drop root's rights")
def test_an_unreadable_folder_is_one_line_exit_1(tmp_path, db):
    folder = tmp_path / "locked"
    folder.mkdir()
    write_workbook(folder / "a.xlsx", good_return())
    folder.chmod(0)
    try:
        # root reads any folder; drop the capabilities that let it, as a council user would be
        prefix = ("setpriv", "--inh-caps=-all", "--bounding-set=-all", "--") if (
            os.geteuid() == 0) else ()  # fmt: skip
        result = run("returns", folder, "--db", db, prefix=prefix)
    finally:
        folder.chmod(0o755)
    assert_one_line_error(result, 1, "folder cannot be read", "locked")


def test_a_corrupt_register_is_one_line_exit_1(tmp_path):
    bad = tmp_path / "register.csv"
    bad.write_bytes(b"PK\x03\x04\x00\x00binary junk")
    result = run("register", bad, "--db", tmp_path / "e.duckdb")
    assert_one_line_error(result, 1, "register.csv")


def test_a_damaged_database_is_one_line_exit_1(tmp_path):
    damaged = tmp_path / "e.duckdb"
    damaged.write_bytes(b"this is not a duckdb file" * 100)
    write_workbook(tmp_path / "a.xlsx", good_return())
    result = run("returns", tmp_path / "a.xlsx", "--db", damaged)
    assert_one_line_error(result, 1, "nothing was changed")
    assert damaged.read_bytes() == b"this is not a duckdb file" * 100


@pytest.mark.parametrize(
    "args",
    [("returns",), ("frobnicate",), ("returns", "x.xlsx", "--as-of", "yesterday"),
     ("returns", "x.xlsx", "--round", "2026/28"), ("template",)],
)  # fmt: skip
def test_usage_errors_exit_2_without_a_traceback(args):
    result = run(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "usage:" in result.stderr


def test_help_documents_the_exit_codes():
    result = run("returns", "--help")
    assert result.returncode == 0
    assert "exit codes:" in result.stdout and "could not run at all" in result.stdout


def test_a_template_for_a_school_not_in_the_register_is_refused(tmp_path, db):
    result = run("template", "--out", tmp_path / "t.xlsx", "--urn", "999999", "--db", db)
    assert_one_line_error(result, 1, "999999", "not in the school register")


def test_a_template_for_a_registered_school_is_written_and_reads_back(tmp_path, db):
    pytest.importorskip("ingest.template")
    out = tmp_path / "t.xlsx"
    result = run("template", "--out", out, "--urn", "118234", "--db", db)
    assert result.returncode == 0, result.stderr
    from ingest.workbook import Workbook

    school = Workbook.open(out).sheet("School")
    assert 118234 in [c for row in school.rows for c in row]


def test_the_progress_bar_counts_files_and_ends_its_line():
    stream = io.StringIO()
    bar = ProgressBar(stream, width=10)
    bar(1, 4, "a.xlsx")
    bar(4, 4, "d.xlsx")
    assert stream.getvalue().endswith("[##########] 4/4 files read\n")


@pytest.mark.skipif(not (SHARED_DATA / "gias_kent.csv").exists(), reason="no shared real data")
def test_the_real_kent_register_and_districts_load_from_the_command_line(tmp_path):
    db = tmp_path / "e.duckdb"
    result = run("register", SHARED_DATA / "gias_kent.csv", "--db", db)
    assert result.returncode == 0, result.stderr
    assert "709 establishments" in result.stdout
    result = run("boundaries", SHARED_DATA / "kent_districts.geojson", "--db", db)
    assert result.returncode == 0, result.stderr
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(DISTINCT urn) FROM bronze.register").fetchone() == (709,)
        assert con.execute("SELECT count(*) FROM bronze.boundaries").fetchone() == (13,)
    finally:
        con.close()
