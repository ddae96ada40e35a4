"""Chart images through one browser, the packs rendered to page images, presentation mode.

The rendering test converts the cabinet pack with LibreOffice and the PDFs
with pdftoppm (Debian packages installed by ``make system-deps``) and keeps
the page images in ``test-artifacts/packs/`` for a person to look at.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import plotly.graph_objects as go
import pytest
from PIL import Image

from lakehouse.filters import Filters
from packs import render
from packs.cabinet import cabinet_pack_pptx
from packs.governor import governor_report_pdf
from tests.gold_fixture import build_gold_db
from tests.seed_copy import shipped_labels
from ui import projector

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "packs"


def _need(*commands: str) -> None:
    missing = [c for c in commands if shutil.which(c) is None]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"missing on CI: {', '.join(missing)} (make system-deps installs them)")
        pytest.skip(f"not installed: {', '.join(missing)}")


def _not_blank(png: Path | bytes) -> bool:
    """More than a single colour and at least 0.5% of pixels away from white."""
    im = Image.open(io.BytesIO(png) if isinstance(png, bytes) else png).convert("L")
    lo, hi = im.getextrema()
    if lo == hi:
        return False
    dark = sum(im.histogram()[:240])
    return dark / (im.width * im.height) > 0.005


@pytest.mark.slow
def test_a_figure_becomes_a_png_and_the_browser_stays_up_for_the_next():
    _need("chromium")
    fig = go.Figure(go.Bar(x=["Good", "Outstanding"], y=[3, 5]))
    first = render.figure_png(fig, width=400, height=300, scale=1)
    assert first.startswith(b"\x89PNG")
    assert Image.open(io.BytesIO(first)).size == (400, 300)
    assert _not_blank(first)
    assert render.is_running()
    second = render.figure_png(fig, width=400, height=300, scale=1)
    assert second.startswith(b"\x89PNG")


@pytest.mark.slow
def test_the_county_map_draws_offline():
    _need("chromium")
    from presentation import charts

    frames = __import__("tests.gold_fixture", fromlist=["frames"]).frames()
    districts = frames["district_shapes"].assign(schools=4, flagged_pct=[10.0, 50.0, 90.0])
    fig = charts.county_map(
        districts, frames["school_overview"].iloc[0:0], "priority", "flagged_pct", shipped_labels()
    )
    png = render.figure_png(fig, width=600, height=400, scale=1)
    im = Image.open(io.BytesIO(png)).convert("RGB")
    assert len(im.getcolors(600 * 400) or []) > 10  # shaded districts, not a blank box


@pytest.mark.slow
def test_every_page_of_the_packs_renders_to_a_non_blank_image(tmp_path):
    _need("chromium", "soffice", "pdftoppm")
    from lakehouse.db import ReadOnlyDatabase

    db = ReadOnlyDatabase(build_gold_db(tmp_path / "county.duckdb"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # only this test's own pages: other tests keep theirs here too (public-*, app-cabinet-*)
    for stem in ("cabinet", "governor"):
        for old in ARTIFACTS.glob(f"{stem}-*.png"):
            old.unlink()
    pptx = tmp_path / "cabinet.pptx"
    pptx.write_bytes(cabinet_pack_pptx(db, Filters(), name_schools=True))
    public = tmp_path / "cabinet-public.pptx"
    public.write_bytes(cabinet_pack_pptx(db, Filters(), public=True))
    (tmp_path / "governor.pdf").write_bytes(governor_report_pdf(db, 900004))
    db.close()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(pptx),
            str(public),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    for stem in ("cabinet", "cabinet-public", "governor"):
        pdf = tmp_path / f"{stem}.pdf"
        assert pdf.exists(), f"{stem}.pdf was not produced"
        subprocess.run(
            ["pdftoppm", "-r", "50", "-png", str(pdf), str(ARTIFACTS / stem)],
            check=True,
            timeout=120,
        )
        pages = sorted(ARTIFACTS.glob(f"{stem}-*.png"))
        assert pages, f"no page images for {stem}"
        blank = [p.name for p in pages if not _not_blank(p)]
        assert not blank, f"blank pages: {blank}"
    assert len(sorted(ARTIFACTS.glob("cabinet-[0-9]*.png"))) >= 10


# --- presentation mode (the parts that need no Streamlit) ------------------------------


def test_present_in_the_url_turns_presentation_mode_on():
    assert projector.enabled_from({"present": "1"}, {})
    assert projector.enabled_from({"present": "true"}, {})
    assert not projector.enabled_from({"present": "0"}, {})
    assert not projector.enabled_from({}, {})


def test_the_session_toggle_wins_over_the_url():
    assert not projector.enabled_from({"present": "1"}, {projector.SESSION_KEY: False})
    assert projector.enabled_from({}, {projector.SESSION_KEY: True})


def test_presentation_charts_are_taller_and_normal_charts_unchanged():
    assert projector.scaled_height(400, False) == 400
    assert projector.scaled_height(400, True) == 600
    assert projector.scaled_height(200, True) == projector.MIN_CHART_HEIGHT


def test_the_presentation_css_hides_the_sidebar_and_toolbar_and_enlarges_metrics():
    css = projector.presentation_css()
    for selector in (
        '[data-testid="stSidebar"]',
        '[data-testid="stToolbar"]',
        '[data-testid="stHeader"]',
        '[data-testid="stMetricValue"]',
    ):
        assert selector in css
    assert "display: none" in css
