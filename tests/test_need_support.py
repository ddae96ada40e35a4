"""'Need support' means a concern (high or medium priority); schools with themes only are
counted apart, as what the county-wide offer covers (issue 14, item 3): on the Overview's
metrics, the county map's district shading, and the worklist export (its own test file,
tests/test_outputs_worklist_export.py)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from lakehouse import reads
from lakehouse.filters import Filters
from presentation import measures as captions

DASHBOARD = str(Path(__file__).resolve().parents[1] / "dashboard.py")


def _counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        need, themes = con.execute(
            """SELECT count(*) FILTER (WHERE priority IN ('high', 'medium')),
                      count(*) FILTER (WHERE priority = 'low')
               FROM gold.school_overview"""
        ).fetchone()
        concerns = con.execute(
            "SELECT count(DISTINCT urn) FROM gold.support_flags WHERE kind = 'concern'"
        ).fetchone()[0]
    finally:
        con.close()
    return {"need": need, "themes_only": themes, "with_a_concern": concerns}


def test_need_support_counts_the_schools_with_a_concern_and_never_themes_only(any_db):
    counts = _counts(any_db)
    assert counts["themes_only"] > 0, "the test database has no school with themes only"
    con = duckdb.connect(str(any_db), read_only=True)
    try:
        head = reads.grades.headline(con.cursor(), Filters())
    finally:
        con.close()
    assert head["need_support"] == counts["need"] == counts["with_a_concern"]
    assert head["themes_only"] == counts["themes_only"]
    assert head["need_support"] + head["themes_only"] == head["flagged"]


def test_the_overview_shows_need_support_and_themes_only_apart(gold_db, monkeypatch):
    monkeypatch.setenv("ESAFETY_DB", str(gold_db))
    at = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    counts = _counts(gold_db)
    assert metrics["Need support"] == f"{counts['need']:,}"
    assert metrics["Themes only"] == f"{counts['themes_only']:,}"
    assert "Flagged for support" not in metrics


@pytest.mark.parametrize("district", [None, "Eastvale"])
def test_the_map_shades_districts_by_the_schools_that_need_support(gold_db, district):
    con = duckdb.connect(str(gold_db), read_only=True)
    try:
        measures = captions.district_measures(reads.base.area_labels(con))
        assert measures["need_support_pct"] == "Schools needing support (%)"
        assert not any("flagged" in label.lower() for label in measures.values())
        f = Filters(round="2026/27", districts=(district,) if district else ())
        shaded = reads.schools.district_summary(con.cursor(), f).set_index("district_name")
        truth = dict(
            con.execute(
                """SELECT district, 100.0 * count(*) FILTER (WHERE priority IN ('high', 'medium'))
                                / count(*)
                   FROM gold.school_overview GROUP BY district"""
            ).fetchall()
        )
    finally:
        con.close()
    for name, pct in truth.items():
        assert shaded.at[name, "need_support_pct"] == pytest.approx(pct)
    # somewhere a school with themes only makes the difference
    assert (shaded["need_support_pct"] < shaded["flagged_pct"]).any()


def test_the_county_map_offers_need_support_shading_and_no_flagged_option(gold_db, monkeypatch):
    monkeypatch.setenv("ESAFETY_DB", str(gold_db))
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.switch_page("pages/county_map.py").run()
    assert not at.exception, [e.value for e in at.exception]
    shading = at.selectbox(key="map_district_measure")
    assert "Schools needing support (%)" in shading.options
    assert not any("flagged" in o.lower() for o in shading.options)
    shading.select("need_support_pct").run()
    assert not at.exception, [e.value for e in at.exception]
    tables = [d.value for d in at.dataframe if "District" in d.value.columns]
    assert any("Schools needing support (%)" in t.columns for t in tables)
    assert not any("flagged_pct" in t.columns for t in tables)
    # the ranking beside the map says what it ranks by
    captions = [c.value for c in at.caption]
    assert any("schools needing support" in c.lower() for c in captions), captions


def test_the_overviews_reasons_chart_counts_concerns_only(any_db):
    con = duckdb.connect(str(any_db), read_only=True)
    try:
        reasons = reads.grades.flag_summary(con.cursor(), Filters())
        kinds = dict(con.execute("SELECT DISTINCT flag, kind FROM gold.support_flags").fetchall())
    finally:
        con.close()
    assert not reasons.empty
    assert {kinds[f] for f in reasons["flag"]} == {"concern"}
    assert "theme" in kinds.values()  # themes exist, and are left to the themes section
