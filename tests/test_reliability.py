"""Readers never see a torn, mixed or closed database while writers swap the file.

Issue 10 found, with five browser sessions loading pages during writes,
"connection is busy", "No open result set" and "Connection already closed!"
tracebacks (one shared connection closed under sessions still using it) and
pages mixing two file versions. These tests run the same pattern in threads:
readers query through ``ReadOnlyDatabase`` snapshots while a writer swaps the
file with ``lakehouse.db.writing`` as fast as it can.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from lakehouse import reads
from lakehouse.db import ReadOnlyDatabase, writing
from lakehouse.filters import Filters


@pytest.fixture
def county(tmp_path: Path) -> Path:
    """The gold fixture with a version marker kept in two tables the writer updates together."""
    from tests.gold_fixture import build_gold_db

    db = build_gold_db(tmp_path / "county.duckdb")
    with writing(db) as con:
        con.execute("CREATE TABLE gold.marker_a AS SELECT 0 AS n")
        con.execute("CREATE TABLE gold.marker_b AS SELECT 0 AS n")
    return db


def _bump(db: Path, n: int) -> None:
    with writing(db) as con:
        con.execute("UPDATE gold.marker_a SET n = ?", [n])
        con.execute("UPDATE gold.marker_b SET n = ?", [n])


def _marker(snap, table: str) -> int:
    cur = snap.cursor()
    try:
        return cur.execute(f"SELECT n FROM gold.{table}").fetchone()[0]
    finally:
        cur.close()


@pytest.mark.slow
def test_readers_see_no_error_and_no_mixed_version_while_the_file_is_swapped_under_them(
    county: Path,
) -> None:
    db = ReadOnlyDatabase(county)
    stop = threading.Event()
    errors: list[str] = []
    mixed: list[tuple[int, int]] = []
    loads = [0]
    swaps = [0]

    def reader() -> None:
        while not stop.is_set():
            try:
                with db.snapshot() as snap:
                    a = _marker(snap, "marker_a")
                    # a page's worth of queries between the two reads, as a script run does
                    cur = snap.cursor()
                    try:
                        reads.base.filter_options(cur)
                        reads.schools.school_points(cur, Filters())
                    finally:
                        cur.close()
                    b = _marker(snap, "marker_b")
                    if a != b:
                        mixed.append((a, b))
                loads[0] += 1
            except Exception as exc:  # the finding: any exception here is a traceback on a page
                errors.append(f"{type(exc).__name__}: {exc}")

    def writer() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            _bump(county, n)
            swaps[0] += 1

    threads = [threading.Thread(target=reader) for _ in range(4)] + [
        threading.Thread(target=writer)
    ]
    for t in threads:
        t.start()
    time.sleep(4)
    stop.set()
    for t in threads:
        t.join(timeout=30)
    db.close()

    assert swaps[0] >= 5, "the writer should have swapped the file several times"
    assert loads[0] >= 20
    assert errors == [], f"{len(errors)} of {loads[0] + len(errors)} loads failed: {errors[:3]}"
    assert mixed == []


def test_a_snapshot_keeps_its_version_after_a_swap_and_the_next_one_sees_the_new_file(
    county: Path,
) -> None:
    db = ReadOnlyDatabase(county)
    with db.snapshot() as old:
        _bump(county, 7)
        assert _marker(old, "marker_a") == 0, "a run keeps the version it started with"
        with db.snapshot() as new:
            assert _marker(new, "marker_a") == 7, "the next run picks up the swapped-in file"
            assert not old.closed, "the old version stays open while a run still holds it"
    assert old.closed, "the swapped-out version closes with its last holder"
    assert not new.closed, "the live version stays open for the next run"
    db.close()
    assert new.closed


def test_no_snapshot_links_are_left_beside_the_database(county: Path) -> None:
    db = ReadOnlyDatabase(county)
    for n in range(3):
        with db.snapshot():
            _bump(county, n + 1)
    db.close()
    assert sorted(p.name for p in county.parent.iterdir() if p.name.endswith(".ro")) == []


def test_a_missing_database_file_is_a_file_not_found_error_not_a_crash(tmp_path: Path) -> None:
    db = ReadOnlyDatabase(tmp_path / "none.duckdb")
    with pytest.raises(FileNotFoundError):
        db.acquire()
