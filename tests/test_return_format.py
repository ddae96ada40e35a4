"""docs/return-format.md agrees with the seeds, the layout and the reader's rejection reasons."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from pathlib import Path

import pytest

from ingest import reader
from ingest.batch import expand_paths
from ingest.layout import EARLIEST_COMPLETED
from ingest.limits import limits
from ingest.return_format import DOC, generated_section, render
from tests.returns_factory import (
    good_return,
    numbered_rows,
    repeated_rows,
    replace_sheet,
    set_field,
    write_workbook,
)

TODAY = dt.date(2027, 1, 15)
URNS = {118234}
TEXT = DOC.read_text(encoding="utf-8")


def test_the_generated_lists_match_the_seeds_and_the_layout():
    assert generated_section() == render(), (
        "docs/return-format.md is out of date: run `python -m ingest.return_format`"
    )


def test_every_seed_label_a_school_types_is_in_the_document():
    from lakehouse.spec import read_seed

    for seed, column in (("policies", "label"), ("staff_groups", "label"),
                         ("incident_categories", "label"), ("indicators", "statement"),
                         ("school_fields", "label"), ("response_labels", "label")):  # fmt: skip
        for row in read_seed(seed):
            assert row[column] in TEXT, f"{seed}: {row[column]!r} is not in return-format.md"


def test_the_prose_quotes_the_layouts_earliest_date():
    assert f"before {EARLIEST_COMPLETED.year}" in TEXT


def _documented_reasons() -> list[list[list[str]]]:
    """The rejection table: per row, alternatives, each a sequence of text pieces."""
    table = TEXT.split("| the file | reason starts |", 1)[1].split("\n\n", 1)[0]
    rows = []
    for line in table.strip().splitlines()[1:]:
        cell = line.strip().strip("|").split("|")[-1].strip()
        split = re.split(r"(?<=`), (?=`)", cell)
        alternatives = [re.findall(r"`([^`]+)`", alternative) for alternative in split]
        rows.append([[piece.strip("`") for piece in alt] for alt in alternatives])
    return rows


def _matches(reason: str, pieces: list[str]) -> bool:
    if not reason.startswith(pieces[0]):
        return False
    at = len(pieces[0])
    for piece in pieces[1:]:
        at = reason.find(piece, at)
        if at < 0:
            return False
        at += len(piece)
    return True


def _reasons(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every kind of rejection the reader and the walk give, each made for real."""

    def workbook(name: str, sheets: dict) -> Path:
        return write_workbook(tmp_path / name, sheets)

    def read(path: Path, urns=URNS) -> str:
        return reader.read_return(path, urns, TODAY).rejection

    out = []
    (tmp_path / "notes.txt").write_text("hello")
    out.append(read(tmp_path / "notes.txt"))
    (tmp_path / "empty.xlsx").write_bytes(b"")
    out.append(read(tmp_path / "empty.xlsx"))
    (tmp_path / "locked.xlsx").write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le")
    )
    out.append(read(tmp_path / "locked.xlsx"))
    (tmp_path / "junk.xlsx").write_bytes(b"PK\x03\x04 not a zip")
    out.append(read(tmp_path / "junk.xlsx"))
    no_school = good_return()
    del no_school["School"]
    out.append(read(workbook("no-school.xlsx", no_school)))
    out.append(read(workbook("bad-urn.xlsx", set_field(good_return(), "URN", "12"))))
    out.append(read(workbook("stranger.xlsx", good_return(urn=999999))))
    out.append(read(workbook("no-register.xlsx", good_return()), urns=None))
    no_round = good_return()
    no_round["School"] = [r for r in no_round["School"] if r[0] != "Collection round"]
    out.append(read(workbook("no-round.xlsx", no_round)))
    out.append(read(workbook("bad-round.xlsx", good_return(round="2026/28"))))
    out.append(read(workbook("future.xlsx", good_return(completed=dt.date(2030, 1, 1)))))
    huge = tmp_path / "huge.xlsx"
    with open(huge, "wb") as fh:
        fh.truncate(limits().max_file_bytes + 1)
    out.append(read(huge))
    bomb = replace_sheet(workbook("bomb.xlsx", good_return()), "xl/worksheets/sheet2.xml",
                         repeated_rows(2 * limits().max_inflated_bytes))  # fmt: skip
    out.append(read(bomb))
    many = good_return()
    many.update({f"Extra {i}": [["x"]] for i in range(limits().max_sheets)})
    out.append(read(workbook("many.xlsx", many)))
    tall = replace_sheet(workbook("tall.xlsx", good_return()), "xl/worksheets/sheet2.xml",
                         numbered_rows(limits().max_rows + 1))  # fmt: skip
    out.append(read(tall))
    for mode in (stat.S_IFIFO, stat.S_IFCHR, stat.S_IFBLK, stat.S_IFSOCK):
        out.append(reader.special_file_problem(mode | 0o644))
    loop = tmp_path / "loop.xlsx"
    loop.symlink_to(loop)
    out.append(read(loop))
    (tmp_path / "gone.xlsx").symlink_to(tmp_path / "nowhere.xlsx")
    out.append(read(tmp_path / "gone.xlsx"))
    folder = tmp_path / "walk"
    (folder / "locked").mkdir(parents=True)
    (folder / "back").symlink_to(folder)
    real_scandir = os.scandir

    def refusing_scandir(path):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refusing_scandir)
    out += [problem for _path, problem in expand_paths([folder]).entries]
    monkeypatch.undo()
    shut = workbook("shut.xlsx", good_return())

    def refusing_open(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(reader.os, "open", refusing_open)
    out.append(read(shut))
    return out


@pytest.mark.slow
def test_every_rejection_reason_is_documented_and_every_documented_reason_happens(
    tmp_path, monkeypatch
):
    documented = _documented_reasons()
    reasons = _reasons(tmp_path, monkeypatch)
    assert None not in reasons
    for reason in reasons:
        assert any(_matches(reason, alt) for row in documented for alt in row), (
            f"not in the rejection table of return-format.md: {reason!r}"
        )
    for row in documented:
        for alt in row:
            assert any(_matches(reason, alt) for reason in reasons), (
                f"return-format.md documents {alt!r}, which no file produced"
            )
