"""Accessibility, offline assets and print, in Debian's Chromium against `streamlit run`.

* axe-core (bundled by axe-playwright-python) on every page, normal and presentation
  mode: no serious or critical violation of WCAG 2.2 A/AA.
* No request leaves 127.0.0.1 while every page loads (council networks block the rest).
* Metrics show their whole value; two pages printed to PDF (A4 landscape) fit the
  page width with no sidebar, rendered to PNG in test-artifacts/print/.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page

from tests.conftest import PROJECT_ROOT, wait_ready

pytestmark = pytest.mark.browser

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
PAGES = [
    "",
    "county_map",
    "setting_comparison",
    "standards",
    "flagged_schools",
    "school_profile",
    "returns_quality",
    "packs",
]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# A4 landscape, less the 12 mm margins of the print stylesheet, in CSS pixels
PRINT_WIDTH_PX = round((297 - 24) / 25.4 * 96)


@pytest.fixture
def page(page: Page) -> Page:
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.set_default_timeout(60_000)
    return page


def serious(page: Page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    found = []
    for v in results.response["violations"]:
        if v.get("impact") in ("serious", "critical"):
            targets = [n["target"] for n in v["nodes"][:3]]
            found.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {targets}")
    return found


@pytest.mark.parametrize("present", [False, True], ids=["normal", "presentation"])
@pytest.mark.parametrize("path", PAGES, ids=[p or "overview" for p in PAGES])
def test_no_serious_accessibility_violation_on_any_page(
    app_server: str, page: Page, path: str, present: bool
) -> None:
    page.goto(f"{app_server}/{path}" + ("?present=1" if present else ""))
    wait_ready(page)
    problems = serious(page)
    if problems:
        out = ARTIFACTS / "a11y"
        out.mkdir(parents=True, exist_ok=True)
        name = f"{path or 'overview'}{'-present' if present else ''}.json"
        (out / name).write_text(json.dumps(problems, indent=1))
    assert not problems, problems


def test_no_request_leaves_the_machine_while_every_page_loads(app_server: str, page: Page) -> None:
    outside: list[str] = []

    def note(request) -> None:
        url = urlparse(request.url)
        if url.scheme in ("data", "blob", "about"):
            return
        if url.hostname not in LOCAL_HOSTS:
            outside.append(request.url)

    page.on("request", note)
    for path in PAGES:
        page.goto(f"{app_server}/{path}")
        wait_ready(page)
    for path in ("", "county_map"):
        page.goto(f"{app_server}/{path}?present=1")
        wait_ready(page)
    assert not outside, sorted(set(outside))[:10]
    icon = page.locator('link[rel*="icon"]').first.get_attribute("href") or ""
    assert not urlparse(icon).hostname or urlparse(icon).hostname in LOCAL_HOSTS


def test_metric_values_are_shown_whole(app_server: str, page: Page) -> None:
    for width in (1400, 1000):
        page.set_viewport_size({"width": width, "height": 1000})
        page.goto(app_server)
        wait_ready(page)
        values = page.locator('[data-testid="stMetricValue"]')
        assert values.count() >= 3
        for i in range(values.count()):
            el = values.nth(i)
            text = el.inner_text().strip()
            assert not text.endswith(("…", "...")), text
            clipped = el.evaluate(
                "e => [e, ...e.querySelectorAll('*')].some(n => n.scrollWidth > n.clientWidth + 1)"
            )
            assert not clipped, f"metric {text!r} is cut off at {width}px"
        received = page.get_by_text(" of ", exact=False).locator(
            'xpath=ancestor-or-self::*[@data-testid="stMetricValue"]'
        )
        if received.count():
            assert received.first.inner_text().strip().split(" of ")[1].strip().isdigit()


@pytest.mark.parametrize("path", ["", "flagged_schools"], ids=["overview", "flagged_schools"])
def test_a_printed_page_fits_a4_landscape_without_the_sidebar(
    app_server: str, page: Page, path: str, tmp_path: Path
) -> None:
    page.goto(f"{app_server}/{path}")
    wait_ready(page)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": PRINT_WIDTH_PX, "height": 1000})
    page.wait_for_timeout(800)
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert not page.locator('[data-testid="stHeader"]').is_visible()
    # every piece of text, as far as it shows (clipped by any scrolling ancestor, as a
    # table's hidden columns are), ends inside the printable width
    too_wide = page.evaluate(
        """w => {
          const out = [];
          const walker = document.createTreeWalker(
            document.querySelector('[data-testid="stMainBlockContainer"]'), NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const node = walker.currentNode;
            if (!node.textContent.trim()) continue;
            const range = document.createRange(); range.selectNodeContents(node);
            const r = range.getBoundingClientRect();
            if (r.width === 0) continue;
            let right = r.right, left = r.left;
            for (let a = node.parentElement; a; a = a.parentElement) {
              const cs = getComputedStyle(a);
              if (cs.display === 'none' || cs.visibility === 'hidden') { right = -1; break; }
              if (cs.overflowX !== 'visible') {
                const b = a.getBoundingClientRect();
                right = Math.min(right, b.right); left = Math.max(left, b.left);
              }
            }
            if (right > left && right > w + 2) out.push(node.textContent.trim().slice(0, 40)
                                                       + ' @' + Math.round(right));
          }
          return out.slice(0, 8);
        }""",
        PRINT_WIDTH_PX,
    )
    assert not too_wide, too_wide
    out = ARTIFACTS / "print"
    out.mkdir(parents=True, exist_ok=True)
    name = path or "overview"
    pdf = out / f"{name}.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    from pypdf import PdfReader

    first = PdfReader(pdf).pages[0]
    assert float(first.mediabox.width) > float(first.mediabox.height)  # landscape
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-r", "50", "-f", "1", "-l", "2", "-png", str(pdf), str(out / name)],
            check=True,
            timeout=120,
        )
        assert list(out.glob(f"{name}-*.png"))


def test_presentation_mode_keeps_every_page_link_name_whole(app_server: str, page: Page) -> None:
    for width in (1400, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{app_server}/?present=1")
        wait_ready(page)
        links = page.locator('[data-testid="stPageLink"]')
        assert links.count() >= 7
        for i in range(links.count()):
            link = links.nth(i)
            # the label text, not the icon (a font ligature measured as its name)
            cut = link.evaluate(
                "e => Array.from(e.querySelectorAll('p, [data-testid=\"stMarkdownContainer\"]'))"
                ".some(n => n.scrollWidth > n.clientWidth + 1"
                " || getComputedStyle(n).textOverflow === 'ellipsis')"
            )
            assert not cut, f"{link.inner_text()!r} is cut at {width}px"
