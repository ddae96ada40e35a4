"""The cabinet pack downloaded from the running app's Meeting packs page (marker: browser).

The pack is made by the `streamlit run` process itself, the path whose chart
images once lost their labels. Every chart picture in it is checked at its
edges: a label cut off by the image's edge leaves ink on the border, a whole
one leaves it white. The pictures are kept in test-artifacts/packs/app-download/.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.browser

OUT = PROJECT_ROOT / "test-artifacts" / "packs" / "app-download"


def ink_on_border(png: bytes, band: int = 3) -> list[str]:
    """Sides of the image whose outer ``band`` pixels hold anything darker than light grey."""
    im = Image.open(io.BytesIO(png)).convert("L")
    w, h = im.size
    sides = {
        "left": (0, 0, band, h),
        "right": (w - band, 0, w, h),
        "top": (0, 0, w, band),
        "bottom": (0, h - band, w, h),
    }
    return [side for side, box in sides.items() if im.crop(box).getextrema()[0] < 200]


def test_the_pack_from_the_running_app_has_every_chart_label_inside_its_image(
    app_server: str, page: Page
) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.set_default_timeout(180_000)
    page.goto(f"{app_server}/packs")
    page.get_by_role("button", name="Make cabinet pack").click()
    download_button = page.get_by_role("button", name="Download cabinet pack")
    download_button.wait_for()
    with page.expect_download() as info:
        download_button.click()
    data = Path(info.value.path()).read_bytes()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "cabinet.pptx").write_bytes(data)
    pictures = 0
    cut = []
    for n, slide in enumerate(Presentation(io.BytesIO(data)).slides, start=1):
        for shape in slide.shapes:
            if shape.shape_type != MSO_SHAPE_TYPE.PICTURE:
                continue
            pictures += 1
            png = shape.image.blob
            (OUT / f"slide-{n:02d}-{shape.shape_id}.png").write_bytes(png)
            sides = ink_on_border(png)
            if sides:
                cut.append(f"slide {n} ({slide.name}): ink on the {', '.join(sides)} edge")
    assert pictures >= 5
    assert not cut, cut


def test_the_border_check_sees_a_label_cut_at_the_edge():
    im = Image.new("RGB", (200, 100), "white")
    for x in range(0, 12):  # a glyph running off the left edge
        for y in range(40, 60):
            im.putpixel((x, y), (0, 0, 0))
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    assert ink_on_border(buf.getvalue()) == ["left"]
