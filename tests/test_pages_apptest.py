"""Every dashboard page through Streamlit's AppTest, on real and empty databases."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import open_app
from ui import projector

PAGES = [
    "pages/overview.py",
    "pages/county_map.py",
    "pages/setting_comparison.py",
    "pages/standards.py",
    "pages/flagged_schools.py",
    "pages/school_profile.py",
    "pages/returns_quality.py",
    "pages/packs.py",
]
TIMEOUT = 60


def _open(
    db: Path,
    page: str | None = None,
    query: dict[str, str | list[str]] | None = None,
    monkeypatch: pytest.MonkeyPatch | None = None,
) -> AppTest:
    assert monkeypatch is not None
    monkeypatch.setenv("ESAFETY_DB", str(db))
    return open_app(page, query, timeout=TIMEOUT)


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _qp(at: AppTest, key: str) -> list[str]:
    value = at.query_params[key]
    return [value] if isinstance(value, str) else list(value)


def _table_with(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _charts(at: AppTest) -> list[str]:
    return [c.proto.spec for c in at.get("plotly_chart")]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_an_exception(any_db: Path, page: str, shown_page) -> None:
    at = shown_page(any_db, page)
    assert at.title, "every page has a heading"
    assert not any("No data yet" in i.value for i in at.info)


def test_no_download_button_reruns_the_page_when_clicked(sample_db: Path, shown_page) -> None:
    """A deferred download's click also reran the page, and that rerun could lose the file
    (ui/auth.download): every download on every page takes its click without one."""
    reruns = {
        (page, button.proto.label): not button.proto.ignore_rerun
        for page in PAGES
        for button in shown_page(sample_db, page).get("download_button")
    }
    assert len(reruns) >= 4, "the pages offer their downloads"
    assert [button for button, rerun in reruns.items() if rerun] == []


@pytest.mark.parametrize("page", PAGES)
def test_every_page_says_no_data_yet_when_the_database_is_missing(
    tmp_path: Path, page: str, monkeypatch
) -> None:
    at = _open(tmp_path / "missing.duckdb", page, monkeypatch=monkeypatch)
    assert any("No data yet" in i.value for i in at.info)
    assert any("make sample" in c.value for c in at.code)
    assert not (tmp_path / "missing.duckdb").exists(), "the app never creates the database"


def test_a_database_with_no_gold_tables_says_no_data_yet(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "bronze_only.duckdb"
    duckdb.connect(str(db)).close()
    at = _open(db, "pages/flagged_schools.py", monkeypatch=monkeypatch)
    assert any("No data yet" in i.value for i in at.info)


def test_a_file_that_is_not_a_database_gets_a_one_line_message(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "garbage.duckdb"
    db.write_bytes(b"this is not a duckdb file" * 100)
    at = _open(db, "pages/overview.py", monkeypatch=monkeypatch)
    assert len(at.error) == 1
    assert str(db) in at.error[0].value and "\n" not in at.error[0].value


def test_choosing_a_district_changes_the_overview_numbers(gold_db: Path, monkeypatch) -> None:
    at = _open(gold_db, "pages/overview.py", monkeypatch=monkeypatch)
    assert _metric(at, "Schools") == "12"
    before = _charts(at)
    at.multiselect(key="f_districts").select("Eastvale").run()
    assert _metric(at, "Schools") == "4"
    assert _charts(at) != before


def test_the_filters_are_kept_in_the_query_string(gold_db: Path, monkeypatch) -> None:
    at = _open(gold_db, "pages/overview.py", monkeypatch=monkeypatch)
    at.multiselect(key="f_settings").select("Primary").run()
    at.selectbox(key="f_filtering").select("managed").run()
    assert _qp(at, "setting") == ["Primary"]
    assert _qp(at, "filtering") == ["managed"]
    assert "round" not in at.query_params  # the current round is the default


def test_a_bookmarked_link_opens_with_its_filters(gold_db: Path, monkeypatch) -> None:
    at = _open(
        gold_db,
        None,
        query={"district": ["Eastvale", "Northdown"], "round": "2025/26"},
        monkeypatch=monkeypatch,
    )
    assert at.multiselect(key="f_districts").value == ["Eastvale", "Northdown"]
    assert at.selectbox(key="f_round").value == "2025/26"
    assert _metric(at, "Schools") == "8"


def test_a_bookmark_with_unknown_values_falls_back_to_everything(
    gold_db: Path, monkeypatch
) -> None:
    at = _open(
        gold_db,
        None,
        query={"district": "Atlantis", "round": "1999/00", "filtering": "sideways"},
        monkeypatch=monkeypatch,
    )
    assert at.multiselect(key="f_districts").value == []
    assert _metric(at, "Schools") == "12"


def test_the_filters_survive_a_change_of_page(gold_db: Path, monkeypatch) -> None:
    at = _open(gold_db, "pages/overview.py", monkeypatch=monkeypatch)
    at.multiselect(key="f_districts").select("Southmere").run()
    at.switch_page("pages/returns_quality.py").run()
    assert at.multiselect(key="f_districts").value == ["Southmere"]
    assert _metric(at, "Expected returns") == "3"


def test_choosing_a_district_on_the_map_filters_the_whole_app(gold_db: Path, monkeypatch) -> None:
    at = _open(gold_db, "pages/county_map.py", monkeypatch=monkeypatch)
    at.selectbox(key="map_district").select("Northdown").run()
    assert at.multiselect(key="f_districts").value == ["Northdown"]
    assert _qp(at, "district") == ["Northdown"]
    at.switch_page("pages/flagged_schools.py").run()
    assert set(_table_with(at, "Concerns")["District"]) == {"Northdown"}


def test_the_map_colour_measure_changes_the_map(gold_db: Path, monkeypatch) -> None:
    at = _open(gold_db, "pages/county_map.py", monkeypatch=monkeypatch)
    before = _charts(at)
    at.selectbox(key="map_point_measure").select("priority").run()
    after = _charts(at)
    assert after != before and "High priority" in after[0]


def test_the_flagged_list_follows_the_priority_filter(gold_db: Path, monkeypatch) -> None:
    at = _open(gold_db, "pages/flagged_schools.py", monkeypatch=monkeypatch)
    everyone = len(_table_with(at, "Concerns"))
    at.pills(key="priority").set_value(["high"]).run()
    high = _table_with(at, "Concerns")
    assert 0 < len(high) < everyone
    assert set(high["Priority"]) == {"High"}
    assert _metric(at, "Schools shown") == str(len(high))


def test_setting_comparison_follows_the_filtering_filter(gold_db: Path, monkeypatch) -> None:
    at = _open(gold_db, "pages/setting_comparison.py", monkeypatch=monkeypatch)
    before = _charts(at)
    assert "n=6" in before[0]  # six primaries with a return
    at.selectbox(key="f_filtering").select("locked_down").run()
    after = _charts(at)
    assert after != before and "under 5" in after[0]


def test_the_school_profile_finds_a_school_by_urn(gold_db: Path, monkeypatch) -> None:
    at = _open(gold_db, "pages/school_profile.py", monkeypatch=monkeypatch)
    at.text_input(key="profile_search").input("900004").run()
    assert "<h2" in at.get("html")[0].proto.body  # the name as escaped text, not Markdown
    assert "Damson Primary School" in at.get("html")[0].proto.body
    assert _metric(at, "Overall grade") == "Satisfactory"
    assert _qp(at, "urn") == ["900004"]


def test_a_school_without_a_return_shows_no_return(gold_db: Path, monkeypatch) -> None:
    at = _open(gold_db, "pages/school_profile.py", monkeypatch=monkeypatch)
    at.text_input(key="profile_search").input("Hazel").run()
    assert not at.exception
    assert _metric(at, "Overall grade") == "No return"


def test_the_returns_page_follows_the_setting_filter(gold_db: Path, monkeypatch) -> None:
    at = _open(gold_db, "pages/returns_quality.py", monkeypatch=monkeypatch)
    assert _metric(at, "Expected returns") == "11"
    at.multiselect(key="f_settings").select("Secondary").run()
    assert _metric(at, "Expected returns") == "3"
    assert list(_table_with(at, "Previous round")["School"]) == ["Hazel High School"]


# --- meeting packs and presentation mode -------------------------------------------------


def _presenting(at: AppTest) -> bool:
    """The presentation style sheet is on the page."""
    css = projector.presentation_css().strip()
    return any(m.value.strip() == css for m in at.markdown)


def _heights(at: AppTest) -> list[int]:
    return [json.loads(spec)["layout"]["height"] for spec in _charts(at)]


def test_the_meeting_packs_page_offers_both_packs_for_the_filtered_county(
    any_db: Path, monkeypatch
) -> None:
    at = _open(any_db, "pages/packs.py", monkeypatch=monkeypatch)
    assert at.title[0].value == "Meeting packs"
    labels = [b.label for b in at.button]
    assert "Make cabinet pack" in labels
    # governor reports for the chosen priorities (high by default), the count on the button
    assert any(label.startswith("Make governor reports for ") for label in labels)
    # the shared sidebar filters are there and the header says what the pack covers
    assert at.multiselect(key="f_districts").value == []
    assert "All districts" in at.caption[0].value


def test_the_meeting_packs_page_follows_the_sidebar_filters(gold_db: Path, monkeypatch) -> None:
    at = _open(gold_db, "pages/packs.py", monkeypatch=monkeypatch)
    at.multiselect(key="f_districts").select("Eastvale").run()
    assert "Eastvale" in at.caption[0].value
    assert _qp(at, "district") == ["Eastvale"]


def test_the_meeting_packs_page_says_no_data_yet_on_an_empty_database(
    tmp_path: Path, monkeypatch
) -> None:
    db = tmp_path / "empty.duckdb"
    duckdb.connect(str(db)).close()
    at = _open(db, "pages/packs.py", monkeypatch=monkeypatch)
    assert at.title[0].value == "Meeting packs"
    assert any("No data yet" in i.value for i in at.info)
    assert not any(b.label == "Make cabinet pack" for b in at.button)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_in_presentation_mode_from_the_url(
    any_db: Path, page: str, monkeypatch
) -> None:
    at = _open(any_db, page, query={"present": "1"}, monkeypatch=monkeypatch)
    assert at.title, "every page has a heading"
    assert at.toggle(key=projector.SESSION_KEY).value is True
    assert _presenting(at)
    assert any(b.label == "Exit presentation" for b in at.button)
    assert _qp(at, "present") == ["1"]


def test_presentation_mode_works_on_an_empty_database(tmp_path: Path, monkeypatch) -> None:
    missing = tmp_path / "missing.duckdb"
    at = _open(missing, "pages/packs.py", query={"present": "1"}, monkeypatch=monkeypatch)
    assert any("No data yet" in i.value for i in at.info)
    assert _presenting(at)


def test_presentation_mode_survives_a_change_of_page_with_the_filters(
    gold_db: Path, monkeypatch
) -> None:
    at = _open(gold_db, "pages/overview.py", query={"present": "1"}, monkeypatch=monkeypatch)
    at.multiselect(key="f_districts").select("Southmere").run()
    at.switch_page("pages/returns_quality.py").run()
    assert _qp(at, "present") == ["1"]
    assert _qp(at, "district") == ["Southmere"]
    assert _presenting(at)


def test_presentation_charts_are_taller_than_normal_ones(gold_db: Path, monkeypatch) -> None:
    normal = _heights(_open(gold_db, "pages/overview.py", monkeypatch=monkeypatch))
    presenting = _heights(
        _open(gold_db, "pages/overview.py", query={"present": "1"}, monkeypatch=monkeypatch)
    )
    assert len(presenting) == len(normal) > 0
    assert all(p > n for p, n in zip(presenting, normal, strict=True))


def test_the_sidebar_toggle_turns_presentation_mode_on_and_the_exit_button_off(
    gold_db: Path, monkeypatch
) -> None:
    at = _open(gold_db, "pages/overview.py", monkeypatch=monkeypatch)
    assert "present" not in at.query_params
    assert not _presenting(at)
    at.toggle(key=projector.SESSION_KEY).set_value(True).run()
    assert _qp(at, "present") == ["1"]
    assert _presenting(at)
    at.button(key="_exit_presentation").click().run()
    assert "present" not in at.query_params
    assert not _presenting(at)
    assert not any(b.label == "Exit presentation" for b in at.button)


def test_the_school_profile_offers_the_governor_report(gold_db: Path, monkeypatch) -> None:
    at = _open(gold_db, "pages/school_profile.py", monkeypatch=monkeypatch)
    assert any(b.label == "Make governor report (PDF)" for b in at.button)
