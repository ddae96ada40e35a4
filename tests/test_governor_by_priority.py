"""Governor reports for the flagged schools of the priorities chosen, with a progress bar."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Page

from lakehouse import reads
from lakehouse.db import ReadOnlyDatabase
from lakehouse.filters import Filters
from tests.conftest import wait_ready
from tests.test_pages_apptest import _open
from ui.reports import governor_zip


def _flagged(db: Path, *priorities: str) -> list[int]:
    reader = ReadOnlyDatabase(db)
    try:
        return [
            int(u) for u in reads.triage.worklist(reader.cursor(), Filters(), priorities)["urn"]
        ]
    finally:
        reader.close()


def test_the_packs_page_offers_the_high_priority_schools_by_default(
    gold_db: Path, monkeypatch
) -> None:
    high, everyone = _flagged(gold_db, "high"), _flagged(gold_db)
    assert 0 < len(high) < len(everyone)
    at = _open(gold_db, "pages/packs.py", monkeypatch=monkeypatch)
    assert at.pills(key="governor_priority").value == ["high"]
    label = f"Make governor reports for {len(high)} school" + ("" if len(high) == 1 else "s")
    assert label in [b.label for b in at.button]
    at.pills(key="governor_priority").set_value(["high", "medium", "low"]).run()
    assert f"Make governor reports for {len(everyone)} schools" in [b.label for b in at.button]


def test_the_zip_holds_one_report_per_school_and_reports_progress_after_each(gold_db: Path):
    high = _flagged(gold_db, "high")
    seen: list[tuple[int, int, int]] = []
    reader = ReadOnlyDatabase(gold_db)
    try:
        made = governor_zip(reader, high, lambda *a: seen.append(a), chart=False)
    finally:
        reader.close()
    names = zipfile.ZipFile(io.BytesIO(made)).namelist()
    assert [int(n.split("-", 1)[0]) for n in names] == high
    assert seen == [(i, len(high), u) for i, u in enumerate(high, start=1)]


@pytest.mark.browser
def test_in_the_browser_the_reports_come_with_a_progress_bar_and_a_download(
    gold_server: str, page: Page, gold_db: Path
) -> None:
    high = _flagged(gold_db, "high")
    page.set_viewport_size({"width": 1400, "height": 900})
    page.set_default_timeout(180_000)
    page.goto(f"{gold_server}/packs")
    wait_ready(page)
    page.get_by_role("button", name=f"Make governor reports for {len(high)} school").click()
    page.get_by_role("button", name=f"Download {len(high)} governor reports (zip)").wait_for()
    bar = page.locator('[data-testid="stProgress"]')
    assert f"{len(high)} reports written" in bar.first.inner_text()
