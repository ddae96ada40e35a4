"""The county map answers "which district", in Debian's Chromium against `streamlit run`.

Every district is named as text on the live map (SVG, drawn offline), the county
fills the map's column, a "districts only" view hides the schools, the districts are
ranked beside the map, the map's options live in the address bar, and presenting puts
the map on the first screen. Screenshots in test-artifacts/map/.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import duckdb
import pytest
from playwright.sync_api import Locator, Page

from presentation import measures
from tests.conftest import PROJECT_ROOT, wait_ready
from tests.gold_fixture import AREA_LABELS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.browser_context_args(viewport={"width": 1400, "height": 900}),
]

SHOTS = PROJECT_ROOT / "test-artifacts" / "map"


@pytest.fixture(scope="module")
def district_names(sample_db: Path) -> list[str]:
    with duckdb.connect(str(sample_db), read_only=True) as con:
        rows = con.execute("SELECT district_name FROM gold.district_shapes").fetchall()
    return sorted(r[0] for r in rows)


def _map(page: Page) -> Locator:
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.locator(".main-svg").first.wait_for()
    return chart


def _names_on_map(chart: Locator) -> set[str]:
    """The text of every annotation on the chart, lines joined by a space."""
    texts = chart.locator("g.annotation-text-g text").evaluate_all(
        "els => els.map(e => Array.from(e.querySelectorAll('tspan.line')).length"
        " ? Array.from(e.querySelectorAll('tspan.line')).map(t => t.textContent).join(' ')"
        " : e.textContent)"
    )
    return {re.sub(r"\s+", " ", t).strip() for t in texts}


def _school_points(chart: Locator) -> int:
    # SVG markers of the school traces (the district name markers are transparent)
    return chart.locator(".scatterlayer .trace .points path.point").evaluate_all(
        "els => els.filter(e => getComputedStyle(e).fillOpacity !== '0'"
        " && !(e.style.fill || '').startsWith('rgba(0, 0, 0, 0)')).length"
    )


def _assert_county_fills(chart: Locator, share: float) -> dict[str, float]:
    """The drawn county is at least ``share`` of its column's width; returns the column."""
    column = chart.locator("xpath=ancestor::*[@data-testid='stColumn'][1]").bounding_box()
    assert column
    left, right = _county_span(chart)
    assert right - left >= share * column["width"], (
        f"the county is {right - left:.0f} px wide in a {column['width']:.0f} px column"
    )
    return dict(column)


def _county_span(chart: Locator) -> list[float]:
    """Left and right of the drawn county: the union of every filled district outline."""
    return chart.locator(".scatterlayer path.js-fill").evaluate_all(
        "els => { const r = els.map(e => e.getBoundingClientRect()).filter(b => b.width > 0);"
        " return [Math.min(...r.map(b => b.left)), Math.max(...r.map(b => b.right))]; }"
    )


def _query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def test_every_district_is_named_as_text_on_the_live_map(
    app_server: str, page: Page, district_names: list[str]
) -> None:
    page.goto(f"{app_server}/county_map")
    wait_ready(page)
    chart = _map(page)
    shown = _names_on_map(chart)
    for name in district_names:
        assert any(label.startswith(name) for label in shown), f"{name} is not on the map"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "county-map-1400.png"), full_page=True)
    # each name is inside the visible chart, not pushed off its edge
    box = chart.bounding_box()
    for label in chart.locator("g.annotation").all():
        b = label.bounding_box()
        assert b and box
        assert box["x"] <= b["x"] and b["x"] + b["width"] <= box["x"] + box["width"] + 1
        assert box["y"] <= b["y"] and b["y"] + b["height"] <= box["y"] + box["height"] + 1


def test_the_county_fills_at_least_80_percent_of_the_map_column_at_1400px(
    app_server: str, page: Page
) -> None:
    page.goto(f"{app_server}/county_map")
    wait_ready(page)
    _assert_county_fills(_map(page), 0.8)


def test_presenting_at_1400x900_the_county_fills_at_least_90_percent_of_the_map_column(
    app_server: str, page: Page
) -> None:
    page.goto(f"{app_server}/county_map?present=1")
    wait_ready(page)
    chart = _map(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "presenting-map-column-1400x900.png"))
    column = _assert_county_fills(chart, 0.9)
    box = chart.bounding_box()
    assert box and box["width"] >= 0.99 * column["width"], "the chart is narrower than its column"


def test_districts_only_hides_the_schools_and_the_choice_is_kept_in_the_address(
    app_server: str, page: Page, district_names: list[str]
) -> None:
    page.goto(f"{app_server}/county_map")
    wait_ready(page)
    assert _school_points(_map(page)) > 20
    page.get_by_text("Districts only").click()
    wait_ready(page)
    assert _query(page).get("map_view") == ["Districts only"]
    chart = _map(page)
    assert _school_points(chart) == 0
    assert len(_names_on_map(chart)) == len(district_names)
    SHOTS.mkdir(parents=True, exist_ok=True)
    chart.screenshot(path=str(SHOTS / "districts-only.png"))
    # a bookmark of the view, shading and colouring opens them again
    shade_label = list(measures.district_measures(AREA_LABELS).values())[1]  # not the default
    # Streamlit's bound widgets write the option as shown
    page.goto(
        f"{app_server}/county_map?"
        + urlencode(
            {
                "map_view": "Districts only",
                "map_district_measure": shade_label,
                "map_point_measure": "Support priority",
            }
        )
    )
    wait_ready(page)
    assert _school_points(_map(page)) == 0
    assert page.get_by_role("radio", name="Districts only").is_checked()
    main = page.locator('[data-testid="stMain"]')
    assert main.get_by_role("combobox", name="Colour schools by").input_value() == (
        "Support priority"
    )
    assert main.get_by_role("combobox", name="Shade districts by").input_value() == shade_label


def test_the_districts_are_ranked_beside_the_map(app_server: str, page: Page) -> None:
    page.goto(f"{app_server}/county_map")
    wait_ready(page)
    chart = _map(page)
    heading = page.get_by_role("heading", name="Districts ranked")
    assert heading.is_visible()
    # beside, not below: the table's column starts to the right of the map, level with it
    c, h = chart.bounding_box(), heading.bounding_box()
    assert c and h and h["x"] >= c["x"] + c["width"] - 1 and h["y"] < c["y"] + c["height"] / 2


@pytest.mark.parametrize("size", [(1400, 900), (1024, 768)], ids=["1400x900", "1024x768"])
def test_presenting_puts_the_map_on_the_first_screen(
    app_server: str, page: Page, size: tuple[int, int], district_names: list[str]
) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{app_server}/county_map?present=1")
    wait_ready(page)
    chart = _map(page)
    box = chart.bounding_box()
    assert box is not None
    visible = min(box["y"] + box["height"], size[1]) - max(box["y"], 0)
    assert visible >= 0.5 * box["height"], f"only {visible:.0f} px of the map is on screen"
    on_screen = [
        b
        for b in (a.bounding_box() for a in chart.locator("g.annotation").all())
        if b and b["y"] + b["height"] <= size[1]
    ]
    assert len(on_screen) >= len(district_names) // 2
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"presenting-{size[0]}x{size[1]}.png"))


def test_clicking_a_district_name_filters_every_page_to_it(app_server: str, page: Page) -> None:
    page.goto(f"{app_server}/county_map?map_view=Districts+only")
    wait_ready(page)
    chart = _map(page)
    label = chart.locator("g.annotation").first
    # the first line of the name (a long one is drawn on two)
    first = (label.locator("tspan.line").first.text_content() or "").strip()
    b = label.bounding_box()
    assert first and b
    page.mouse.click(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)
    wait_ready(page)
    page.wait_for_timeout(500)
    chosen = _query(page).get("district")
    assert chosen and chosen[0].startswith(first), page.url
