"""The DfE standards in a real browser (Debian's Chromium against `streamlit run`): the county
standards view and a profile showing the four standards; axe-core finds nothing serious."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PROJECT_ROOT, wait_ready
from tests.test_a11y_browser import serious

pytestmark = [
    pytest.mark.browser,
    pytest.mark.browser_context_args(viewport={"width": 1400, "height": 1000}),
]

SHOTS = PROJECT_ROOT / "test-artifacts" / "standards"


def _school_with_a_standard_not_met(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT min(urn) FROM gold.fm_standards WHERE is_current_round AND status = 'not_met'"
        ).fetchone()[0]
    finally:
        con.close()


def test_the_county_standards_view_shows_each_standard_with_n_and_the_version_mix(
    app_server: str, page: Page
) -> None:
    page.goto(f"{app_server}/standards")
    wait_ready(page)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_role("heading", name="DfE standards")).to_be_visible()
    expect(main.get_by_text("Meet all four standards", exact=True)).to_be_visible()
    expect(main.get_by_text("This round holds", exact=False)).to_be_visible()
    for heading in ("Each standard", "By district", "By setting", "Trend across rounds"):
        expect(main.get_by_role("heading", name=heading)).to_be_visible()
    # the chart draws each standard's name on its axis
    for standard in ("Roles and responsibilities", "Annual review", "Filtering", "Monitoring"):
        expect(main.locator(".js-plotly-plot").get_by_text(standard, exact=True)).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "county-standards.png"), full_page=True)
    assert not serious(page), serious(page)


def test_a_profile_shows_the_four_standards_and_what_fell_short(
    app_server: str, page: Page, sample_db: Path
) -> None:
    urn = _school_with_a_standard_not_met(sample_db)
    page.goto(f"{app_server}/school_profile?urn={urn}")
    wait_ready(page)
    main = page.locator('[data-testid="stMain"]')
    section = main.get_by_role("heading", name="DfE filtering and monitoring standards")
    expect(section).to_be_visible()
    table = main.locator('[data-testid="stTable"]').filter(has_text="What fell short")
    expect(table).to_be_visible()
    for standard in ("1. Roles and responsibilities", "2. Annual review", "3. Filtering",
                     "4. Monitoring"):  # fmt: skip
        expect(table.get_by_text(standard, exact=True)).to_be_visible()
    expect(table.get_by_text("Not met", exact=True).first).to_be_visible()
    section.scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "profile-standards.png"), full_page=True)
    assert not serious(page), serious(page)
