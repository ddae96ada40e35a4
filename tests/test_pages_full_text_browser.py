"""In the browser: selecting a worklist row shows its whole reason text on the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.conftest import PROJECT_ROOT, wait_ready

pytestmark = pytest.mark.browser

SHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"


def _first_worklist_row(gold_db: Path) -> dict:
    from lakehouse import reads
    from lakehouse.db import ReadOnlyDatabase
    from lakehouse.filters import Filters
    from presentation import headers

    db = ReadOnlyDatabase(gold_db)
    try:
        rows = headers.renamed(
            reads.triage.worklist(db.cursor(), Filters()), headers.WORKLIST_HEADERS
        )
        first = rows.iloc[0].to_dict()
        first["flags"] = reads.triage.school_flags(db.cursor(), int(first["URN"])).to_dict(
            "records"
        )
        return first
    finally:
        db.close()


def test_selecting_a_worklist_row_shows_its_whole_reason_text(
    gold_server: str, page: Page, gold_db: Path
) -> None:
    first = _first_worklist_row(gold_db)
    page.set_viewport_size({"width": 1400, "height": 1200})
    page.goto(f"{gold_server}/flagged_schools")
    wait_ready(page)
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for()
    box = grid.bounding_box()
    assert box is not None
    # the row-selection column is the grid's first; the first data row sits under the header
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)
    wait_ready(page)
    texts = "\n".join(page.locator('[data-testid="stText"]').all_inner_texts())
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "worklist_selected_row.png"), full_page=True)
    for flag in first["flags"]:
        assert f"Reason: {flag['reason']}" in texts, texts
        assert f"Suggested action: {flag['suggested_action']}" in texts
    assert page.locator(".st-key-worklist_detail").filter(has_text=str(first["School"])).count()
