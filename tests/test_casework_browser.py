"""The support worklist and casework in Debian's chromium against `streamlit run` (browser).

Its own copy of the sample county, so the casework store it writes is its own.
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.conftest import PROJECT_ROOT
from tests.conftest import wait_ready as _wait_ready

pytestmark = [
    pytest.mark.browser,
    pytest.mark.browser_context_args(viewport={"width": 1600, "height": 2000}),
]

SHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"


def wait_ready(page: Page) -> None:
    """Ready, and no exception shown."""
    _wait_ready(page)
    assert page.locator('[data-testid="stException"]').count() == 0


def shows_in_a_table(page: Page, text: str, seconds: float = 30) -> bool:
    """Whether any table on the page shows ``text``: a dataframe's grid draws on a canvas and
    mirrors its cells in an accessible table, filled in after the script run ends; a static
    table (the case timeline) is a plain HTML table."""
    frames = page.locator('[data-testid="stDataFrame"], [data-testid="stTable"]')
    for _ in range(int(seconds * 4)):
        for i in range(frames.count()):
            table = frames.nth(i).locator("table")
            if table.count() and text in (table.first.evaluate("e => e.textContent") or ""):
                return True
        page.wait_for_timeout(250)
    return False


def row_shows(page: Page, first: str, then: str, seconds: float = 30) -> bool:
    """Whether a dataframe row holding ``first`` also shows ``then`` (cells as text)."""
    frames = page.locator('[data-testid="stDataFrame"]')
    for _ in range(int(seconds * 4)):
        for i in range(frames.count()):
            rows = frames.nth(i).locator("table tr")
            texts = rows.all_text_contents() if rows.count() else []
            if any(first in t and then in t for t in texts):
                return True
        page.wait_for_timeout(250)
    return False


def worklist_top(db: Path, n: int = 2) -> list[tuple[int, str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT urn, name FROM gold.school_overview WHERE flag_count > 0 "
            "ORDER BY support_rank LIMIT ?",
            [n],
        ).fetchall()
    finally:
        con.close()
    return [(int(u), str(name)) for u, name in rows]


def test_the_worklist_links_each_row_to_the_profile_by_urn(server: str, county: Path, page: Page):
    # what the table's Profile column opens: the profile honours ?urn= in a fresh session
    (urn, name), _ = worklist_top(county)
    page.goto(f"{server}/school_profile?urn={urn}")
    wait_ready(page)
    page.get_by_role("heading", name=name).first.wait_for()


def test_a_support_record_added_on_a_profile_survives_a_reload_and_shows_everywhere(
    server: str, county: Path, page: Page, tmp_path: Path
) -> None:
    (urn, name), _ = worklist_top(county)
    # its own words each attempt: a rerun of a failed first attempt (tests/conftest.py) finds
    # that attempt's record in the module's store
    notes = f"Visited the DSL; filtering plan agreed (browser test {uuid.uuid4().hex[:6]})"
    page.goto(f"{server}/school_profile?urn={urn}")
    wait_ready(page)
    page.get_by_role("heading", name=name).first.wait_for()
    adding = page.locator('[data-testid="stExpander"] details').filter(
        has_text="Add a support record"
    )
    if adding.first.get_attribute("open") is None:  # folded once the school has support
        adding.first.locator("summary").click()
    page.get_by_label("Notes").fill(notes)
    page.get_by_label("Action 1").fill("Book governors onto online-safety training")
    page.get_by_label("Owner 1").fill("Head teacher")
    page.get_by_role("button", name="Save support record").click()
    wait_ready(page)
    page.get_by_text("Support record saved").wait_for()

    page.reload()
    wait_ready(page)
    page.get_by_role("heading", name="Casework: support agreed with the council").wait_for()
    assert shows_in_a_table(page, notes)
    assert shows_in_a_table(page, "Book governors onto online-safety training")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "profile_casework.png"))

    today = date.today()
    page.goto(f"{server}/flagged_schools")
    wait_ready(page)
    assert shows_in_a_table(page, f"supported on {today.day} {today:%b %Y}")

    with page.expect_download() as info:
        page.get_by_role("button", name="Download casework as Excel").click()
    target = tmp_path / "casework.xlsx"
    info.value.save_as(target)
    ws = openpyxl.load_workbook(target)["Casework"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]
    mine = [r for r in rows if r["URN"] == urn and r["Notes"] == notes]
    assert len(mine) == 1
    assert (mine[0]["School"], mine[0]["Notes"], mine[0]["Owner"]) == (name, notes, "Head teacher")
    assert mine[0]["Type"] == "Visit" and mine[0]["Action status"] == "Open"


# From now on, every script-run state the app's root element takes (Streamlit marks it).
_WATCH_RUNS = """() => {
  window.__runStates = [];
  const app = document.querySelector('[data-testid="stApp"]');
  new MutationObserver(() => window.__runStates.push(app.getAttribute('data-test-script-state')))
    .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def test_a_download_click_does_not_rerun_the_page_so_its_file_always_arrives(
    server: str, page: Page, tmp_path: Path
) -> None:
    # A click on a deferred download used to rerun the page as well as ask for the file; a
    # rerun starting at the wrong moment lost the file (no download, a spinner for three
    # minutes; ui/auth.download says how). With no rerun there is nothing to race.
    page.goto(f"{server}/flagged_schools")
    wait_ready(page)
    page.evaluate(_WATCH_RUNS)
    for label in ("Download casework as Excel", "Download these"):
        with page.expect_download() as info:
            page.get_by_role("button", name=label).click()
        target = tmp_path / info.value.suggested_filename
        info.value.save_as(target)
        assert openpyxl.load_workbook(target).sheetnames, target.name
    wait_ready(page)
    assert page.evaluate("window.__runStates") == [], "a download click reran the page"


def test_an_officer_adds_a_school_to_the_caseload_with_a_reason(
    server: str, county: Path, page: Page
) -> None:
    (urn, name), _ = worklist_top(county)
    page.goto(f"{server}/flagged_schools")
    wait_ready(page)
    form = page.locator('[data-testid="stForm"]')
    form.locator('[data-testid="stSelectbox"]').click()
    page.get_by_role("option", name=f"{name} — URN {urn}").click()
    form.get_by_label("Reason").fill("Two concerns; the head asked for a visit")
    page.get_by_role("button", name="Save caseload change").click()
    wait_ready(page)
    page.get_by_text(f"{name} added to the 2026/27 caseload.").wait_for()
    assert shows_in_a_table(page, "Two concerns; the head asked for a visit")
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="In caseload").first
    assert metric.locator('[data-testid="stMetricValue"]').inner_text().strip() == "1"


def test_an_officer_logs_a_reminder_and_the_chase_list_shows_it(
    server: str, county: Path, page: Page
) -> None:
    page.goto(f"{server}/returns_quality")
    wait_ready(page)
    page.get_by_text("Log a reminder").click()
    form = page.locator('[data-testid="stForm"]').filter(has_text="Schools reminded")
    # never a "Select all" or "Select 2 matches" entry, typed or not: each option is a school
    options = page.get_by_role("option")
    for attempt in range(3):
        # a click while the expander is still opening can leave the list shut: click again
        form.get_by_role("combobox").first.click()
        try:
            options.first.wait_for(timeout=5_000)
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
    assert not [o for o in options.all_inner_texts() if o.strip().lower().startswith("select")]
    page.keyboard.type("school")
    page.wait_for_timeout(300)
    assert not [o for o in options.all_inner_texts() if o.strip().lower().startswith("select")]
    chosen = options.first.inner_text().split(" — URN ")[0].strip()
    options.first.click(timeout=15_000)
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Save reminder").click()
    wait_ready(page)
    page.get_by_text("Reminder logged for").wait_for()
    # the school's own row says how it was reminded (the chase list also has an E-mail
    # column of addresses, so the word alone anywhere in the table proves nothing)
    assert row_shows(page, chosen, "E-mail")
