"""Pages that never truncate what matters: wide text columns and the selected row in full."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_pages_apptest import _open


def _column_widths(at, column: str) -> list[str]:
    """The configured width of ``column`` in every table on the page that has it."""
    widths = []
    for table in at.dataframe:
        config = json.loads(table.proto.columns or "{}")
        for key, value in config.items():
            if key.split(":", 1)[-1] == column or value.get("label") == column:
                widths.append(value.get("width"))
    return widths


def test_the_worklist_gives_its_reasons_and_actions_the_widest_columns(
    gold_db: Path, monkeypatch
) -> None:
    at = _open(gold_db, "pages/flagged_schools.py", monkeypatch=monkeypatch)
    assert not at.exception
    for column in ("Concerns", "Themes", "Suggested actions"):
        assert set(_column_widths(at, column)) == {"large"}, column
    assert any("Tick a row to read" in c.value for c in at.caption)


def test_the_returns_page_gives_rejection_reasons_and_messages_wide_columns(
    gold_db: Path, monkeypatch
) -> None:
    at = _open(gold_db, "pages/returns_quality.py", monkeypatch=monkeypatch)
    assert not at.exception
    # rejected files: a static table, every reason whole; messages: a wide column
    rejected = next(t.value for t in at.table if "Reason" in t.value.columns)
    assert {"File", "School", "Reason", "Received"} <= set(rejected.columns)
    assert _column_widths(at, "Message") == ["large"]


def test_the_chase_list_gives_its_contact_columns_room(gold_db: Path, monkeypatch) -> None:
    at = _open(gold_db, "pages/returns_quality.py", monkeypatch=monkeypatch)
    assert not at.exception
    for column in ("Website", "Trust"):
        assert _column_widths(at, column) == ["medium"], column
    assert any("contact details in full" in c.value for c in at.caption)


def test_the_school_profile_shows_each_flag_reason_and_action_in_full_as_text(
    gold_db: Path, monkeypatch
) -> None:
    from lakehouse import reads
    from lakehouse.db import ReadOnlyDatabase

    db = ReadOnlyDatabase(gold_db)
    try:
        flags = reads.triage.school_flags(db.cursor(), 900004)
    finally:
        db.close()
    assert not flags.empty
    at = _open(gold_db, "pages/school_profile.py", {"urn": "900004"}, monkeypatch=monkeypatch)
    assert not at.exception
    texts = [t.value for t in at.text]
    for _, f in flags.iterrows():
        assert f"Reason: {f['reason']}" in texts
        assert f"Suggested action: {f['suggested_action']}" in texts
    # no flag table to cut them off, and the policy table is a static one, every column whole
    assert _column_widths(at, "Reason") == []
    assert any("Freshness" in tbl.value.columns for tbl in at.table)
