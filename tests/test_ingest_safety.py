"""Writing never breaks reading: a killed ingest leaves the old database and no leftovers."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from tests.returns_factory import good_return, write_register_csv, write_workbook

REPO = Path(__file__).resolve().parents[1]
FIRST_URN = 200000


def ingest(*args: object) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "ingest", *map(str, args)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def count_returns(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM bronze.returns").fetchone()[0]
    finally:
        con.close()


def county(tmp_path: Path, schools: int) -> tuple[Path, Path, Path]:
    """A database holding one loaded return, and a folder of ``schools`` new ones."""
    db = tmp_path / "e.duckdb"
    urns = range(FIRST_URN, FIRST_URN + schools + 1)
    completed = dt.date.today() - dt.timedelta(days=1)
    first = write_workbook(tmp_path / "first.xlsx", good_return(urn=FIRST_URN, completed=completed))
    folder = tmp_path / "batch"
    for urn in urns[1:]:
        write_workbook(folder / f"{urn}.xlsx", good_return(urn=urn, completed=completed))
    for args in (("register", write_register_csv(tmp_path / "reg.csv", urns)), ("returns", first)):
        proc = ingest(*args, "--db", db)
        assert proc.wait(timeout=300) == 0, proc.stderr.read()
    assert count_returns(db) == 1
    return db, first, folder


@pytest.mark.slow
def test_an_ingest_killed_mid_write_leaves_the_previous_database_intact(tmp_path):
    db, _first, folder = county(tmp_path, schools=600)
    before = db.read_bytes()
    proc = ingest("returns", folder, "--db", db)
    deadline = time.monotonic() + 120
    # The writer's private copy appears once it is inside the write session.
    while not list(tmp_path.glob(".e.duckdb.*.tmp")):
        assert proc.poll() is None, "the ingest finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    time.sleep(0.3)
    assert proc.poll() is None, "the ingest finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    assert db.read_bytes() == before
    assert count_returns(db) == 1
    assert list(tmp_path.glob(".e.duckdb.*.tmp")), "the killed writer left its copy behind"
    # and the next ingest is not blocked by the dead one's lock, and clears its leftovers
    again = ingest("returns", folder, "--db", db, "--no-build")
    assert again.wait(timeout=300) == 0, again.stderr.read()
    assert count_returns(db) == 601
    assert sorted(p.name for p in tmp_path.glob(".e.duckdb.*")) == []


READER = textwrap.dedent(
    """
    import sys, duckdb
    db = sys.argv[1]
    con = duckdb.connect(db, read_only=True)
    print(con.execute("SELECT count(*) FROM bronze.returns").fetchone()[0], flush=True)
    sys.stdin.readline()  # wait while the ingest runs
    print(con.execute("SELECT count(*) FROM bronze.returns").fetchone()[0], flush=True)
    con.close()
    con = duckdb.connect(db, read_only=True)
    print(con.execute("SELECT count(*) FROM bronze.returns").fetchone()[0], flush=True)
    """
)


@pytest.mark.slow
def test_a_reader_keeps_its_snapshot_during_an_ingest_and_a_reopen_sees_the_new_data(tmp_path):
    db, _first, folder = county(tmp_path, schools=5)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert reader.stdout.readline().strip() == "1"
        writer = ingest("returns", folder, "--db", db)
        assert writer.wait(timeout=300) == 0, writer.stderr.read()
        assert "5 loaded" in writer.stdout.read()
        out, err = reader.communicate("go\n", timeout=60)
    finally:
        if reader.poll() is None:
            reader.kill()
    assert reader.returncode == 0, err
    assert out.split() == ["1", "6"]
