"""The dashboard in Debian's chromium against `streamlit run` (marker: browser).

Screenshots of every page, and of presentation mode, are kept in
test-artifacts/screenshots/.
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import duckdb
import numpy as np
import openpyxl
import pytest
from PIL import Image
from playwright.sync_api import Page
from pptx import Presentation
from pypdf import PdfReader

from presentation import palette
from tests.conftest import PROJECT_ROOT, streamlit_server, wait_ready
from ui.app import PAGE_SPECS

pytestmark = pytest.mark.browser

SHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
# the navigation's titles, in order; the local user (no sign-in configured) is an admin, so
# the Admin page (roles and the audit log) follows the app's own pages
TITLES = [title for _, title, _ in PAGE_SPECS] + ["Admin"]
# a page whose heading says more than its navigation title
HEADINGS = {"Flagged schools": "Schools flagged for support"}
# URL path -> the page's heading, in navigation order (the first page is the default, at "/")
PAGES = {
    ("" if i == 0 else Path(path).stem): HEADINGS.get(title, title)
    for i, (path, title, _) in enumerate(PAGE_SPECS)
}
VIEWPORT = {"width": 1600, "height": 1800}


@pytest.fixture
def page(page: Page) -> Page:
    page.set_viewport_size(VIEWPORT)
    page.set_default_timeout(60_000)
    return page


def sidebar_titles(page: Page) -> list[str]:
    links = page.locator('[data-testid="stSidebarNav"] [data-testid="stSidebarNavLink"]')
    return [t.strip().splitlines()[-1].strip() for t in links.all_inner_texts()]


def check_page(page: Page, heading: str, shot: str) -> None:
    wait_ready(page)
    page.get_by_role("heading", name=heading, exact=True).first.wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0
    assert sidebar_titles(page) == TITLES
    # every chart on the page is drawn (plotly draws after the script run has ended), so
    # the screenshot kept shows the page as a person sees it, not empty chart boxes
    charts = page.locator('[data-testid="stPlotlyChart"]')
    for i in range(charts.count()):
        charts.nth(i).locator(".main-svg").first.wait_for()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{shot}.png"))


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_opens_by_deep_link(app_server: str, page: Page, path: str) -> None:
    page.goto(f"{app_server}/{path}")
    check_page(page, PAGES[path], f"deeplink_{path or 'overview'}")


def test_every_page_opens_through_the_sidebar(app_server: str, page: Page) -> None:
    page.goto(app_server)
    wait_ready(page)
    for path, heading in PAGES.items():
        title = TITLES[list(PAGES).index(path)]
        page.locator('[data-testid="stSidebarNavLink"]').filter(has_text=title).first.click()
        check_page(page, heading, f"sidebar_{path or 'overview'}")
        assert urlparse(page.url).path.strip("/") == path


@pytest.mark.parametrize("path", ["county_map", "Flagged_Schools", "returns_quality"])
def test_a_deep_link_opened_first_on_a_fresh_server_shows_the_apps_own_pages(
    sample_db: Path, page: Page, path: str
) -> None:
    with streamlit_server(sample_db) as url:
        page.goto(f"{url}/{path}")
        wait_ready(page)
        assert page.locator('[data-testid="stException"]').count() == 0
        # the auto-discovered list would show file names ("county map", "packs")
        assert sidebar_titles(page) == TITLES


def test_a_bookmark_opened_first_on_a_fresh_server_keeps_its_filters(
    sample_db: Path, page: Page
) -> None:
    with streamlit_server(sample_db) as url:
        page.goto(f"{url}/flagged_schools?setting=Primary")
        wait_ready(page)
        assert sidebar_titles(page) == TITLES
        page.get_by_role("heading", name="Schools flagged for support").wait_for()
        settings = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').nth(1)
        assert "Primary" in settings.inner_text()
        assert "setting=Primary" in page.url


def test_a_filtered_view_can_be_shared_by_its_url(app_server: str, page: Page, browser) -> None:
    page.goto(f"{app_server}/flagged_schools")
    wait_ready(page)
    page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first.click()
    page.locator('[role="option"]').first.click()
    page.keyboard.press("Escape")
    wait_ready(page)
    district = parse_qs(urlparse(page.url).query)["district"][0]
    shown = _metric_value(page, "Schools shown")
    # a colleague opens the link in their own browser session
    other = browser.new_page(viewport=VIEWPORT)
    try:
        other.goto(page.url)
        wait_ready(other)
        box = other.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
        assert district in box.inner_text()
        assert _metric_value(other, "Schools shown") == shown
    finally:
        other.close()


def _metric_value(page: Page, label: str) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return metric.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_the_flagged_schools_excel_has_exactly_the_rows_on_screen(
    app_server: str, page: Page, tmp_path: Path
) -> None:
    page.goto(f"{app_server}/flagged_schools")
    wait_ready(page)
    page.locator('[data-testid="stButtonGroup"] button').filter(has_text="High").first.click()
    wait_ready(page)
    shown = int(_metric_value(page, "Schools shown").replace(",", ""))
    assert shown > 0
    with page.expect_download() as info:
        page.get_by_role("button", name="Download these").click()
    # the file name says what was filtered
    assert info.value.suggested_filename.endswith("_High.xlsx"), info.value.suggested_filename
    target = tmp_path / "flagged.xlsx"
    info.value.save_as(target)
    wb = openpyxl.load_workbook(target)
    ws = wb["Full detail"]
    assert ws.max_row - 1 == shown
    assert {ws.cell(row=r, column=3).value for r in range(2, ws.max_row + 1)} == {"High"}
    # high-priority schools all need support: the print-ready first sheet lists each of them
    first = wb.worksheets[0]
    assert first.title == "Need support"
    listed = [c.value for c in first["A"][1:] if isinstance(c.value, int)]
    assert len(listed) == shown
    assert "Priority: High" in (first.oddHeader.left.text or "")
    about = dict(wb["About this export"].iter_rows(min_row=2, values_only=True))
    assert about["Filter: Priority"] == "High"


def _marker_pixels(png: bytes, colours: list[str], tolerance: int = 12) -> int:
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)
    hit = np.zeros(pixels.shape[:2], dtype=bool)
    for colour in colours:
        target = np.array([int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)])
        hit |= (np.abs(pixels - target) <= tolerance).all(axis=2)
    return int(hit.sum())


def test_the_map_draws_its_school_points_offline(app_server: str, page: Page) -> None:
    page.goto(f"{app_server}/county_map")
    wait_ready(page)
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.locator(".scatterlayer").first.wait_for()
    # grade colours that the blue district shading cannot produce
    colours = [palette.GRADE_COLOURS[2], palette.GRADE_COLOURS[3], palette.GRADE_COLOURS[4]]
    pixels = 0
    for _ in range(30):  # plotly may paint after the figure arrives
        page.wait_for_timeout(300)
        pixels = _marker_pixels(chart.screenshot(), colours)
        if pixels > 200:
            break
    SHOTS.mkdir(parents=True, exist_ok=True)
    chart.screenshot(path=str(SHOTS / "map_chart.png"))
    assert pixels > 200, f"only {pixels} marker-coloured pixels: the points were not drawn"


def test_uploaded_returns_go_through_the_ingest_and_show_on_the_page(
    sample_db: Path, page: Page, tmp_path: Path
) -> None:
    db = tmp_path / "upload.duckdb"
    db.write_bytes(sample_db.read_bytes())  # the upload writes: never touch the shared db
    bad = tmp_path / "scanned-return-upload.xlsx"
    bad.write_bytes(b"%PDF-1.4 this is a scan, not a workbook")
    with streamlit_server(db) as url:
        page.goto(f"{url}/returns_quality")
        wait_ready(page)
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(bad))
        page.get_by_role("button", name="Load these returns").click()
        wait_ready(page)
        page.get_by_text("1 file: 0 loaded, 1 rejected").wait_for()
        # the rejected file is now in the table read back from the swapped-in database
        page.get_by_text("scanned-return-upload.xlsx").first.wait_for(state="attached")
        assert page.locator('[data-testid="stException"]').count() == 0
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "upload_done.png"))


# --- meeting packs and presentation mode -------------------------------------------------

PACK_TIMEOUT = 180_000  # the first pack starts the chart-drawing browser


def test_the_cabinet_pack_downloads_as_a_powerpoint_with_every_slide(
    app_server: str, page: Page, tmp_path: Path
) -> None:
    page.goto(f"{app_server}/packs")
    wait_ready(page)
    page.get_by_role("button", name="Make cabinet pack").click()
    download = page.get_by_role("button", name="Download cabinet pack")
    download.wait_for(timeout=PACK_TIMEOUT)
    assert page.locator('[data-testid="stException"]').count() == 0
    with page.expect_download() as info:
        download.click()
    assert info.value.suggested_filename.endswith(".pptx")
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    slides = Presentation(str(target)).slides
    assert len(slides) > 5


def _a_school(db: Path) -> tuple[int, str]:
    """A school flagged for support in the sample county (its URN and name)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        urn, name = con.execute(
            "SELECT s.urn, s.name FROM gold.support_flags "
            "JOIN gold.school_overview AS s USING (urn) "
            "ORDER BY s.urn LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    return int(urn), str(name)


def test_the_school_profile_hands_over_the_schools_governor_report(
    app_server: str, sample_db: Path, page: Page
) -> None:
    urn, name = _a_school(sample_db)
    page.goto(f"{app_server}/school_profile?urn={urn}")
    wait_ready(page)
    page.get_by_role("heading", name=name).first.wait_for()
    page.get_by_role("button", name="Make governor report (PDF)").click()
    download = page.get_by_role("button", name="Download governor report")
    download.wait_for(timeout=PACK_TIMEOUT)
    with page.expect_download() as info:
        download.click()
    assert info.value.suggested_filename.startswith(f"{urn}-")
    # kept, with its pages as PNG, to look at: the report as the profile hands it over
    out = PROJECT_ROOT / "test-artifacts" / "governor"
    out.mkdir(parents=True, exist_ok=True)
    target = out / "app-profile.pdf"
    info.value.save_as(target)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(target), str(out / "app-profile")], check=True
    )
    text = "\n".join(p.extract_text() or "" for p in PdfReader(target).pages)
    assert str(urn) in text


def test_presentation_mode_hides_the_sidebar_and_enlarges_the_page(
    app_server: str, page: Page
) -> None:
    page.set_viewport_size({"width": 1920, "height": 1080})  # a projector
    page.goto(f"{app_server}/?present=1")
    wait_ready(page)
    page.get_by_role("heading", name="Overview", exact=True).wait_for()
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stSidebar"]').is_hidden()
    assert page.locator('[data-testid="stHeader"]').is_hidden()
    title_px = page.get_by_role("heading", name="Overview", exact=True).evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert title_px >= 48
    metric_px = page.locator('[data-testid="stMetricValue"] p').first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    # sized to its box (ui/projector.py), so "532 of 589" stays on one line: half again
    # Streamlit's own 36 px on a 1920 px projector
    assert metric_px >= 48
    page.wait_for_timeout(1000)  # let plotly finish drawing before the picture
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "presentation_overview.png"))
    # "Exit presentation" brings the sidebar back and drops ?present=1
    page.get_by_role("button", name="Exit presentation").click()
    wait_ready(page)
    page.locator('[data-testid="stSidebar"]').wait_for(state="visible")
    assert "present=" not in page.url
