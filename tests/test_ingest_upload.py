"""Uploads from the dashboard load in a child process with a memory cap, like the CLI."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb
import pytest

from ingest.upload import UploadFailed, ingest_uploads, safe_upload_name
from tests.returns_factory import (
    good_return,
    ingest_paths,
    repeated_rows,
    replace_sheet,
    write_register_csv,
    write_workbook,
)

URN = 118234


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database with a one-school register and its models built."""
    from ingest.register import load_register
    from lakehouse.db import writing

    path = tmp_path / "e.duckdb"
    with writing(path) as con:
        load_register(con, write_register_csv(tmp_path / "reg.csv", [URN]))
    return path


def upload(tmp_path: Path, name: str, sheets: dict | None = None) -> tuple[str, bytes]:
    sheets = sheets or good_return(urn=URN, completed=dt.date.today())
    return name, write_workbook(tmp_path / "made" / name, sheets).read_bytes()


@pytest.mark.slow
def test_an_upload_loads_in_a_child_and_reports_each_file(tmp_path, db):
    seen = []
    summary = ingest_uploads(
        [upload(tmp_path, "oak.xlsx"), ("notes.xlsx", b"not a workbook")],
        db,
        progress=lambda done, total, name: seen.append((done, total, name)),
    )
    assert (summary.seen, summary.loaded, summary.rejected) == (2, 1, 1)
    assert [f["status"] for f in summary.files] == ["loaded", "rejected"]
    assert all(len(f["sha256"]) == 64 for f in summary.files)
    assert seen[-1] == (2, 2, "notes.xlsx")
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM silver.returns").fetchone() == (1,)
    finally:
        con.close()


@pytest.mark.slow
def test_a_zip_bomb_upload_is_rejected_on_record_like_on_the_command_line(tmp_path, db):
    name, _ = upload(tmp_path, "bomb.xlsx")
    bomb = replace_sheet(tmp_path / "made" / name, "xl/worksheets/sheet2.xml",
                         repeated_rows(300_000_000))  # fmt: skip
    summary = ingest_uploads([(name, bomb.read_bytes())], db)
    assert summary.rejected == 1 and "zip bomb" in summary.files[0]["reason"]


def test_an_upload_that_needs_more_memory_than_the_cap_fails_in_one_line_and_changes_nothing(
    tmp_path, db
):
    before = db.read_bytes()
    with pytest.raises(UploadFailed) as failure:
        ingest_uploads([upload(tmp_path, "oak.xlsx")], db, memory_bytes=150_000_000)
    message = str(failure.value)
    assert "\n" not in message and "nothing was changed" in message
    assert db.read_bytes() == before
    assert not [p for p in db.parent.iterdir() if p.name.endswith(".tmp")]


def test_an_uploaded_file_name_cannot_choose_where_it_is_written():
    assert safe_upload_name("../../etc/passwd") == "passwd"
    assert safe_upload_name("C:\\Users\\head\\oak.xlsx") == "oak.xlsx"
    assert safe_upload_name("..") == "upload.xlsx"


@pytest.mark.slow
def test_the_cli_and_the_upload_record_the_same_outcome_for_the_same_file(tmp_path, db):
    name, data = upload(tmp_path, "oak.xlsx")
    first = ingest_uploads([(name, data)], db)
    again = ingest_paths([tmp_path / "made" / name], db)
    assert first.files[0]["status"] == "loaded"
    assert [o.status for o in again.outcomes] == ["duplicate"]
    assert os.path.exists(db)
