"""The build runner: seeds, model order, data tests, build_info, CLI and the swap-in."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from lakehouse import __main__ as cli
from lakehouse.build import (
    BuildError,
    DataTestFailure,
    SeedError,
    discover_models,
    model_order,
)
from lakehouse.contracts import contracts
from lakehouse.db import writing
from lakehouse.seeds import SEEDS_DIR
from tests.lakehouse_factory import Lakehouse

URN = 100001
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
# every model's columns, from its contract (lakehouse/models/<layer>/<name>.yml)
CONTRACTS = contracts()
GOLD_TABLES = [t.split(".", 1)[1] for t in CONTRACTS if t.startswith("gold.")]


def columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = ?"
            " AND table_name = ? ORDER BY ordinal_position",
            [schema, table],
        ).fetchall()
    ]


def small_county() -> Lakehouse:
    lh = Lakehouse(data_tests=True)
    for urn in range(100001, 100006):
        lh.school(urn)
    lh.add_return(100001, round="2025/26", completed_on=date(2025, 10, 1))
    lh.add_return(100001, filtering="locked_down", training={"governors": (10, 2)})
    lh.add_return(100002, responses={"LEA4": "not"}, pupil_survey_pct=70)
    lh.add_return(100003, responses={f"PRO{i}": "not" for i in range(1, 6)})
    return lh


def test_with_no_register_and_no_returns_every_table_is_built_empty():
    lh = Lakehouse(data_tests=True)
    result = lh.build()
    assert result.current_round is None
    for table in GOLD_TABLES:
        if table not in ("build_info", *SEED_LISTS):
            assert lh.con.execute(f"SELECT count(*) FROM gold.{table}").fetchone()[0] == 0
    # the gold lookups list their seeds' rows in the seeds' order, whatever the data
    for table, (gold, seeded) in SEED_LISTS.items():
        listed = [r[0] for r in lh.con.execute(gold).fetchall()]
        assert listed and listed == [r[0] for r in lh.con.execute(seeded).fetchall()], table
    assert [
        r["group_label"]
        for r in lh.rows("SELECT group_label FROM gold.impact_groups ORDER BY group_order")
    ] == [
        "Support recorded",
        "Flagged, no support recorded",
    ]


# gold tables that list a seed's rows whatever the data: (their codes in order, the seed's)
SEED_LISTS = {
    "themes": (
        "SELECT flag FROM gold.themes ORDER BY flag_order",
        "SELECT flag FROM seeds.flags WHERE kind = 'theme' ORDER BY sort_order",
    ),
    "priorities": (
        "SELECT priority FROM gold.priorities ORDER BY priority_order",
        "SELECT priority FROM seeds.priorities ORDER BY sort_order",
    ),
    "areas": (
        "SELECT area FROM gold.areas ORDER BY area_order",
        "SELECT area FROM seeds.areas ORDER BY sort_order",
    ),
    "settings": (
        "SELECT setting FROM gold.settings ORDER BY setting_order",
        "SELECT setting FROM seeds.settings ORDER BY sort_order",
    ),
    "casework_vocabulary": (
        "SELECT vocabulary || ' ' || code FROM gold.casework_vocabulary"
        " ORDER BY vocabulary, sort_order",
        "SELECT v FROM ("
        " SELECT 'action_status ' || status AS v, 1 AS k, sort_order FROM seeds.action_statuses"
        " UNION ALL SELECT 'reminder_method ' || method, 2, sort_order FROM seeds.reminder_methods"
        " UNION ALL SELECT 'support_type ' || type, 3, sort_order FROM seeds.support_types"
        ") ORDER BY k, sort_order",
    ),
    "filtering_approaches": (
        "SELECT filtering FROM gold.filtering_approaches ORDER BY filtering_order",
        "SELECT filtering FROM seeds.filtering_approaches ORDER BY sort_order",
    ),
    "grades": (
        "SELECT grade FROM gold.grades ORDER BY grade",
        "SELECT CAST(grade AS INTEGER) FROM seeds.grade_bands ORDER BY 1",
    ),
    "return_statuses": (
        "SELECT status FROM gold.return_statuses ORDER BY status_order",
        "SELECT status FROM seeds.return_statuses ORDER BY sort_order",
    ),
    "freshness_statuses": (
        "SELECT status FROM gold.freshness_statuses ORDER BY status_order",
        "SELECT status FROM seeds.freshness_status ORDER BY sort_order",
    ),
    "fm_vocabulary": (
        "SELECT vocabulary || ' ' || code FROM gold.fm_vocabulary ORDER BY vocabulary, sort_order",
        "SELECT v FROM ("
        " SELECT 'fm_standard ' || standard AS v, 1 AS k, sort_order FROM seeds.fm_standards"
        " UNION ALL SELECT 'fm_status ' || status, 2, sort_order FROM seeds.fm_statuses"
        ") ORDER BY k, sort_order",
    ),
    "blank_labels": (
        "SELECT blank FROM gold.blank_labels ORDER BY blank",
        "SELECT blank FROM seeds.blank_labels ORDER BY blank",
    ),
    "impact_groups": (
        "SELECT impact_group FROM gold.impact_groups ORDER BY group_order",
        "SELECT unnest(['supported', 'flagged_unsupported'])",
    ),
}


def test_every_contract_table_has_its_contract_columns():
    lh = small_county()
    lh.build()
    for table, contract in CONTRACTS.items():
        schema, name = table.split(".")
        assert columns(lh.con, schema, name) == list(contract.columns), table


def test_the_current_round_defaults_to_the_latest_with_a_return_and_can_be_chosen():
    lh = small_county()
    assert (lh.build().current_round, lh.result.previous_round) == ("2026/27", "2025/26")
    result = lh.build(round="2025/26")
    assert result.current_round == "2025/26"
    assert {
        r["urn"] for r in lh.rows("SELECT urn FROM gold.support_flags WHERE flag = 'no_return'")
    } == {100002, 100003, 100004, 100005}


def test_a_round_that_is_not_one_academic_year_is_refused():
    with pytest.raises(BuildError, match="2026/28"):
        Lakehouse(data_tests=True).build(round="2026/28")


def test_returns_of_schools_not_in_the_register_are_left_out():
    lh = Lakehouse(data_tests=True)
    lh.school(URN)
    lh.add_return(999999)
    lh.add_return(URN)
    lh.build()
    assert [r["urn"] for r in lh.rows("SELECT urn FROM silver.returns")] == [URN]


def test_the_latest_register_row_wins_and_schools_dropped_from_a_later_load_are_kept():
    lh = Lakehouse(data_tests=True)
    lh.school(URN, name="Old name", loaded_at=pd.Timestamp("2026-01-01").to_pydatetime())
    lh.school(100002, loaded_at=pd.Timestamp("2026-01-01").to_pydatetime())
    lh.school(URN, name="New name", status="Closed", source_sha256="register-2")
    lh.build()
    rows = {r["urn"]: r for r in lh.rows("SELECT * FROM silver.schools")}
    assert rows[URN]["name"] == "New name" and rows[URN]["is_open"] is False
    assert 100002 in rows


SETTINGS = [
    ("Not applicable", "Pupil referral unit", "PRU"),
    ("Secondary", "Academy alternative provision converter", "PRU"),
    ("Not applicable", "Community special school", "Special"),
    ("Primary", "Academy converter", "Primary"),
    ("Middle deemed primary", "Community school", "Primary"),
    ("Middle deemed secondary", "Community school", "Secondary"),
    ("All-through", "Free schools", "All-through"),
    ("Nursery", "Local authority nursery school", "Nursery"),
    ("16 plus", "Further education", "Post-16"),
    ("Not applicable", "Other independent school", "Other"),
    (None, None, "Other"),
]


@pytest.fixture(scope="module")
def settings_county() -> Lakehouse:
    """A school for each phase and type of SETTINGS, built once with the data tests.

    A school's setting is worked out from its own register row alone, so one county
    serves every case where each built its own before.
    """
    lh = Lakehouse(data_tests=True)
    for urn, (phase, establishment_type, _) in enumerate(SETTINGS, start=URN):
        lh.school(urn, phase=phase, establishment_type=establishment_type)
    lh.build()
    return lh


@pytest.mark.parametrize(("phase", "establishment_type", "setting"), SETTINGS)
def test_the_setting_is_derived_from_phase_and_type(
    settings_county, phase, establishment_type, setting
):
    urn = URN + SETTINGS.index((phase, establishment_type, setting))
    assert settings_county.gold_school(urn)["setting"] == setting


def test_the_real_kent_register_gets_a_setting_for_every_school_and_all_open_are_expected():
    path = SHARED_DATA / "gias_kent.csv"
    if not path.exists():
        pytest.skip("shared GIAS extract not available")
    frame = pd.read_csv(path, encoding="latin-1", dtype=str)
    lh = Lakehouse(data_tests=True)
    for record in frame.head(200).to_dict("records"):
        lh.school(
            int(record["URN"]),
            record["EstablishmentName"],
            phase=record["PhaseOfEducation (name)"],
            establishment_type=None,
            type_group=None,
            status=record["EstablishmentStatus (name)"],
            has_type_column=False,
        )
    lh.build()
    counts = dict(
        lh.con.execute("SELECT setting, count(*) FROM gold.school_overview GROUP BY 1").fetchall()
    )
    assert sum(counts.values()) == len(frame.head(200)["URN"].unique())
    assert counts.get("Primary", 0) > 50
    assert lh.con.execute(
        "SELECT bool_and(expected_to_return) FROM gold.school_overview"
    ).fetchone()[0]


def test_changing_a_seed_csv_changes_the_result_with_no_code_change(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    lh = Lakehouse(data_tests=True)
    lh.school(URN)
    lh.add_return(URN, filtering="locked_down")
    lh.build()
    assert lh.area(URN, "provision")["grade"] == 2
    rules = (seeds / "rules.csv").read_text(encoding="utf-8")
    (seeds / "rules.csv").write_text(
        rules.replace("locked_down_cap_grade,2,", "locked_down_cap_grade,3,"), encoding="utf-8"
    )
    bands = (seeds / "grade_bands.csv").read_text(encoding="utf-8")
    (seeds / "grade_bands.csv").write_text(
        bands.replace("Outstanding,85", "Outstanding,101"), encoding="utf-8"
    )
    lh.build(seeds_dir=seeds)
    assert lh.area(URN, "provision")["grade"] == 3
    assert lh.area(URN, "outcomes")["grade"] == 2  # 100 no longer reaches the top band
    info = dict(lh.con.execute("SELECT key, value FROM gold.build_info").fetchall())
    assert info["seed:rules:locked_down_cap_grade"] == "3"


def test_a_bad_seed_value_is_a_one_line_error_naming_file_row_and_column(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    with open(seeds / "grade_bands.csv", "a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerow(["5", "Worse", "lots"])
    with pytest.raises(SeedError) as caught:
        Lakehouse(data_tests=True).build(seeds_dir=seeds)
    assert str(caught.value) == "grade_bands.csv row 6, column min_score: 'lots' is not a number"


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "filtering_approaches.csv",
            "locked_down,Locked down",
            "walled,Walled garden",
            "filtering_approaches.csv: row 'locked_down' is missing",
        ),
        (
            "blank_labels.csv",
            "no_return,No return",
            "nothing,No return",
            "blank_labels.csv: row 'no_return' is missing",
        ),
        (
            "caps.csv",
            "locked_down,provision",
            "locked_down,filtering",
            "caps.csv row 2, column area: 'filtering' is not in areas.csv",
        ),
    ],
)
def test_a_vocabulary_seed_must_keep_the_codes_the_sql_names(tmp_path, file, old, new, message):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    text = (seeds / file).read_text(encoding="utf-8")
    assert old in text
    (seeds / file).write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(SeedError) as caught:
        Lakehouse(data_tests=True).build(seeds_dir=seeds)
    assert str(caught.value) == message


@pytest.mark.slow
def test_building_twice_from_the_same_inputs_gives_identical_gold_tables():
    lh = small_county()
    lh.build()
    first = {t: lh.con.execute(f"SELECT * FROM gold.{t}").fetchdf() for t in GOLD_TABLES}
    lh.build()
    for table, frame in first.items():
        again = lh.con.execute(f"SELECT * FROM gold.{table}").fetchdf()
        if table == "build_info":
            frame = frame[~frame.key.isin(["built_at", "build_seconds"])]
            again = again[~again.key.isin(["built_at", "build_seconds"])]

        # big tables are written unsorted for speed: compare contents, not row order
        def in_order(f: pd.DataFrame) -> pd.DataFrame:
            return f.sort_values(list(f.columns), na_position="last").reset_index(drop=True)

        pd.testing.assert_frame_equal(in_order(frame), in_order(again))


def test_build_info_records_the_as_of_date_rounds_seed_values_and_row_counts():
    lh = small_county()
    lh.build(as_of=date(2026, 11, 1))
    info = dict(lh.con.execute("SELECT key, value FROM gold.build_info").fetchall())
    assert info["as_of"] == "2026-11-01"
    assert (info["current_round"], info["previous_round"]) == ("2026/27", "2025/26")
    assert info["seed:rules:min_answered_share"] == "0.5"
    assert info["seed:indicators:PRO1"].startswith('{"area": "provision", "weight": "2"')
    assert info["rows:gold.area_scores"] == "20"
    assert "built_at" in info


def test_models_run_after_every_model_they_read():
    order = [m.name for m in model_order(discover_models())]
    for model in discover_models():
        for dependency in model.depends_on:
            assert order.index(dependency) < order.index(model.name)


@pytest.mark.slow
def test_a_failing_data_test_fails_the_build_and_leaves_the_previous_database(tmp_path):
    path = tmp_path / "esafety.duckdb"
    with writing(path) as con:
        lh = Lakehouse(con, data_tests=True)
        lh.school(URN)
        lh.add_return(URN)
        lh.build()
    with pytest.raises(DataTestFailure) as caught, writing(path) as con:
        lh = Lakehouse(con, data_tests=True)
        lh.add_return(URN, completed_on=date(2026, 10, 9), pupil_survey_pct=150)
        lh.build()
    assert "area_scores_grades_and_scores_in_range" in str(caught.value)
    assert "score_pct=112.5" in str(caught.value)
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM bronze.returns").fetchone()[0] == 1
        assert con.execute("SELECT max(score_pct) FROM gold.area_scores").fetchone()[0] == 100


@pytest.mark.slow
def test_the_cli_builds_and_prints_a_summary(tmp_path, capsys):
    path = tmp_path / "esafety.duckdb"
    with writing(path) as con:
        lh = Lakehouse(con, data_tests=True)
        lh.school(URN)
        lh.school(100002)
        lh.add_return(URN, filtering="locked_down")
    assert cli.main(["build", "--db", str(path), "--as-of", "2026-11-01"]) == 0
    out = capsys.readouterr().out
    assert (
        "current round 2026/27" in out and "2 schools" in out and "high 0, medium 0, low 1" in out
    )


@pytest.mark.slow
def test_the_cli_reports_a_failed_build_in_one_line_and_exits_1(tmp_path, capsys):
    path = tmp_path / "esafety.duckdb"
    with writing(path) as con:
        lh = Lakehouse(con, data_tests=True)
        lh.school(URN)
        lh.add_return(URN, pupil_survey_pct=150)
    assert cli.main(["build", "--db", str(path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("lakehouse: data tests failed: area_scores_grades_and_scores_in_range")
    assert "\n" not in err and "Traceback" not in err
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'gold'"
        ).fetchone()[0]
    assert tables == 0


def test_the_cli_refuses_a_bad_date_with_exit_2(capsys):
    with pytest.raises(SystemExit) as caught:
        cli.main(["build", "--as-of", "1/11/2026"])
    assert caught.value.code == 2
