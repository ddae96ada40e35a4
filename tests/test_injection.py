"""School-supplied text is shown and exported as text: never Markdown, HTML or a formula.

Issue 10 found the profile heading rendering a register name as Markdown (a
name can be a live phishing link or a tracking image the browser fetches) and
Streamlit's own table "Download as CSV" writing ``=HYPERLINK(...)`` raw.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import plotly
import plotly.graph_objects as go
import pytest
from playwright.sync_api import Page
from streamlit.testing.v1 import AppTest

from lakehouse import reads
from lakehouse.db import connect_readonly, writing
from lakehouse.filters import Filters
from presentation import charts
from tests.conftest import PROJECT_ROOT, streamlit_server
from tests.seed_copy import shipped_labels
from ui import safe

LINK = "[x](http://evil.example)"
IMAGE = "![t](http://evil.example/t.png)"
HOSTILE_NAME = f"{LINK} {IMAGE} Primary"
FORMULA = '=HYPERLINK("http://evil.example","Click")'
SHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
DASHBOARD = str(PROJECT_ROOT / "dashboard.py")


@pytest.fixture(scope="module")
def hostile_db(gold_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, int]:
    """The gold fixture with a Markdown name on 900004 and a formula name on a chased school."""
    db = tmp_path_factory.mktemp("hostile") / "county.duckdb"
    db.write_bytes(gold_db.read_bytes())
    con = connect_readonly(db)
    current = reads.base.filter_options(con.cursor()).current_round
    chased = int(reads.returns.chase_list(con.cursor(), Filters(round=current))["urn"].iloc[0])
    con.close()
    with writing(db) as w:
        w.execute("UPDATE gold.school_overview SET name = ? WHERE urn = 900004", [HOSTILE_NAME])
        w.execute("UPDATE gold.school_overview SET name = ? WHERE urn = ?", [FORMULA, chased])
    return db, 900004, chased


def test_a_markdown_school_name_shows_literally_on_the_profile(
    hostile_db: tuple[Path, int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, urn, _ = hostile_db
    monkeypatch.setenv("ESAFETY_DB", str(db))
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.switch_page("pages/school_profile.py").run()
    at.text_input(key="profile_search").input(str(urn)).run()
    assert not at.exception
    heading = at.get("html")[0].proto.body
    assert "[x](http://evil.example)" in heading and "![t](http://evil.example/t.png)" in heading
    assert "<a" not in heading and "<img" not in heading
    # nowhere else on the page does the name go through Markdown
    for kind in ("markdown", "header", "title", "caption", "subheader"):
        assert all(LINK not in str(e.value) for e in at.get(kind)), kind


# --- in the browser -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_server(hostile_db: tuple[Path, int, int]) -> Iterator[str]:
    with streamlit_server(hostile_db[0]) as url:
        yield url


def _ready(page: Page) -> None:
    page.wait_for_selector('[data-testid="stAppViewContainer"]')
    quiet = 0
    while quiet < 5:
        page.wait_for_timeout(200)
        quiet = 0 if page.locator('[data-testid="stStatusWidget"]').count() else quiet + 1


@pytest.mark.browser
def test_the_profile_heading_is_no_link_and_fetches_no_image(
    hostile_server: str, hostile_db: tuple[Path, int, int], page: Page
) -> None:
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if "evil.example" in r.url else None)
    page.set_default_timeout(60_000)
    page.goto(f"{hostile_server}/school_profile?urn={hostile_db[1]}")
    _ready(page)
    page.get_by_text(HOSTILE_NAME, exact=True).first.wait_for()
    assert page.locator('a[href*="evil.example"]').count() == 0
    assert page.locator('img[src*="evil.example"]').count() == 0
    assert fetched == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "injection-profile.png"))


def _builtin_csv_buttons(page: Page) -> int:
    """Hover the first visible table; count the toolbar's own download buttons."""
    page.locator('[data-testid="stDataFrame"]:visible').first.hover()
    page.wait_for_timeout(800)
    toolbar = page.locator('[data-testid="stElementToolbar"]:visible')
    return toolbar.get_by_role("button", name="Download as CSV").count()


@pytest.mark.browser
def test_streamlits_table_toolbar_would_offer_a_raw_csv_without_our_setting(
    hostile_db: tuple[Path, int, int], page: Page
) -> None:
    """The finding reproduced: with client.disableDataExport off, the toolbar has the button."""
    with streamlit_server(hostile_db[0], extra_args=["--client.disableDataExport", "false"]) as url:
        page.set_default_timeout(60_000)
        page.goto(f"{url}/returns_quality")
        _ready(page)
        assert _builtin_csv_buttons(page) >= 1


@pytest.mark.browser
def test_no_table_offers_streamlits_own_csv_download_and_ours_defuses_formulas(
    hostile_server: str, page: Page, tmp_path: Path
) -> None:
    page.set_default_timeout(60_000)
    page.goto(f"{hostile_server}/returns_quality")
    _ready(page)
    assert _builtin_csv_buttons(page) == 0
    with page.expect_download() as got:
        page.get_by_role("button", name="Chase list (CSV)").click()
    text = Path(got.value.path()).read_text(encoding="utf-8-sig")
    assert "'" + FORMULA.replace('"', '""') in text or "'" + FORMULA in text
    assert "\n" + FORMULA not in text and "," + FORMULA not in text


# --- plotly figures -----------------------------------------------------------------------

ANCHOR = '<a href="http://evil.example/a">x</a>'
ESCAPED = '&lt;a href="http://evil.example/a"&gt;x&lt;/a&gt;'


def _hostile_points() -> tuple[pd.DataFrame, pd.DataFrame]:
    square = {"type": "Polygon", "coordinates": [[[0, 51], [1, 51], [1, 52], [0, 52], [0, 51]]]}
    districts = pd.DataFrame(
        {
            "district_code": ["E1"],
            "district_name": [ANCHOR + " District"],
            "geometry": [json.dumps(square)],
            "schools": [1],
            "score": [70.0],
        }
    )
    points = pd.DataFrame(
        {
            "name": [ANCHOR + " Primary"],
            "urn": [900004],
            "setting": ["<b>Primary</b>"],
            "district": [ANCHOR + " District"],
            "lon": [0.5],
            "lat": [51.5],
            "priority": [None],
        }
    )
    return districts, points


def test_a_school_or_district_named_with_a_link_is_escaped_in_every_figure() -> None:
    districts, points = _hostile_points()
    grades = pd.DataFrame(
        {"group": [ANCHOR], "grade": [2], "grade_label": ["Good"], "schools": [3]}
    )
    figures = {
        "county map": charts.county_map(
            districts, points, "priority", "score", shipped_labels(), "Score"
        ),
        "static map": charts.district_map_static(districts, "score", "Score", [ANCHOR]),
        "grade bars": charts.stacked_grade_bars(grades, "group", title=ANCHOR),
        "count bars": charts.count_bars(
            pd.DataFrame({"flag_label": [ANCHOR], "schools": [1]}), "flag_label", "schools"
        ),
        "returns": charts.returns_chart(
            pd.DataFrame(
                {"group": [ANCHOR], "expected": [2], "received": [1], "late": [0], "missing": [1]}
            ),
            shipped_labels().return_statuses,
        ),
    }
    for what, fig in figures.items():
        shown = json.dumps(json.loads(fig.to_json()))
        assert ESCAPED.replace('"', '\\"') in shown, what
        assert "<a href" not in shown and "<b>Primary" not in shown, what


def test_the_county_map_page_still_reads_the_district_back_from_an_escaped_name() -> None:
    assert charts.plain("Tunbridge Wells & Rye") == "Tunbridge Wells &amp; Rye"
    assert html.unescape(charts.plain("Tunbridge Wells & Rye")) == "Tunbridge Wells & Rye"


def test_markdown_in_a_caption_is_shown_as_typed() -> None:
    shown = safe.md(f"{LINK} {IMAGE} :red[alarm] $x$ www.evil.example\nline")
    assert "\n" not in shown
    # nothing left for Markdown or Streamlit to act on: no link, image, colour, LaTeX
    assert re.search(r"(?<!\\)[\[\]!:$]", shown) is None
    assert "www\\.evil" in shown
    assert safe.md("- 1. # x") == "\\- 1. # x" and safe.md("1. x") == "1\\. x"
    # a file path reads the same in the message's source
    assert safe.md("/tmp/a_b/test_x.duckdb") == "/tmp/a_b/test_x.duckdb"


def _render(page: Page, fig: go.Figure, path: Path) -> None:
    """Draw ``fig`` with the installed plotly.js from a local file (no network)."""
    js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    path.write_text(fig.to_html(include_plotlyjs=js.as_uri(), full_html=True), encoding="utf-8")
    page.goto(path.as_uri())
    page.wait_for_selector(".plotly-graph-div .main-svg")


def _evil_links(page: Page) -> int:
    """Links to evil.example, HTML or SVG (plotly's links carry xlink:href, not href)."""
    return page.evaluate(
        "() => [...document.querySelectorAll('a')].filter(a => (a.getAttribute('href') ||"
        " a.getAttributeNS('http://www.w3.org/1999/xlink', 'href') || '')"
        ".includes('evil.example')).length"
    )


@pytest.mark.browser
def test_plotly_draws_a_raw_link_name_as_a_link(page: Page, tmp_path: Path) -> None:
    """The finding reproduced: a name straight into plotly becomes an <a> in the chart."""
    fig = go.Figure(go.Bar(orientation="h", y=[ANCHOR], x=[1]))
    _render(page, fig, tmp_path / "raw.html")
    assert _evil_links(page) >= 1


@pytest.mark.browser
def test_charts_draw_a_link_name_literally_on_the_axis_and_in_the_hover(
    page: Page, tmp_path: Path
) -> None:
    districts, _ = _hostile_points()
    for name, fig in {
        "bars": charts.count_bars(
            pd.DataFrame({"flag_label": [ANCHOR], "schools": [3]}), "flag_label", "schools"
        ),
        "static-map": charts.district_map_static(districts, "score", "Score"),
    }.items():
        _render(page, fig, tmp_path / f"{name}.html")
        if name == "bars":
            page.locator(".plotly-graph-div .bars path").first.hover(force=True)
            page.wait_for_selector(".hoverlayer .hovertext")
            assert ANCHOR in page.locator(".hoverlayer").text_content()
        assert ANCHOR in page.locator(".plotly-graph-div .main-svg").first.text_content() + (
            page.locator(".plotly-graph-div").text_content() or ""
        )
        assert _evil_links(page) == 0, name
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"injection-chart-{name}.png"))


def _rename_district(gold_db: Path, db: Path, name: str) -> None:
    """Copy the gold fixture to ``db`` with one district renamed in every gold table."""
    db.write_bytes(gold_db.read_bytes())
    with writing(db) as w:
        old = w.execute("SELECT min(district) FROM gold.school_overview").fetchone()[0]
        columns = w.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'gold' AND column_name IN ('district', 'district_name')"
        ).fetchall()
        for table, column in columns:
            # identifiers from the database's own catalogue, values bound
            w.execute(f'UPDATE gold."{table}" SET "{column}" = ? WHERE "{column}" = ?', [name, old])
        w.execute("UPDATE gold.school_overview SET name = ? WHERE district = ?", [ANCHOR, name])


@pytest.fixture(scope="module")
def hostile_district_db(gold_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The gold fixture with one district renamed to a Markdown link."""
    db = tmp_path_factory.mktemp("hostile_district") / "county.duckdb"
    _rename_district(gold_db, db, LINK + " District")
    return db


def test_a_markdown_district_name_in_the_page_caption_shows_literally(
    hostile_district_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESAFETY_DB", str(hostile_district_db))
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.query_params["district"] = LINK + " District"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    captions = [str(c.value) for c in at.caption]
    header = next(c for c in captions if c.startswith("Round "))
    # the finding: unescaped, this caption carried "[x](http://evil.example)", a live link
    assert LINK not in header
    assert safe.md(LINK + " District") in header


@pytest.mark.browser
def test_the_county_map_draws_a_link_named_district_and_school_without_a_link(
    gold_db: Path, tmp_path: Path, page: Page
) -> None:
    db = tmp_path / "county.duckdb"
    _rename_district(gold_db, db, ANCHOR + " District")
    with streamlit_server(db) as url:
        page.set_default_timeout(60_000)
        page.goto(f"{url}/county_map")
        _ready(page)
        chart = page.locator('[data-testid="stPlotlyChart"]').first
        chart.wait_for()
        page.wait_for_timeout(1500)
        page.set_viewport_size({"width": 1280, "height": 1100})
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        assert box is not None
        # sweep the pointer over the map so plotly draws district and school hover labels
        literal = 0
        for fx in (0.35, 0.45, 0.5, 0.55, 0.65):
            for fy in (0.3, 0.4, 0.5, 0.6, 0.7):
                page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
                page.wait_for_timeout(150)
                assert _evil_links(page) == 0
                shown = page.locator(".hoverlayer").first.text_content() or ""
                literal += ANCHOR in shown
        assert literal > 0  # a hover label showed the hostile name, as typed
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "injection-county-map.png"))
