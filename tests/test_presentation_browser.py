"""Presentation mode on a projector's screen sizes, in Debian's Chromium against `streamlit run`.

At 1400×900 and at 1024×768 (a common projector): every page link in the strip reads
whole (no word broken across lines, no ellipsis, nothing off the screen), the priority
pills all show, and a metric such as "532 of 589" stays on one line.
Screenshots in test-artifacts/presentation/.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.conftest import PROJECT_ROOT, wait_ready
from ui.app import PAGE_SPECS

pytestmark = pytest.mark.browser

SHOTS = PROJECT_ROOT / "test-artifacts" / "presentation"
SIZES = [(1400, 900), (1024, 768)]
# every page in the app's navigation, in its order
PAGE_TITLES = [title for _, title, _ in PAGE_SPECS]

# For each word of an element's text: how many line boxes it is drawn on (1 when whole).
WORD_LINES = """e => {
  const out = [];
  const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent;
    const re = /\\S+/g;
    let m;
    while ((m = re.exec(text)) !== null) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set(Array.from(range.getClientRects())
        .filter(r => r.width > 0).map(r => Math.round(r.top)));
      out.push([m[0], tops.size]);
    }
  }
  return out;
}"""


def _open(page: Page, url: str, size: tuple[int, int]) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(url)
    wait_ready(page)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_page_link_reads_whole_in_presentation_mode(
    app_server: str, page: Page, size: tuple[int, int]
) -> None:
    _open(page, f"{app_server}/?present=1", size)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"overview-{size[0]}x{size[1]}.png"))
    links = page.locator('[data-testid="stPageLink"]')
    titles = [links.nth(i).locator("p").first.inner_text().strip() for i in range(links.count())]
    assert titles == PAGE_TITLES
    strip = [*(links.nth(i) for i in range(links.count()))]
    strip.append(page.get_by_role("button", name="Exit presentation"))
    for element in strip:
        label = element.locator("p").first
        name = label.inner_text()
        broken = [word for word, lines in label.evaluate(WORD_LINES) if lines != 1]
        assert not broken, f"{name!r} is broken inside {broken} at {size}"
        assert label.evaluate(
            "e => e.scrollWidth <= e.clientWidth + 1"
            " && getComputedStyle(e).textOverflow !== 'ellipsis'"
        ), f"{name!r} is cut at {size}"
        box = element.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= size[0], (
            f"{name!r} runs off the screen at {size}"
        )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_metrics_and_priority_buttons_fit_in_presentation_mode(
    app_server: str, page: Page, size: tuple[int, int]
) -> None:
    _open(page, f"{app_server}/?present=1", size)
    value = page.locator('[data-testid="stMetricValue"]', has_text=" of ").first
    text = value.inner_text()
    assert " of " in text
    # one line: no word of "532 of 589" sits on a line of its own
    tops = {lines for _, lines in value.evaluate(WORD_LINES)}
    assert tops == {1}
    line_height = value.evaluate(
        "e => parseFloat(getComputedStyle(e.querySelector('p') || e).lineHeight)"
    )
    assert value.bounding_box()["height"] < 1.6 * line_height, f"{text!r} wraps at {size}"

    _open(page, f"{app_server}/flagged_schools?present=1", size)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"flagged-{size[0]}x{size[1]}.png"))
    group = page.locator('[data-testid="stButtonGroup"]').first
    column = group.locator("xpath=ancestor::*[@data-testid='stColumn'][1]")
    col_box = column.bounding_box()
    for name in ("High", "Medium", "Low"):
        button = group.get_by_role("button", name=name, exact=True)
        box = button.bounding_box()
        assert box and col_box
        assert box["x"] + box["width"] <= col_box["x"] + col_box["width"] + 1, (
            f"the {name!r} button is clipped at {size}"
        )
        assert button.is_visible()
