"""The support worklist, county themes and the casework columns, from hand-made returns."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from lakehouse import reads
from lakehouse.filters import Filters
from presentation import casework as casework_text
from tests.lakehouse_factory import Lakehouse
from tests.seed_copy import edit_seed, seed_copy

WEAK, STRONG, THEMES_ONLY, INADEQUATE, CLEAN = 100001, 100002, 100003, 100004, 100005


def county() -> Lakehouse:
    lh = Lakehouse()
    for urn in (WEAK, STRONG, THEMES_ONLY, INADEQUATE, CLEAN):
        lh.school(urn, name=f"School {urn}")
    # one concern each (medium), same support score; WEAK has the lower overall score
    lh.add_return(WEAK, responses={"LEA4": "not", "OUT1": "partly"}, filtering="locked_down")
    lh.add_return(STRONG, responses={"LEA4": "not"}, filtering="locked_down")
    lh.add_return(THEMES_ONLY, filtering="locked_down", training={"governors": (10, 3)})
    lh.add_return(INADEQUATE, responses={f"PRO{i}": "not" for i in range(1, 6)})
    lh.add_return(CLEAN)
    lh.build()
    return lh


@pytest.fixture(scope="module")
def built() -> Lakehouse:
    """One ``county()`` for the tests that only read it."""
    return county()


def test_the_worklist_runs_by_priority_then_support_score_then_lowest_overall_score(built):
    rows = reads.triage.worklist(built.con, Filters())
    assert list(rows["urn"]) == [INADEQUATE, WEAK, STRONG, THEMES_ONLY]
    assert list(rows["priority_label"]) == ["High", "Medium", "Medium", "Low"]
    assert list(rows["support_rank"]) == [1, 2, 3, 4]
    assert rows["score_overall"].iloc[1] < rows["score_overall"].iloc[2]


def test_concerns_come_before_themes_in_plain_english_with_no_indicator_codes(built):
    rows = reads.triage.worklist(built.con, Filters()).set_index("urn")
    weak = rows.loc[WEAK]
    assert weak["concerns"] == (
        'Incidents not logged: "Online-safety incidents are logged, recorded and reviewed for '
        'patterns": Not in place'
    )
    assert weak["themes"] == "Locked-down filtering: Filtering approach is Locked down"
    assert rows.loc[THEMES_ONLY, "concerns"] == ""
    for text in rows["concerns"].tolist() + rows["themes"].tolist():
        assert "LEA4" not in text and "PRO4" not in text


def test_every_row_links_to_its_school_profile(built):
    # the route is the UI's (ui.worklist opens the profile by the row's URN), not the data's
    from ui import app, worklist

    rows = reads.triage.worklist(built.con, Filters())
    assert worklist.PROFILE_PAGE in [path for path, *_ in app.PAGE_SPECS]
    assert rows["urn"].notna().all() and rows["urn"].is_unique
    assert "Profile" not in rows


def test_the_capacity_rule_marks_the_schools_the_team_can_take_on(tmp_path):
    seeds = seed_copy(tmp_path)
    rules = (seeds / "rules.csv").read_text(encoding="utf-8")
    (seeds / "rules.csv").write_text(
        rules.replace("casework_capacity,30,", "casework_capacity,2,"), encoding="utf-8"
    )
    lh = county()
    lh.build(seeds_dir=seeds)
    rows = reads.triage.worklist(lh.con, Filters())
    assert list(rows["within_capacity"]) == [True, True, False, False]
    # with the default of 30 everyone here is within capacity
    assert reads.triage.worklist(county().con, Filters())["within_capacity"].all()


def test_priority_and_reason_filters_narrow_the_worklist(built):
    con = built.con
    assert list(reads.triage.worklist(con, Filters(), priorities=("medium",))["urn"]) == [
        WEAK,
        STRONG,
    ]
    assert list(reads.triage.worklist(con, Filters(), flags=("training_gap",))["urn"]) == [
        THEMES_ONLY
    ]


def test_the_worklist_shows_casework_beside_each_school(built):
    rows = reads.triage.worklist(built.con, Filters())
    summary = pd.DataFrame(
        [
            {
                "urn": WEAK,
                "supported_on": date(2026, 11, 3),
                "records": 1,
                "open_actions": 2,
                "next_action_due": date(2026, 11, 10),
                "overdue_actions": 1,
                "next_review": None,
            }
        ]
    )
    caseload = pd.DataFrame([{"urn": WEAK, "reason": "Head asked for help", "since": "", "by": ""}])
    out = reads.casework.with_casework(rows, summary, caseload).set_index("urn")
    assert out.loc[WEAK, "in_caseload"] and not out.loc[STRONG, "in_caseload"]
    assert out.loc[WEAK, "caseload_reason"] == "Head asked for help"
    assert casework_text.casework_note(out.loc[WEAK]) == (
        "supported on 3 Nov 2026; next action due 10 Nov 2026; 1 overdue action"
    )
    assert casework_text.casework_note(out.loc[STRONG]) == ""


def test_county_themes_give_each_theme_its_share_of_returning_schools_and_action(built):
    themes = reads.triage.county_themes(built.con, Filters()).set_index("flag")
    # every theme in seeds/flags.csv, the two of RETURN-v2.md included (none raised here)
    assert list(themes.index) == [
        "training_gap",
        "policy_overdue",
        "locked_down",
        "fm_standard_partly",
        "old_template",
    ]
    assert list(themes.loc[["fm_standard_partly", "old_template"], "schools"]) == [0, 0]
    locked = themes.loc["locked_down"]
    assert (locked["schools"], locked["returning"], locked["share_pct"]) == (3, 5, 60.0)
    assert locked["county_action"].startswith("Run a county briefing on managed filtering")
    assert casework_text.trend_text(locked["trend"]) == "2026/27: 60%"


def test_the_theme_trend_runs_across_rounds():
    lh = Lakehouse()
    for urn in (WEAK, STRONG):
        lh.school(urn)
        lh.add_return(urn, round="2025/26", completed_on=date(2025, 10, 1), filtering="locked_down")
    lh.add_return(WEAK, filtering="locked_down")
    lh.add_return(STRONG)
    lh.build()
    themes = reads.triage.county_themes(lh.con, Filters()).set_index("flag")
    assert casework_text.trend_text(themes.loc["locked_down", "trend"]) == (
        "2025/26: 100% → 2026/27: 50%"
    )
    trend = reads.triage.theme_trend(lh.con, Filters())
    locked = trend[trend["flag"] == "locked_down"]
    assert list(locked["schools"]) == [2, 1] and list(locked["returning"]) == [2, 2]


def test_the_theme_trend_takes_its_themes_words_and_order_from_the_seeds_it_was_built_with(
    tmp_path,
):
    seeds = seed_copy(tmp_path)
    # the council puts locked-down filtering first and words it its own way; the shipped
    # seeds stay in force for Python, so only the database can carry the change
    edit_seed(
        seeds,
        "flags",
        "flag",
        {
            "locked_down": {
                "label": "Walled garden",
                "county_action": "Visit every walled-garden school",
                "sort_order": "6",
            },
            "training_gap": {"sort_order": "8"},
        },
    )
    lh = county()
    lh.build(seeds_dir=seeds)
    trend = reads.triage.theme_trend(lh.con, Filters())
    assert list(trend["flag"]) == [
        "locked_down",
        "policy_overdue",
        "training_gap",
        "fm_standard_partly",
        "old_template",
    ]
    first = trend.iloc[0]
    assert (first["flag_label"], first["county_action"]) == (
        "Walled garden",
        "Visit every walled-garden school",
    )
    assert (first["schools"], first["returning"]) == (3, 5)
    themes = reads.triage.county_themes(lh.con, Filters())
    assert themes["flag_label"].iloc[0] == "Walled garden"


def test_a_schools_flags_name_their_kind_in_the_words_of_the_seeds_it_was_built_with(tmp_path):
    seeds = seed_copy(tmp_path)
    edit_seed(
        seeds,
        "flag_kinds",
        "kind",
        {"concern": {"label": "School concern"}, "theme": {"label": "County theme"}},
    )
    lh = county()
    lh.build(seeds_dir=seeds)
    flags = reads.triage.school_flags(lh.con, WEAK)
    assert list(flags.columns[:3]) == ["kind", "kind_label", "flag_label"]
    assert list(zip(flags["kind"], flags["kind_label"], strict=True)) == [
        ("concern", "School concern"),
        ("theme", "County theme"),
    ]


def test_the_worklist_summary_counts_each_priority(built):
    summary = reads.triage.worklist_summary(built.con, Filters()).set_index("priority")
    assert summary["schools"].to_dict() == {"high": 1, "medium": 2, "low": 1}
    assert summary.loc["high", "label"] == "High"


def test_the_worklist_summary_takes_priority_words_and_order_from_the_seeds_it_was_built_with(
    tmp_path,
):
    seeds = seed_copy(tmp_path)
    edit_seed(
        seeds,
        "priorities",
        "priority",
        {"high": {"label": "Urgent", "sort_order": "2"}, "medium": {"sort_order": "1"}},
    )
    lh = county()
    lh.build(seeds_dir=seeds)
    summary = reads.triage.worklist_summary(lh.con, Filters())
    assert list(zip(summary["priority"], summary["label"], summary["schools"], strict=True)) == [
        ("medium", "Medium", 2),
        ("high", "Urgent", 1),
        ("low", "Low", 1),
    ]


def test_impact_compares_supported_schools_with_flagged_schools_without_support_with_n():
    lh = Lakehouse()
    helped, unhelped, unflagged = 100011, 100012, 100013
    for urn in (helped, unhelped, unflagged):
        lh.school(urn)
    weak = {f"OUT{i}": "not" for i in range(1, 6)}  # overall Satisfactory
    lh.add_return(helped, round="2025/26", completed_on=date(2025, 10, 1), responses=weak)
    lh.add_return(
        unhelped, round="2025/26", completed_on=date(2025, 10, 1), responses=weak,
        filtering="locked_down",
    )  # fmt: skip
    lh.add_return(unflagged, round="2025/26", completed_on=date(2025, 10, 1))
    lh.add_return(helped)  # Outstanding a round later: improved
    lh.add_return(unhelped, responses=weak, filtering="locked_down")  # the same
    lh.add_return(unflagged)
    lh.build()
    moved = reads.triage.impact(lh.con, Filters(), ((helped, "2025/26"),)).set_index("group")
    assert moved.loc["supported", ["schools", "improved", "same"]].tolist() == [1, 1, 0]
    assert moved.loc["flagged_unsupported", ["schools", "same"]].tolist() == [1, 1]
    assert moved.loc["supported", "improved_pct"] == 100.0
    assert set(moved["round"]) == {"2025/26"} and set(moved["next_round"]) == {"2026/27"}
    # the groups' names are the council's wording, from seeds/report_text.csv
    assert moved["group_label"].tolist() == ["Support recorded", "Flagged, no support recorded"]


def test_impact_is_empty_until_a_round_with_support_has_a_later_round(built):
    assert reads.triage.impact(built.con, Filters(), ((WEAK, "2026/27"),)).empty


def test_impact_names_its_groups_in_the_words_of_the_seeds_it_was_built_with(tmp_path):
    seeds = seed_copy(tmp_path)
    # the shipped seeds stay in force for Python, so only the database can carry the change
    edit_seed(
        seeds,
        "report_text",
        "key",
        {
            "impact_supported": {"text": "Visited by the team"},
            "impact_flagged_unsupported": {"text": "Flagged, not visited"},
        },
    )
    lh = Lakehouse()
    helped, unhelped, declined = 100011, 100012, 100013
    weak = {f"OUT{i}": "not" for i in range(1, 6)}  # overall Satisfactory
    for urn in (helped, unhelped, declined):
        lh.school(urn)
        lh.add_return(
            urn, round="2025/26", completed_on=date(2025, 10, 1), responses=weak,
            filtering="locked_down",
        )  # fmt: skip
    lh.add_return(helped)  # Outstanding a round later: improved
    lh.add_return(unhelped, responses=weak, filtering="locked_down")  # the same
    worse = {f"{area}{i}": "not" for area in ("OUT", "PRO", "LEA") for i in range(1, 6)}
    lh.add_return(declined, responses=worse)  # Inadequate a round later: declined
    lh.build(seeds_dir=seeds)
    # a pair given twice counts once; a pair for a school not in the database changes nothing
    supported = ((helped, "2025/26"), (helped, "2025/26"), (999999, "2025/26"))
    moved = reads.triage.impact(lh.con, Filters(), supported)
    assert list(moved.columns) == [
        "round", "next_round", "group", "group_label", "schools", "improved", "same",
        "declined", "improved_pct",
    ]  # fmt: skip
    assert moved.drop(columns="improved_pct").values.tolist() == [
        ["2025/26", "2026/27", "supported", "Visited by the team", 1, 1, 0, 0],
        ["2025/26", "2026/27", "flagged_unsupported", "Flagged, not visited", 2, 0, 1, 1],
    ]
    assert moved["improved_pct"].tolist() == [100.0, 0.0]


def test_impact_follows_a_school_into_the_round_a_year_later_never_across_a_missing_year():
    lh = Lakehouse()
    lh.school(100011)
    weak = {f"OUT{i}": "not" for i in range(1, 6)}
    lh.add_return(100011, round="2024/25", completed_on=date(2024, 10, 1), responses=weak)
    lh.add_return(100011)  # 2026/27: no return in 2025/26 to compare with
    lh.build()
    assert reads.triage.impact(lh.con, Filters(), ((100011, "2024/25"),)).empty


def _impact_county(tmp_path):
    from lakehouse import casework, store
    from lakehouse.db import writing

    db = tmp_path / "esafety.duckdb"
    weak = {f"OUT{i}": "not" for i in range(1, 6)}
    with writing(db) as con:
        lh = Lakehouse(con)
        # one district on record, as a loaded county has (the pack's district slide reads it)
        con.execute(
            "INSERT INTO bronze.boundaries VALUES ('E07000105', 'Ashford', ?, 'd.geojson',"
            " 'd1', now())",
            ['{"type":"Polygon","coordinates":[[[0.7,51.0],[0.9,51.0],[0.9,51.2],[0.7,51.0]]]}'],
        )
        for urn in range(100021, 100028):
            lh.school(urn)
            lh.add_return(urn, round="2025/26", completed_on=date(2025, 10, 1), responses=weak)
            lh.add_return(urn)  # Outstanding a round later: every one improved
        lh.build()
    con = store.connect(path=store.store_path(db))
    for urn in range(100021, 100027):  # six supported, one not
        casework.add_record(
            con, urn=urn, round="2025/26", supported_on=date(2025, 11, 1), type="visit",
            officer="Olly", by="olly",
        )  # fmt: skip
    con.close()
    return db


def _impact_slide(db, public: bool):
    import io

    from pptx import Presentation

    from lakehouse.db import ReadOnlyDatabase
    from packs.cabinet import cabinet_pack_pptx

    reader = ReadOnlyDatabase(db)
    try:
        pptx = cabinet_pack_pptx(reader, Filters(), public=public)
    finally:
        reader.close()
    slides = list(Presentation(io.BytesIO(pptx)).slides)
    found = [s for s in slides if s.name in ("impact", "impact-numbers")]
    assert found, [s.name for s in slides]
    title = found[0].shapes.title.text
    cells = [
        [c.text for c in row.cells]
        for s in found
        for shape in s.shapes
        if shape.has_table
        for row in shape.table.rows
    ]
    return title, cells


@pytest.mark.slow
def test_the_cabinet_pack_has_an_impact_slide_with_n_on_both_groups(tmp_path):
    title, cells = _impact_slide(_impact_county(tmp_path), public=False)
    assert title == "A round after support, 100% of supported schools had a better overall grade"
    rows = {r[1]: r for r in cells[1:]}
    assert rows["Support recorded"][2:4] == ["6", "6"]
    assert rows["Flagged, no support recorded"][2] == "1"


@pytest.mark.slow
def test_the_public_impact_slide_suppresses_small_counts(tmp_path):
    _, cells = _impact_slide(_impact_county(tmp_path), public=True)
    rows = {r[1]: r for r in cells[1:]}
    assert rows["Support recorded"][2] == "6"
    assert rows["Flagged, no support recorded"][2] == "c"
    assert rows["Flagged, no support recorded"][6] == "c"
