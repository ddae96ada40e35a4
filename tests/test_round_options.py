"""Every command reads a round the same way: 2026/27, 2026-27, 2026/2027 and 2026-2027 agree."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation

from lakehouse import __main__ as lakehouse_cli
from lakehouse.db import writing
from packs.__main__ import run as packs_run
from tests.conftest import require_chromium
from tests.lakehouse_factory import Lakehouse


def _county(path) -> None:
    with writing(path) as con:
        lh = Lakehouse(con)
        lh.school(100001)
        lh.add_return(100001, round="2025/26")
        lh.add_return(100001, round="2026/27")


@pytest.mark.parametrize("written", ["2026/27", "2026/2027", "2025-2026"])
@pytest.mark.slow
def test_lakehouse_build_round_accepts_every_way_of_writing_a_round(tmp_path, capsys, written):
    path = tmp_path / "esafety.duckdb"
    _county(path)
    assert lakehouse_cli.main(["build", "--db", str(path), "--round", written]) == 0
    expected = "2025/26" if written.startswith("2025") else "2026/27"
    assert f"current round {expected}" in capsys.readouterr().out


def test_lakehouse_build_refuses_a_round_that_is_not_one_school_year(capsys):
    with pytest.raises(SystemExit) as caught:
        lakehouse_cli.main(["build", "--round", "2026/28"])
    assert caught.value.code == 2
    assert "the years must be consecutive" in capsys.readouterr().err


@pytest.mark.slow
def test_packs_cabinet_round_2026_27_with_a_dash_makes_the_2026_27_pack(gold_reader, tmp_path):
    require_chromium()
    out = tmp_path / "pack.pptx"
    assert packs_run(["cabinet", "--out", str(out), "--db", str(gold_reader.path),
                      "--round", "2026-27"]) == 0  # fmt: skip
    title = Presentation(io.BytesIO(out.read_bytes())).slides[0]
    text = "\n".join(s.text_frame.text for s in title.shapes if s.has_text_frame)
    assert "E-safety returns 2026/27" in text


def test_packs_refuse_a_round_that_is_not_one_school_year(capsys):
    with pytest.raises(SystemExit) as caught:
        packs_run(["governor", "--urn", "900001", "--out", "x.pdf", "--round", "2026/2028"])
    assert caught.value.code == 2
    assert "the years must be consecutive" in capsys.readouterr().err
