"""The profile's grade explanations and the Overview's need-support metrics in a real browser
(Debian chromium), screenshots kept in test-artifacts/."""

from __future__ import annotations

import duckdb
import pytest
from playwright.sync_api import Page

from tests.conftest import PROJECT_ROOT, wait_ready

ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "browser"


@pytest.fixture
def page(page: Page) -> Page:
    page.set_viewport_size({"width": 1600, "height": 1800})
    page.set_default_timeout(60_000)
    return page


def test_the_profile_says_how_each_grade_was_reached(app_server, sample_db, page):
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        urn, label = con.execute(
            """SELECT e.urn, any_value(e.area_label) FROM gold.grade_explanations e
               WHERE e.is_current_round AND e.capped_by IS NOT NULL AND e.statements_lost > 0
               GROUP BY e.urn ORDER BY e.urn LIMIT 1"""
        ).fetchone()
    finally:
        con.close()
    page.goto(f"{app_server}/school_profile?urn={urn}")
    wait_ready(page)
    heading = page.get_by_role("heading", name="How each grade was reached")
    heading.wait_for()
    heading.scroll_into_view_if_needed()
    page.get_by_text("would be").first.wait_for()  # a capped grade's sentence, in full
    expander = page.locator('[data-testid="stExpander"]').filter(has_text="that cost points")
    expander = expander.first.locator("summary")
    expander.wait_for()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "profile-grade-explanations.png"), full_page=True)
    expander.click()
    page.get_by_text("in place").first.wait_for()  # the answers, in words


def test_the_overview_counts_need_support_apart_from_themes_only(app_server, sample_db, page):
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        need, themes = con.execute(
            """SELECT count(*) FILTER (WHERE needs_support),
                      count(*) FILTER (WHERE flag_count > 0 AND NOT needs_support)
               FROM gold.school_overview"""
        ).fetchone()
    finally:
        con.close()
    page.goto(app_server)
    wait_ready(page)
    for label, value in (("Need support", need), ("Themes only", themes)):
        metric = page.locator('[data-testid="stMetric"]').filter(has_text=label)
        metric.wait_for()
        assert metric.locator('[data-testid="stMetricValue"]').inner_text() == f"{value:,}"
    assert page.get_by_text("Flagged for support").count() == 0
