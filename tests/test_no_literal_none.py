"""No page shows the word "None" for a missing value: text, metrics and static tables say
what is missing in words, and every dataframe draws an empty cell as a dash."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from presentation.formatting import MISSING
from tests.test_pages_apptest import PAGES, _open

NONE = re.compile(r"\bNone\b(?! of\b)")  # "None of the 3 schools" is English


def _texts(at) -> list[str]:
    out: list[str] = []
    for kind in ("markdown", "caption", "text", "info", "warning", "success", "error", "title"):
        out += [str(e.value) for e in getattr(at, kind)]
    out += [f"{m.label}: {m.value}" for m in at.metric]
    for table in at.table:
        out += [str(v) for v in table.value.astype(str).to_numpy().ravel()]
        out += [str(c) for c in table.value.columns]
    for html in at.get("html"):
        out.append(html.proto.body)
    return out


@pytest.mark.parametrize("page", PAGES)
def test_no_page_shows_the_word_none(any_db: Path, page: str, shown_page) -> None:
    at = shown_page(any_db, page)
    shown = [t for t in _texts(at) if NONE.search(t)]
    assert not shown, shown
    for frame in at.dataframe:
        assert frame.proto.placeholder == MISSING, page


def test_the_profile_of_a_school_with_no_return_says_so_without_none(
    gold_db: Path, monkeypatch
) -> None:
    at = _open(gold_db, "pages/school_profile.py", monkeypatch=monkeypatch)
    at.text_input(key="profile_search").input("Hazel").run()
    shown = [t for t in _texts(at) if NONE.search(t)]
    assert not shown, shown
