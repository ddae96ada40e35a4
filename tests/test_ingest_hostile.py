"""Hostile input: oversized and special files are refused on record, quickly; the batch goes on."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from ingest import reader
from ingest.batch import load_returns
from ingest.limits import limits
from lakehouse.db import writing
from tests.returns_factory import (
    good_return,
    numbered_rows,
    repeated_rows,
    replace_sheet,
    write_register_csv,
    write_workbook,
)

REPO = Path(__file__).resolve().parents[1]
URN = 118234
SELF_REVIEW_PART = "xl/worksheets/sheet2.xml"  # write_workbook's second sheet


# Linux starts a forked child's peak memory at its parent's resident size, and exec keeps
# it: a child of this pytest process (hundreds of MB by the end of a full run) would report
# at least that much. So a small launcher forks the command and reports its peak and CPU.
_MEASURED = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def ingest(*args: object, timeout: float = 120) -> tuple[subprocess.CompletedProcess, int]:
    """``python -m ingest`` with its exit code, output and its own peak resident memory (MiB).

    The result's ``cpu_seconds`` attribute is the command's own CPU time (user + system):
    unlike wall time, it does not grow when other work shares the machine.
    """
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.TemporaryDirectory() as scratch,
    ):
        report = Path(scratch) / "usage"
        command = [sys.executable, "-m", "ingest", *map(str, args)]
        proc = subprocess.Popen(
            [sys.executable, "-c", _MEASURED, str(report), *command],
            cwd=REPO, stdout=out, stderr=err, env={**os.environ, "ESAFETY_DEBUG": ""},
            start_new_session=True,
        )  # fmt: skip
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            pytest.fail(f"python -m ingest {args} did not finish in {timeout} s")
        out.seek(0)
        err.seek(0)
        done = subprocess.CompletedProcess(
            command, proc.returncode, out.read().decode(), err.read().decode()
        )
        maxrss_kib, cpu_seconds = report.read_text().split()
    done.cpu_seconds = float(cpu_seconds)
    return done, int(maxrss_kib) // 1024


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database with a one-school register."""
    path = tmp_path / "e.duckdb"
    done, _ = ingest("register", write_register_csv(tmp_path / "reg.csv", [URN]), "--db", path)
    assert done.returncode == 0, done.stderr
    return path


def files(db: Path) -> dict[str, tuple[str, str | None]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT file_name, status, reason FROM bronze.files WHERE kind = 'return'"
        ).fetchall()
    finally:
        con.close()
    return {name: (status, reason) for name, status, reason in rows}


def good(path: Path) -> Path:
    return write_workbook(path, good_return(urn=URN, completed=dt.date.today()))


# -- limits before reading ---------------------------------------------------------------


@pytest.mark.slow
def test_a_zip_bomb_is_rejected_in_under_two_seconds_and_under_500_mb(tmp_path, db):
    bomb = replace_sheet(
        good(tmp_path / "bomb.xlsx"), SELF_REVIEW_PART, repeated_rows(1_500_000_000)
    )
    assert bomb.stat().st_size < 10_000_000  # small on disk, 1.5 GB inside
    start = time.monotonic()
    done, peak_mib = ingest("returns", bomb, "--db", db, "--no-build")
    seconds = time.monotonic() - start
    assert done.returncode == 0, done.stderr
    status, reason = files(db)["bomb.xlsx"]
    assert status == "rejected" and "unzips to 1.5 GB" in reason and "zip bomb" in reason
    # the whole command (start-up, copy, check, record, swap): ~1 s on an idle machine
    assert done.cpu_seconds < 2.0
    assert seconds < 10.0  # wall time, with room for a busy machine
    assert peak_mib < 500


@pytest.mark.slow
def test_the_zip_bomb_check_itself_takes_milliseconds(tmp_path):
    bomb = replace_sheet(good(tmp_path / "bomb.xlsx"), SELF_REVIEW_PART, repeated_rows(300_000_000))
    start = time.monotonic()
    result = reader.read_return(bomb, {URN}, dt.date.today())
    assert time.monotonic() - start < 0.5
    assert "may be a zip bomb" in result.rejection


@pytest.mark.slow
def test_a_million_row_sheet_is_rejected_naming_the_sheet_and_the_limit(tmp_path, db):
    big = replace_sheet(good(tmp_path / "million.xlsx"), SELF_REVIEW_PART, numbered_rows(1_000_000))
    done, peak_mib = ingest("returns", big, "--db", db, "--no-build")
    assert done.returncode == 0, done.stderr
    status, reason = files(db)["million.xlsx"]
    assert status == "rejected"
    assert reason == (
        f"the Self-review sheet has 1,000,000 rows (the limit is {limits().max_rows:,}); not read"
    )
    assert peak_mib < 500


def test_a_file_over_the_size_limit_is_rejected_without_being_read(tmp_path, monkeypatch):
    huge = tmp_path / "huge.xlsx"
    with open(huge, "wb") as fh:
        fh.truncate(limits().max_file_bytes + 1)  # sparse: no disk, no reading
    monkeypatch.setattr(os, "read", lambda *a: pytest.fail("the file was read"))
    result = reader.read_return(huge, {URN}, dt.date.today())
    assert result.rejection.startswith("is too large to be a return: 20.0 MB")
    assert result.sha256 is None


def test_a_workbook_with_too_many_sheets_is_rejected(tmp_path):
    sheets = good_return(urn=URN, completed=dt.date.today())
    sheets.update({f"Extra {i}": [["x"]] for i in range(limits().max_sheets)})
    result = reader.read_return(
        write_workbook(tmp_path / "many.xlsx", sheets), {URN}, dt.date.today()
    )
    assert (
        result.rejection
        == f"has {len(sheets)} sheets (the limit is {limits().max_sheets}); not read"
    )


def test_an_ordinary_return_is_well_inside_every_limit(tmp_path):
    assert reader.read_return(good(tmp_path / "ok.xlsx"), {URN}, dt.date.today()).ok


# -- every path on record ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["a.xlsx", "A.XLSX", "a.Xlsm", ".xlsx", "return.", "return", "a..xlsx", "a.b.xlsx",
     "x.tar.gz", "caf\udce9.XLSX", "éire.ods"],
)  # fmt: skip
def test_a_file_names_extension_is_read_exactly_as_pathlib_reads_it(name):
    # the reader takes a file's extension from its name without making a Path per file
    assert reader.suffix(name) == Path(name).suffix.lower()


@pytest.mark.slow
def test_every_odd_path_in_a_folder_is_on_record_with_a_reason_and_the_batch_goes_on(tmp_path, db):
    folder = tmp_path / "in"
    good(folder / "a good one.xlsx")
    os.mkfifo(folder / "pipe.xlsx")
    (folder / "dangling.xlsx").symlink_to(folder / "gone.xlsx")
    (folder / "loop-a.xlsx").symlink_to(folder / "loop-b.xlsx")
    (folder / "loop-b.xlsx").symlink_to(folder / "loop-a.xlsx")
    (folder / "zero.xlsx").symlink_to("/dev/zero")  # a device: reading it would never end
    (folder / "sub").mkdir()
    (folder / "sub" / "back-up").symlink_to(folder)  # a folder loop
    undecodable = os.fsencode(folder) + b"/caf\xe9.xlsx"  # Latin-1 bytes, not UTF-8
    with open(undecodable, "wb") as fh:
        yesterday = good_return(urn=URN, completed=dt.date.today() - dt.timedelta(days=1))
        fh.write(write_workbook(tmp_path / "other.xlsx", yesterday).read_bytes())

    done, _ = ingest("returns", folder, "--db", db, "--no-build", timeout=60)
    assert done.returncode == 0, done.stderr
    record = files(db)
    assert record["a good one.xlsx"] == ("loaded", None)
    assert record["caf\ufffd.xlsx"] == ("loaded", None)  # read; the name shown with U+FFFD
    assert record["pipe.xlsx"] == ("rejected", "is a named pipe (FIFO), not a file: not opened")
    assert record["zero.xlsx"] == ("rejected", "is a character device, not a file: not opened")
    assert record["dangling.xlsx"][0] == "rejected"
    assert "does not exist" in record["dangling.xlsx"][1]
    for name in ("loop-a.xlsx", "loop-b.xlsx"):
        assert record[name] == (
            "rejected",
            "is a symbolic link that loops back on itself: not read",
        )
    assert record["back-up"] == (
        "rejected",
        "is a link to a folder already being read: not read again",
    )
    assert "6 rejected" in done.stdout and "Traceback" not in done.stderr


@pytest.mark.slow
def test_an_undecodable_file_name_loads_with_a_warning_naming_the_problem(tmp_path, db):
    folder = tmp_path / "in"
    folder.mkdir()
    name = os.fsencode(folder) + b"/\xff\xfe school.xlsx"
    with open(name, "wb") as fh:
        fh.write(good(tmp_path / "source.xlsx").read_bytes())
    done, _ = ingest("returns", folder, "--db", db, "--no-build")
    assert done.returncode == 0, done.stderr
    assert files(db)["\ufffd\ufffd school.xlsx"] == ("loaded", None)
    con = duckdb.connect(str(db), read_only=True)
    try:
        (message,) = con.execute(
            "SELECT message FROM bronze.messages WHERE file_name = '\ufffd\ufffd school.xlsx'"
        ).fetchone()
    finally:
        con.close()
    assert "not valid UTF-8" in message


@pytest.mark.slow
def test_a_fifo_named_on_the_command_line_does_not_hang_and_is_on_record(tmp_path, db):
    fifo = tmp_path / "return.xlsx"
    os.mkfifo(fifo)
    done, _ = ingest("returns", fifo, "--db", db, "--no-build", timeout=30)
    assert done.returncode == 0, done.stderr
    assert files(db)["return.xlsx"] == (
        "rejected",
        "is a named pipe (FIFO), not a file: not opened",
    )


@pytest.mark.slow
def test_a_file_that_cannot_be_opened_is_on_record_and_the_batch_goes_on(tmp_path, db, monkeypatch):
    # tests run as root, who can read a chmod 000 file: make the open itself refuse
    folder = tmp_path / "in"
    locked = good(folder / "locked.xlsx")
    good(folder / "open.xlsx")
    real_open = os.open

    def refusing_open(path, *args, **kwargs):
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(reader.os, "open", refusing_open)
    with writing(db) as con:
        summary = load_returns(con, [folder], today=dt.date.today())
    assert [(o.file_name, o.status, o.reason) for o in summary.outcomes] == [
        ("locked.xlsx", "rejected", "could not be read: permission denied"),
        ("open.xlsx", "loaded", None),
    ]
    assert files(db)["locked.xlsx"] == ("rejected", "could not be read: permission denied")


def test_special_files_are_never_opened(tmp_path, monkeypatch):
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    opened = []
    monkeypatch.setattr(reader.os, "open", lambda p, *a, **k: opened.append(p))
    data, problem = reader.read_file(fifo)
    assert data is None and "named pipe" in problem and opened == []


# -- no leftovers ---------------------------------------------------------------------------

ORPHAN_PARENT = textwrap.dedent(
    """
    import multiprocessing, sys, time
    from ingest.reader import init_worker

    def child():
        init_worker(None, None)
        time.sleep(120)

    if __name__ == "__main__":
        p = multiprocessing.get_context("spawn").Process(target=child)
        p.start()
        print(p.pid, flush=True)
        time.sleep(120)
    """
)


@pytest.mark.slow
def test_a_reader_worker_dies_with_its_killed_parent(tmp_path):
    script = tmp_path / "parent.py"
    script.write_text(ORPHAN_PARENT)
    parent = subprocess.Popen(
        [sys.executable, str(script)], cwd=REPO, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    child = int(parent.stdout.readline())
    time.sleep(1.0)  # let the worker reach its initializer
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait(timeout=10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return
        if Path(f"/proc/{child}/stat").read_text().split()[2] == "Z":
            return  # dead, waiting for init to reap it
        time.sleep(0.1)
    os.kill(child, signal.SIGKILL)
    pytest.fail("the worker outlived its parent")


@pytest.mark.slow
def test_the_next_writer_removes_a_killed_writers_temp_copy_and_wal(tmp_path, db):
    stale = [tmp_path / f".e.duckdb.{pid}.deadbeef.tmp" for pid in (999_999_9, os.getpid())]
    for path in stale:
        path.write_bytes(b"x" * 1000)
        path.with_name(path.name + ".wal").write_bytes(b"w")
    with writing(db):
        pass
    assert sorted(p.name for p in tmp_path.glob(".e.duckdb.*")) == []
