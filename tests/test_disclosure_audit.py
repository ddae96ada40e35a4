"""Public packs disclose no suppressed count: the auditor (tests/pack_auditor.py) reads each
rendered .pptx and, with HiGHS, finds every suppressed cell's smallest and largest value.

Run over public packs of the bundled sample county (600 schools, seed 7, as of a month
before its deadline: the session's ``bundled_county``, built once for this module and
tests/test_triage_sample.py): the whole county, single districts, single settings and
each filtering approach. Each pack is made once per module.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pptx import Presentation

from lakehouse.db import ReadOnlyDatabase
from lakehouse.filters import Filters
from packs import disclosure
from packs.cabinet import cabinet_pack_pptx
from packs.cabinet_numbers import load
from packs.cabinet_slides import ChartSlide, compose
from tests.conftest import require_chromium
from tests.pack_auditor import audit, disclosed

# the 600-school county, seven packs and LibreOffice: `make test-fast` leaves these out
pytestmark = pytest.mark.slow

PACKS = {
    "county": Filters(),
    "district-thanet": Filters(districts=("Thanet",)),
    "district-dover": Filters(districts=("Dover",)),
    "setting-special": Filters(settings=("Special",)),
    "setting-secondary": Filters(settings=("Secondary",)),
    "filtering-locked-down": Filters(filtering="locked_down"),
    "filtering-managed": Filters(filtering="managed"),
}


@pytest.fixture(scope="module")
def reader(bundled_county: Path):
    """The session's bundled county (tests/conftest.py), which every test here only reads."""
    db = ReadOnlyDatabase(bundled_county)
    yield db
    db.close()


@pytest.fixture(scope="module")
def public_packs(reader) -> dict[str, bytes]:
    require_chromium()
    return {name: cabinet_pack_pptx(reader, f, public=True) for name, f in PACKS.items()}


@pytest.mark.parametrize("name", list(PACKS))
def test_no_suppressed_count_in_a_public_pack_can_be_worked_out(public_packs, name):
    assert disclosed(public_packs[name]) == []


def test_the_public_packs_do_suppress_and_the_audit_reads_their_cells(public_packs):
    # the audit means something only if there are suppressed cells to audit
    unknowns = {name: len(audit(data)[0]) for name, data in public_packs.items()}
    assert all(n > 0 for n in unknowns.values()), unknowns


def test_the_auditor_finds_what_primary_suppression_alone_gives_away(reader, monkeypatch):
    require_chromium()

    def primary_only(self, rounds=40):
        self.protected = True
        self.hidden = frozenset(self.primary())
        return self.hidden

    monkeypatch.setattr(disclosure.Publication, "protect", primary_only)
    found = disclosed(cabinet_pack_pptx(reader, PACKS["district-thanet"], public=True))
    assert found, "the auditor should pin a cell when only primary suppression is applied"


def test_a_public_pack_explains_its_symbols_on_every_slide_with_a_table(public_packs):
    for data in public_packs.values():
        for slide in Presentation(io.BytesIO(data)).slides:
            if not any(s.has_table for s in slide.shapes):
                continue
            text = "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
            if slide.name.endswith("numbers") or "-numbers-" in slide.name:
                continue  # the chart slide before it carries the key
            assert "c: suppressed" in text and "z: not applicable" in text, slide.name


@pytest.mark.parametrize("name", ["county", "district-thanet", "setting-special"])
def test_charts_are_drawn_from_the_suppressed_tables(reader, name):
    """A group's n on a chart is its table's total; a suppressed total is n=c with no bar."""
    pack = compose(load(reader, PACKS[name]), public=True)
    checked = 0
    for slide in pack.slides:
        if not isinstance(slide, ChartSlide) or slide.figure is None or slide.table is None:
            continue
        if slide.table.header[-1] != "Total":
            continue
        totals = {row[0]: row[-1] for row in slide.table.rows}
        labels = list(slide.figure.layout.yaxis.categoryarray)
        for group, total in totals.items():
            label = next(lbl for lbl in labels if lbl.startswith(f"{group} (n="))
            assert label.startswith(f"{group} (n={total})"), (slide.name, label, total)
        for trace in slide.figure.data:
            for value, text in zip(trace.x, trace.text, strict=True):
                # a segment's number is a published cell, or c for the suppressed part
                assert text == "" or text == "c" or text.isdigit()
                assert value >= 0
        checked += 1
    assert checked >= 3


def test_public_district_and_county_packs_render_to_page_images_kept_as_artifacts(
    public_packs, tmp_path
):
    """test-artifacts/packs/public-<pack>-NN.png, for a person to look at."""
    import os
    import shutil
    import subprocess

    missing = [c for c in ("soffice", "pdftoppm") if shutil.which(c) is None]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"missing on CI: {', '.join(missing)}")
        pytest.skip(f"not installed: {', '.join(missing)}")
    artifacts = Path(__file__).resolve().parents[1] / "test-artifacts" / "packs"
    artifacts.mkdir(parents=True, exist_ok=True)
    for name in ("county", "district-thanet"):
        for old in artifacts.glob(f"public-{name}-*.png"):
            old.unlink()
        pptx = tmp_path / f"public-{name}.pptx"
        pptx.write_bytes(public_packs[name])
        subprocess.run(
            ["soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
             "--convert-to", "pdf", "--outdir", str(tmp_path), str(pptx)],
            check=True, capture_output=True, timeout=240,
        )  # fmt: skip
        subprocess.run(
            ["pdftoppm", "-r", "60", "-png", str(tmp_path / f"public-{name}.pdf"),
             str(artifacts / f"public-{name}")],
            check=True, timeout=120,
        )  # fmt: skip
        pages = list(artifacts.glob(f"public-{name}-*.png"))
        assert len(pages) == len(Presentation(io.BytesIO(public_packs[name])).slides)
