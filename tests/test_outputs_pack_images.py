"""The cabinet pack made through the app's own code path: labels inside images, type sizes.

The pack is made in a process where Streamlit is loaded (so Streamlit's plotly
template is the process default, as in the running app), every figure the pack
draws is captured on its way to the renderer, and the same drawing is taken as
SVG and measured in Chromium: every text element's
box must lie inside the canvas. The pack is rendered to page images in
``test-artifacts/packs/app-cabinet-*.png`` for a person to look at.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import plotly.graph_objects as go
import pytest
from pptx import Presentation
from pptx.util import Pt

from packs import cabinet, render
from tests.conftest import require_chromium

pytestmark = pytest.mark.slow  # the pack is drawn through kaleido and rendered to images

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "packs"

# every <text> in the SVG: its box against the SVG canvas, and its font size in px
_MEASURE = """
() => {
  const svg = document.querySelector('svg');
  const canvas = svg.getBoundingClientRect();
  return Array.from(svg.querySelectorAll('text'))
    .filter(t => t.textContent.trim() && getComputedStyle(t).display !== 'none'
                 && getComputedStyle(t).visibility !== 'hidden')
    .map(t => { const r = t.getBoundingClientRect();
      return {text: t.textContent, left: r.left - canvas.left, top: r.top - canvas.top,
              right: r.right - canvas.left, bottom: r.bottom - canvas.top,
              size: parseFloat(getComputedStyle(t).fontSize)}; })
    .filter(b => b.right > b.left);
}
"""


def outside_labels(page, svg: bytes, width: int, height: int, slack: float = 0.5) -> list[str]:
    """Texts of the SVG whose box is not wholly inside its ``width`` × ``height`` canvas."""
    page.set_content(f"<html><body style='margin:0'>{svg.decode()}</body></html>")
    boxes = page.evaluate(_MEASURE)
    assert boxes, "the drawing has no text at all"
    return [
        f"{b['text']!r} at ({b['left']:.0f},{b['top']:.0f})-({b['right']:.0f},{b['bottom']:.0f})"
        for b in boxes
        if b["left"] < -slack
        or b["top"] < -slack
        or b["right"] > width + slack
        or b["bottom"] > height + slack
    ]


def smallest_text_px(page) -> float:
    return min(b["size"] for b in page.evaluate(_MEASURE))


@pytest.fixture(scope="module")
def app_pack(sample_db: Path) -> dict:
    """The pack as the Meeting packs page makes it, in a process where Streamlit is loaded.

    Importing Streamlit's chart module makes its plotly template the process default,
    which is what cut the labels off; the page's call is then made as the page makes it.
    The figures are captured on their way to the renderer. (AppTest cannot click the
    page's button: a page run outside dashboard.py hands over to the app's navigation
    first, and the click is spent on that run. The browser test downloads the pack
    from the running app instead: tests/test_outputs_browser.py.)
    """
    require_chromium()
    import streamlit.elements.plotly_chart  # noqa: F401 - the app's plotly default template

    from lakehouse.db import ReadOnlyDatabase
    from lakehouse.filters import Filters

    drawn: list[tuple[go.Figure, int, int]] = []
    original = render.figure_png

    def recording(fig, *, width=render.SLIDE_WIDTH_PX, height=render.SLIDE_HEIGHT_PX, scale=1):
        drawn.append((go.Figure(fig), int(width), int(height)))
        return original(fig, width=width, height=height, scale=scale)

    mp = pytest.MonkeyPatch()
    mp.setattr(render, "figure_png", recording)
    db = ReadOnlyDatabase(sample_db)
    try:
        pptx = cabinet.cabinet_pack_pptx(db, Filters(), public=False, name_schools=True)
    finally:
        db.close()
        mp.undo()
    import plotly.io as pio

    return {"pptx": pptx, "figures": drawn, "template": pio.templates.default}


def test_the_app_path_runs_with_streamlits_plotly_template_as_the_default(app_pack):
    # the condition that cut the labels off: this test is only meaningful under it
    assert app_pack["template"] == "streamlit"
    assert len(app_pack["figures"]) >= 5


def test_every_label_of_every_chart_in_the_apps_pack_is_inside_its_image(app_pack, page):
    problems = []
    for fig, width, height in app_pack["figures"]:
        svg = render.figure_svg(fig, width=width, height=height)
        bad = outside_labels(page, svg, width, height)
        if bad:
            problems.append(f"{width}x{height}: {', '.join(bad[:5])}")
    assert not problems, problems


def test_chart_text_is_at_least_14_points_on_the_slide(app_pack, page):
    # charts are drawn at one pixel per point of their box on the slide
    for fig, width, height in app_pack["figures"]:
        svg = render.figure_svg(fig, width=width, height=height)
        page.set_content(f"<html><body style='margin:0'>{svg.decode()}</body></html>")
        assert smallest_text_px(page) >= cabinet.MIN_PT


def test_the_checker_catches_labels_cut_off_by_a_template_without_automargin(page):
    # the failure as it was: Streamlit's template, 10 px margins, no automargin
    fig = go.Figure(go.Bar(orientation="h", y=["Overall effectiveness (n=529)"], x=[40]))
    fig.update_layout(
        template="none", margin={"l": 10, "r": 10, "t": 10, "b": 10}, width=500, height=300
    )
    fig.update_yaxes(automargin=False)
    import kaleido

    render._ensure_server()
    opts = {"format": "svg", "width": 500, "height": 300, "scale": 1}
    with render._lock:
        svg = kaleido.calc_fig_sync(fig, opts=opts)
    assert outside_labels(page, bytes(svg), 500, 300)
    # and through the pack renderer the same figure keeps its label
    assert not outside_labels(page, render.figure_svg(fig, width=500, height=300), 500, 300)


def test_every_run_of_text_in_the_pack_is_at_least_14_points(app_pack):
    prs = Presentation(io.BytesIO(app_pack["pptx"]))
    small = []
    for n, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            frames = []
            if shape.has_text_frame:
                frames.append(shape.text_frame)
            if shape.has_table:
                frames.extend(c.text_frame for row in shape.table.rows for c in row.cells)
            for tf in frames:
                for para in tf.paragraphs:
                    for run in para.runs:
                        size = run.font.size or para.font.size
                        if run.text.strip() and size is not None and size < Pt(cabinet.MIN_PT):
                            small.append(f"slide {n}: {run.text[:30]!r} {size.pt} pt")
    assert not small, small[:10]


def test_every_table_and_picture_lies_inside_its_slide_above_the_footer(app_pack):
    prs = Presentation(io.BytesIO(app_pack["pptx"]))
    limit = cabinet.FOOTER_TOP
    outside = []
    for n, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            if not (shape.has_table or shape.shape_type == 13):  # 13: picture
                continue
            height = shape.height
            if shape.has_table:
                height = sum(r.height for r in shape.table.rows)
            if shape.left < 0 or shape.top < 0 or shape.left + shape.width > prs.slide_width:
                outside.append(f"slide {n}: {shape.name} beyond the sides")
            if shape.top + height > limit:
                outside.append(f"slide {n}: {shape.name} runs into the footer or off the slide")
    assert not outside, outside


def test_the_headline_numbers_fit_on_one_line_in_their_boxes(app_pack):
    prs = Presentation(io.BytesIO(app_pack["pptx"]))
    slide = next(s for s in prs.slides if s.name == "headline")
    for shape in slide.shapes:
        if not shape.has_text_frame or shape == slide.shapes.title:
            continue
        para = shape.text_frame.paragraphs[0]
        if para.font.bold and para.text:
            width = cabinet.text_width_pt(para.text, para.font.size.pt, bold=True)
            assert width <= shape.width / 12700 - 14, f"{para.text!r} wraps in its box"


def test_the_apps_pack_renders_to_page_images_kept_as_artifacts(app_pack, tmp_path):
    missing = [c for c in ("soffice", "pdftoppm") if shutil.which(c) is None]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"missing on CI: {', '.join(missing)}")
        pytest.skip(f"not installed: {', '.join(missing)}")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("app-cabinet-*.png"):
        old.unlink()
    pptx = tmp_path / "app-cabinet.pptx"
    pptx.write_bytes(app_pack["pptx"])
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(pptx),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "60",
            "-png",
            str(tmp_path / "app-cabinet.pdf"),
            str(ARTIFACTS / "app-cabinet"),
        ],
        check=True,
        timeout=120,
    )
    assert len(list(ARTIFACTS.glob("app-cabinet-*.png"))) == len(
        Presentation(io.BytesIO(app_pack["pptx"])).slides
    )
