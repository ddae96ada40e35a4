"""A double-click on each casework form saves one record and keeps what was typed (browser).

Before ui/forms.py a double-click on *Save support record* saved the record and
an empty one dated today, and on *Save caseload change* saved nothing and said
"A reason is needed". Each test double-clicks the submit button and counts
the rows in the store.
"""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.conftest import PROJECT_ROOT
from tests.test_casework_browser import shows_in_a_table, wait_ready, worklist_top

pytestmark = [
    pytest.mark.browser,
    pytest.mark.browser_context_args(viewport={"width": 1600, "height": 2000}),
]

SHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"


def _store(county: Path) -> Path:
    return county.with_name(county.stem + ".store.sqlite")


def _rows(county: Path, sql: str, *params: object) -> list[tuple]:
    con = sqlite3.connect(_store(county))
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def _records(county: Path, urn: int) -> list[str]:
    """The school's support records' notes, oldest first. A test counts only the records
    it adds: a rerun of a failed test (tests/conftest.py) finds the first attempt's."""
    if not _store(county).exists():
        return []  # nothing written yet (and no empty store file made here)
    return [
        n
        for (n,) in _rows(
            county, "SELECT notes FROM support_records WHERE urn = ? ORDER BY id", urn
        )
    ]


def _caseload_events(county: Path, urn: int) -> list[tuple[int, str]]:
    """The school's caseload changes, oldest first: (in_caseload, reason)."""
    if not _store(county).exists():
        return []
    return _rows(
        county, "SELECT in_caseload, reason FROM caseload_events WHERE urn = ? ORDER BY id", urn
    )


def _off_the_caseload(county: Path, urn: int) -> None:
    """Take the school off every round's caseload it is in, as an officer would: each attempt
    starts from a school out of the caseload, so its Add is a change (a rerun of a failed
    first attempt found the school already added by that attempt)."""
    from lakehouse import casework, store

    if not _store(county).exists():
        return
    con = store.connect(path=_store(county))
    try:
        rounds = [r for (r,) in con.execute("SELECT DISTINCT round FROM caseload_events")]
        for held in rounds:
            if urn in set(casework.caseload(con, held)["urn"]):
                reason = "Browser test: start from a school out of the caseload"
                casework.set_caseload(con, urn, held, False, reason=reason, by="tests")
    finally:
        con.close()


def _open(page: Page, title: str) -> None:
    """Unfold an expander (a click would fold one already open)."""
    details = page.locator('[data-testid="stExpander"] details').filter(has_text=title).first
    details.wait_for()
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    page.wait_for_timeout(300)


def _add_record(page: Page, notes: str, action: str = "") -> None:
    _open(page, "Add a support record")
    page.get_by_label("Notes").fill(notes)
    if action:
        page.get_by_label("Action 1").fill(action)
        page.get_by_label("Owner 1").fill("Head teacher")
    page.get_by_role("button", name="Save support record").click()
    wait_ready(page)
    page.get_by_text("Support record saved").wait_for()


def _double_click(page: Page, name: str) -> None:
    page.get_by_role("button", name=name).dblclick()
    wait_ready(page)
    page.wait_for_timeout(1500)  # a late second submission would have run by now
    wait_ready(page)


def test_a_double_click_on_save_support_record_saves_one_record(
    server: str, county: Path, page: Page
) -> None:
    (urn, _), _ = worklist_top(county)
    before = _records(county, urn)
    page.goto(f"{server}/school_profile?urn={urn}")
    wait_ready(page)
    _open(page, "Add a support record")
    page.get_by_label("Notes").fill("Double-click visit note")
    _double_click(page, "Save support record")
    page.get_by_text("Support record saved").wait_for()
    assert page.get_by_text("A reason is needed").count() == 0
    assert _records(county, urn)[len(before) :] == ["Double-click visit note"]
    assert page.get_by_label("Notes").input_value() == "", "the next record starts empty"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "forms-double-click-support-record.png"))


def test_a_double_click_on_save_action_status_saves_one_change(
    server: str, county: Path, page: Page
) -> None:
    (urn, _), _ = worklist_top(county)
    page.goto(f"{server}/school_profile?urn={urn}")
    wait_ready(page)
    _add_record(page, "With an action", "Review the filtering logs")
    _open(page, "Update an agreed action")
    form = page.locator('[data-testid="stForm"]').filter(has_text="Save action status")
    form.locator('[data-testid="stSelectbox"]').click()
    page.get_by_role("option", name="Review the filtering logs", exact=False).first.click()
    form.get_by_text("Dropped", exact=True).click()
    before = len(_rows(county, "SELECT * FROM action_events"))
    _double_click(page, "Save action status")
    page.get_by_text("Action marked").wait_for()
    assert len(_rows(county, "SELECT * FROM action_events")) == before + 1


def test_a_double_click_on_save_caseload_change_saves_one_change_with_its_reason(
    server: str, county: Path, page: Page
) -> None:
    _, (urn, name) = worklist_top(county)
    # each attempt its own starting state (the school out of the caseload) and its own reason,
    # and only the events after this attempt began counted
    _off_the_caseload(county, urn)
    reason = f"Double-clicked reason {uuid.uuid4().hex[:6]}"
    before = _caseload_events(county, urn)
    page.goto(f"{server}/flagged_schools")
    wait_ready(page)
    form = page.locator('[data-testid="stForm"]').filter(has_text="Save caseload change")
    form.locator('[data-testid="stSelectbox"]').click()
    page.get_by_role("option", name=f"{name} — URN {urn}").click()
    # the change chosen, not left to the default: adding holds whatever the school's place
    form.get_by_text("Add", exact=True).click()
    form.get_by_label("Reason").fill(reason)
    _double_click(page, "Save caseload change")
    page.get_by_text(f"{name} added to the").wait_for()
    assert page.get_by_text("A reason is needed").count() == 0
    assert _caseload_events(county, urn)[len(before) :] == [(1, reason)]
    assert shows_in_a_table(page, reason), "the caseload table shows the school's reason"


def test_a_double_click_on_save_reminder_logs_one_reminder(
    server: str, county: Path, page: Page
) -> None:
    page.goto(f"{server}/returns_quality")
    wait_ready(page)
    _open(page, "Log a reminder")
    form = page.locator('[data-testid="stForm"]').filter(has_text="Schools reminded")
    form.get_by_role("combobox").first.click()
    page.get_by_role("option").first.click(timeout=15_000)
    page.keyboard.press("Escape")
    form.get_by_label("Note (optional)").fill("Double-clicked reminder")
    logged = "SELECT note FROM reminders WHERE note = 'Double-clicked reminder'"
    before = len(_rows(county, logged)) if _store(county).exists() else 0
    _double_click(page, "Save reminder")
    page.get_by_text("Reminder logged for 1 school").wait_for()
    assert len(_rows(county, logged)) == before + 1


def test_a_double_click_on_undo_this_entry_undoes_once(
    server: str, county: Path, page: Page
) -> None:
    (urn, _), _ = worklist_top(county)
    page.goto(f"{server}/school_profile?urn={urn}")
    wait_ready(page)
    _add_record(page, "To be undone")
    _open(page, "Undo an entry")
    form = page.locator('[data-testid="stForm"]').filter(has_text="Undo this entry")
    form.locator('[data-testid="stSelectbox"]').click()
    page.get_by_role("option").first.click()
    form.get_by_label("Reason").fill("Entered on the wrong school")
    before = len(_rows(county, "SELECT * FROM casework_undos"))
    _double_click(page, "Undo this entry")
    page.get_by_text("Undone:").first.wait_for()
    assert len(_rows(county, "SELECT * FROM casework_undos")) == before + 1


def test_a_second_click_after_the_save_saves_no_empty_record_and_says_already_saved(
    server: str, county: Path, page: Page
) -> None:
    """The save's rerun draws an empty form; a click on it, the form untouched, while the
    confirmation still shows, is the same click again: no second (empty) record."""
    _, (urn, _) = worklist_top(county)
    before = len(_records(county, urn))
    page.goto(f"{server}/school_profile?urn={urn}")
    wait_ready(page)
    _add_record(page, "Slow second click note")
    _open(page, "Add a support record")
    assert page.get_by_label("Notes").input_value() == ""
    page.get_by_role("button", name="Save support record").click()
    wait_ready(page)
    page.get_by_text("Already saved: a repeated click was ignored.").wait_for()
    page.get_by_text("Support record saved").wait_for()
    assert _records(county, urn)[before:] == ["Slow second click note"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "forms-second-click-after-save.png"))
    # a record the officer fills in is saved, however soon after the last
    _open(page, "Add a support record")
    page.get_by_label("Notes").fill("A second, real record")
    page.get_by_role("button", name="Save support record").click()
    wait_ready(page)
    page.get_by_text("Support record saved").wait_for()
    assert _records(county, urn)[before:] == ["Slow second click note", "A second, real record"]
