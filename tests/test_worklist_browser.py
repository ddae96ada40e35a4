"""The worklist in Debian's chromium: one click from a row to that school's profile, the
reasons and actions in full on both pages, the capacity line, and choices kept in the URL."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.conftest import PROJECT_ROOT, streamlit_server
from tests.conftest import wait_ready as _wait_ready

pytestmark = pytest.mark.browser

SHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
WIDE = {"width": 1400, "height": 900}
SMALL = {"width": 1024, "height": 768}
HEADER, ROW = 35, 35  # the grid's header and row heights (px)
TICK_X, OPEN_X = 18, 34 + 37  # the tick box column, then the middle of the Profile column


def wait_ready(page: Page) -> None:
    _wait_ready(page)
    assert page.locator('[data-testid="stException"]').count() == 0


def worklist(db: Path) -> list[dict]:
    """The worklist rows, in order, each with its flags (what the pages should show)."""
    from lakehouse import reads
    from lakehouse.db import ReadOnlyDatabase
    from lakehouse.filters import Filters
    from presentation import headers

    reader = ReadOnlyDatabase(db)
    try:
        # under the headers the page shows
        rows = headers.renamed(
            reads.triage.worklist(reader.cursor(), Filters()), headers.WORKLIST_HEADERS
        ).to_dict("records")
        for r in rows:
            r["flags"] = reads.triage.school_flags(reader.cursor(), int(r["URN"])).to_dict(
                "records"
            )
        return rows
    finally:
        reader.close()


def click_row(page: Page, row: int, x: int) -> None:
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + x, box["y"] + HEADER + ROW * row + ROW // 2)


def texts(page: Page) -> str:
    return "\n".join(page.locator('[data-testid="stText"]').all_inner_texts())


def test_one_click_on_a_row_other_than_the_first_opens_that_schools_profile(
    server: str, county: Path, page: Page
) -> None:
    rows = worklist(county)
    third = rows[2]
    page.set_viewport_size(WIDE)
    page.goto(f"{server}/flagged_schools")
    wait_ready(page)
    click_row(page, 2, OPEN_X)  # the third row's Profile button: one click
    wait_ready(page)
    assert urlparse(page.url).path.endswith("school_profile")
    assert parse_qs(urlparse(page.url).query)["urn"] == [str(third["URN"])]
    heading = page.locator("h2").filter(has_text=str(third["School"])).first
    heading.wait_for()
    assert heading.inner_text().strip() == third["School"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "worklist_row_to_profile.png"))


@pytest.mark.parametrize("viewport", [WIDE, SMALL], ids=["1400x900", "1024x768"])
def test_the_full_concerns_of_a_flagged_school_read_on_the_worklist_and_its_profile(
    server: str, county: Path, page: Page, viewport: dict
) -> None:
    rows = worklist(county)
    # the second row, and one with at least one concern (the text most often cut off)
    pick = next(i for i, r in enumerate(rows) if i > 0 and r["Concerns"])
    school = rows[pick]
    page.set_viewport_size(viewport)
    page.goto(f"{server}/flagged_schools")
    wait_ready(page)
    click_row(page, pick, TICK_X)
    wait_ready(page)
    page.locator(".st-key-worklist_detail").wait_for()
    shown = texts(page)
    size = f"{viewport['width']}x{viewport['height']}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".st-key-worklist_detail").screenshot(
        path=str(SHOTS / f"worklist_detail_{size}.png")
    )
    for f in school["flags"]:
        assert f"Reason: {f['reason']}" in shown, f["reason"]
        assert f"Suggested action: {f['suggested_action']}" in shown
    # each line is whole on screen: wrapped inside the panel, never wider than it
    panel = page.locator(".st-key-worklist_detail").bounding_box()
    for line in page.locator('.st-key-worklist_detail [data-testid="stText"]').all():
        box = line.bounding_box()
        assert box is not None and box["x"] + box["width"] <= panel["x"] + panel["width"] + 1
        assert line.evaluate("e => e.scrollWidth <= e.clientWidth + 1")

    # the panel's link opens the same school; its profile has every reason in full too
    page.get_by_role("link", name=f"Open profile: {school['School']}").click()
    wait_ready(page)
    page.locator("h2").filter(has_text=str(school["School"])).first.wait_for()
    shown = texts(page)
    for f in school["flags"]:
        assert f"Reason: {f['reason']}" in shown
        assert f"Suggested action: {f['suggested_action']}" in shown
    page.screenshot(path=str(SHOTS / f"profile_flags_{size}.png"), full_page=True)
    # the policy table's Freshness column is whole: a static table, wrapped
    freshness = page.locator('[data-testid="stTable"] th').filter(has_text="Freshness")
    assert freshness.count() == 1 and freshness.first.is_visible()


def test_the_capacity_cut_off_is_a_line_with_the_sentence(
    server: str, county: Path, page: Page
) -> None:
    from presentation.capacity import capacity_sentence

    rows = worklist(county)
    page.set_viewport_size(WIDE)
    page.goto(f"{server}/flagged_schools")
    wait_ready(page)
    line = page.get_by_role("separator", name="Capacity cut-off")
    line.wait_for()
    import pandas as pd

    summary = (
        pd.DataFrame(rows)
        .groupby("priority", sort=False)
        .agg(schools=("URN", "size"), within_capacity=("Within capacity", "sum"))
    )
    order = ["high", "medium", "low"]
    summary = summary.reindex(order, fill_value=0).reset_index(names="priority")
    summary["label"] = summary["priority"].str.capitalize()
    assert capacity_sentence(summary) in line.inner_text()
    assert page.get_by_text(capacity_sentence(summary) + ".").first.is_visible()


def test_the_priority_buttons_stay_in_the_address_and_a_bookmark_keeps_them(
    server: str, page: Page
) -> None:
    page.set_viewport_size(WIDE)
    page.goto(f"{server}/flagged_schools")
    wait_ready(page)
    page.get_by_role("button", name="High", exact=True).click()
    wait_ready(page)
    assert parse_qs(urlparse(page.url).query).get("priority") == ["High"]
    bookmark = page.url
    page.goto(bookmark)
    wait_ready(page)
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Schools shown").first
    high = page.locator('[data-testid="stMetric"]').filter(has_text="High priority").first
    assert (
        metric.locator('[data-testid="stMetricValue"]').inner_text()
        == high.locator('[data-testid="stMetricValue"]').inner_text()
    )


def test_the_chosen_area_on_setting_comparison_stays_in_the_address(
    server: str, page: Page
) -> None:
    from tests.gold_fixture import AREA_LABELS

    label = AREA_LABELS["leadership"]
    page.set_viewport_size(WIDE)
    page.goto(f"{server}/setting_comparison")
    wait_ready(page)
    page.get_by_role("radio", name=label, exact=True).click()
    wait_ready(page)
    assert "area" in parse_qs(urlparse(page.url).query)
    bookmark = page.url
    page.goto(bookmark)
    wait_ready(page)
    page.get_by_role("heading", name=f"{label} by setting").wait_for()


def test_the_upload_result_names_each_files_school(
    county: Path, page: Page, tmp_path: Path
) -> None:
    import datetime as dt

    import duckdb

    from tests.returns_factory import good_return, write_workbook

    con = duckdb.connect(str(county), read_only=True)
    try:
        urn, name = con.execute(
            "SELECT urn, name FROM gold.school_overview WHERE is_open ORDER BY urn LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    db = tmp_path / "upload.duckdb"
    shutil.copy(county, db)
    good = write_workbook(
        tmp_path / "resent-return.xlsx",
        good_return(urn=urn, completed=dt.date(2026, 11, 25)),
    )
    page.set_viewport_size(WIDE)
    with streamlit_server(db) as url:
        page.goto(f"{url}/returns_quality")
        wait_ready(page)
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(good))
        page.get_by_role("button", name="Load these returns").click()
        wait_ready(page)
        page.get_by_text("1 file: 1 loaded").wait_for(timeout=120_000)
        result = page.locator('[data-testid="stTable"]').filter(has_text="resent-return.xlsx")
        result.first.wait_for()
        assert name in result.first.inner_text()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "upload_names_school.png"))


def test_the_school_chosen_on_the_profile_is_kept_across_pages(
    server: str, county: Path, page: Page
) -> None:
    school = worklist(county)[1]
    page.set_viewport_size(WIDE)
    page.goto(f"{server}/school_profile?urn={school['URN']}")
    wait_ready(page)
    page.locator("h2").filter(has_text=str(school["School"])).first.wait_for()
    nav = page.locator('[data-testid="stSidebarNav"]')
    nav.get_by_role("link", name="Flagged schools").click()
    wait_ready(page)
    page.get_by_role("heading", name="Schools flagged for support").wait_for()
    nav.get_by_role("link", name="School profile").click()
    wait_ready(page)
    page.locator("h2").filter(has_text=str(school["School"])).first.wait_for()
    assert parse_qs(urlparse(page.url).query)["urn"] == [str(school["URN"])]


def test_an_officer_undoes_a_support_record_and_the_timeline_keeps_both(
    server: str, county: Path, page: Page
) -> None:
    from lakehouse import audit, store

    school = worklist(county)[3]
    notes = "Visit logged against the wrong school (browser test)"
    page.set_viewport_size(WIDE)
    page.goto(f"{server}/school_profile?urn={school['URN']}")
    wait_ready(page)
    page.get_by_label("Notes").fill(notes)
    page.get_by_role("button", name="Save support record").click()
    wait_ready(page)
    page.get_by_text("Support record saved").wait_for()
    page.get_by_text("Undo an entry").click()
    form = page.locator('[data-testid="stForm"]').filter(has_text="Undo this entry")
    form.wait_for(state="visible")
    wait_ready(page)
    entry = page.get_by_role("option").filter(has_text="Visit by").first
    for _ in range(5):  # the list opens once the expander has settled
        form.get_by_role("combobox").first.click()
        try:
            entry.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    entry.click()
    form.get_by_label("Reason").fill("Wrong school")
    page.get_by_role("button", name="Undo this entry").click()
    wait_ready(page)
    page.get_by_text("Undone:").first.wait_for()
    timeline = page.locator('[data-testid="stTable"]').filter(has_text="Undone")
    text = timeline.first.inner_text()
    assert "(undone)" in text and "Reason: Wrong school" in text and notes in text
    con = store.connect(county)
    try:
        changes = list(audit.events(con, action="casework")["details"])
    finally:
        con.close()
    assert any('"support record added"' in d for d in changes)
    assert any('"undo"' in d and "Wrong school" in d for d in changes)
