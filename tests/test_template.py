"""The return template: seeds drive its content; validations and protection guide schools."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import openpyxl
import pytest

from ingest.template import write_all_templates, write_template
from lakehouse import spec
from lakehouse.db import ensure_bronze

SHEETS = ["Instructions", "School", "Self-review", "Policies", "Training", "Incidents"]


@pytest.fixture
def book(tmp_path: Path) -> openpyxl.Workbook:
    # the old template (version 1), as it always was; tests/test_template_v2.py has version 2
    return openpyxl.load_workbook(write_template(tmp_path / "template.xlsx", version=1))


def column(ws, col: int) -> list:
    return [ws.cell(row=r, column=col).value for r in range(2, ws.max_row + 1)]


def validations(ws) -> dict[str, object]:
    """Cell -> the data validation covering it."""
    found = {}
    for dv in ws.data_validations.dataValidation:
        for cell_range in dv.sqref.ranges:
            for row in ws.iter_rows(
                min_row=cell_range.min_row,
                max_row=cell_range.max_row,
                min_col=cell_range.min_col,
                max_col=cell_range.max_col,
            ):
                for cell in row:
                    found[cell.coordinate] = dv
    return found


def school_row(ws, field_key: str) -> int:
    label = next(f["label"] for f in spec.school_fields(None) if f["field"] == field_key)
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == label)


def test_the_template_has_the_six_sheets_with_their_headers(book):
    assert book.sheetnames == SHEETS
    assert [c.value for c in book["Self-review"][1]] == [
        "Indicator ID",
        "Statement",
        "Response",
        "Evidence",
    ]
    assert [c.value for c in book["Policies"][1]] == [
        "Policy",
        "Last reviewed",
        "Approved by governors",
        "Pupils consulted",
        "Families consulted",
    ]
    assert [c.value for c in book["Training"][1]] == [
        "Staff group",
        "Headcount",
        "Trained in last 12 months",
    ]
    assert [c.value for c in book["Incidents"][1]] == ["Category", "Number this year"]
    assert [c.value for c in book["School"][1]][:2] == ["Field", "Value"]


def test_every_seed_indicator_policy_group_category_and_field_is_in_the_template(book):
    assert column(book["Self-review"], 1) == [i["indicator_id"] for i in spec.indicators()]
    assert column(book["Self-review"], 2) == [i["statement"] for i in spec.indicators()]
    assert set(column(book["Policies"], 1)) == {p["label"] for p in spec.policies()}
    assert set(column(book["Training"], 1)) == {g["label"] for g in spec.staff_groups()}
    assert set(column(book["Incidents"], 1)) == {c["label"] for c in spec.incident_categories()}
    assert set(column(book["School"], 1)) == {f["label"] for f in spec.school_fields()}


def test_coded_cells_have_drop_downs_from_the_seeds(book):
    responses = validations(book["Self-review"])
    n = len(spec.indicators())
    for row in range(2, n + 2):
        dv = responses[f"C{row}"]
        assert dv.type == "list"
        assert dv.showErrorMessage
        assert dv.formula1 == '"Fully in place,Partly in place,Not in place,Not applicable"'
    policies = validations(book["Policies"])
    for row in range(2, len(spec.policies()) + 2):
        for col in "CDE":
            assert policies[f"{col}{row}"].formula1 == '"Yes,No"'
        assert policies[f"B{row}"].type == "date"
    school = book["School"]
    cells = validations(school)
    filtering = cells[f"B{school_row(school, 'filtering')}"]
    assert (filtering.type, filtering.formula1) == ("list", '"Managed,Locked down"')
    monitoring = cells[f"B{school_row(school, 'monitoring')}"]
    assert monitoring.type == "list" and not monitoring.showErrorMessage  # free text allowed too
    assert "Active technology monitoring" in monitoring.formula1
    assert cells[f"B{school_row(school, 'completed_on')}"].type == "date"
    assert cells[f"B{school_row(school, 'pupils_offsite')}"].type == "whole"
    survey = cells[f"B{school_row(school, 'pupil_survey_pct')}"]
    assert (survey.type, survey.formula1, survey.formula2) == ("decimal", "0", "100")
    assert school[f"B{school_row(school, 'completed_on')}"].number_format == "dd/mm/yyyy"


def test_counts_are_whole_numbers_and_trained_cannot_exceed_headcount(book):
    training = validations(book["Training"])
    assert training["B2"].type == "whole"
    assert (training["C2"].type, training["C2"].formula2) == ("whole", "B2")
    incidents = validations(book["Incidents"])
    assert all(
        incidents[f"B{r}"].type == "whole" for r in range(2, len(spec.incident_categories()) + 2)
    )


def test_headers_and_labels_are_protected_and_only_input_cells_are_unlocked(book):
    for name in SHEETS[1:]:
        ws = book[name]
        assert ws.protection.sheet
        assert ws.protection.password is None
        assert ws.freeze_panes == "A2"
        assert all(cell.protection.locked for cell in ws[1])
        assert ws["A2"].protection.locked
    assert not book["Self-review"]["C2"].protection.locked
    assert not book["Self-review"]["D2"].protection.locked
    assert book["Self-review"]["B2"].protection.locked
    assert not book["School"]["B2"].protection.locked
    assert book["School"]["C2"].protection.locked
    assert book["Self-review"]["B2"].alignment.wrap_text
    assert book["Self-review"].column_dimensions["B"].width >= 60


def test_a_school_template_is_prefilled_with_urn_name_and_round(tmp_path):
    path = write_template(tmp_path / "one.xlsx", {"urn": 118234, "name": "Oak Primary"}, "2026/27")
    ws = openpyxl.load_workbook(path)["School"]
    assert ws[f"B{school_row(ws, 'urn')}"].value == 118234
    assert ws[f"B{school_row(ws, 'school_name')}"].value == "Oak Primary"
    assert ws[f"B{school_row(ws, 'round')}"].value == "2026/27"


def _register(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    now = dt.datetime(2026, 9, 1)
    con.executemany(
        "INSERT INTO bronze.register (urn, name, status, establishment_type, type_group,"
        " has_type_column, source_file, source_sha256, loaded_at)"
        " VALUES (?, ?, ?, ?, ?, true, 'r.csv', 'x', ?)",
        [[*row, now] for row in rows],
    )


def test_all_templates_go_to_open_schools_expected_to_return_from_the_register(tmp_path):
    con = duckdb.connect()
    ensure_bronze(con)
    _register(
        con,
        [
            (
                118234,
                "Oak Primary: School/Academy",
                "Open",
                "Community school",
                "Local authority maintained schools",
            ),
            (
                118300,
                "Old Mill Primary",
                "Closed",
                "Community school",
                "Local authority maintained schools",
            ),
            (118400, "Hill Prep", "Open", "Other independent school", "Independent schools"),
            (
                118500,
                "Beech Primary",
                "Open, but proposed to close",
                "Academy converter",
                "Academies",
            ),
        ],
    )
    written = write_all_templates(tmp_path / "out", con, "2026/27")
    assert [p.name for p in written] == [
        "118234 Oak Primary School Academy.xlsx",
        "118500 Beech Primary.xlsx",
    ]
    ws = openpyxl.load_workbook(written[1])["School"]
    assert ws[f"B{school_row(ws, 'urn')}"].value == 118500


def test_all_templates_prefer_silver_schools_when_the_models_are_built(tmp_path):
    con = duckdb.connect()
    ensure_bronze(con)
    con.execute(
        "CREATE TABLE silver.schools AS SELECT * FROM (VALUES "
        "(100001, 'Ash Primary', true, true), (100002, 'Gone School', false, false),"
        "(100003, 'Indie School', true, false)) t(urn, name, is_open, expected_to_return)"
    )
    written = write_all_templates(tmp_path / "out", con)
    assert [p.name for p in written] == ["100001 Ash Primary.xlsx"]


def test_a_template_filled_in_reads_back_as_the_same_values(tmp_path):
    from ingest import reader as returns

    path = write_template(
        tmp_path / "t.xlsx", {"urn": 118234, "name": "Oak Primary"}, "2026/27", version=1
    )
    book = openpyxl.load_workbook(path)
    school = book["School"]
    school[f"B{school_row(school, 'completed_by')}"] = "Designated Safeguarding Lead"
    school[f"B{school_row(school, 'completed_on')}"] = dt.datetime(2026, 10, 5)
    school[f"B{school_row(school, 'filtering')}"] = "Locked down"
    school[f"B{school_row(school, 'monitoring')}"] = (
        "Physical supervision; Active technology monitoring"
    )
    school[f"B{school_row(school, 'pupils_offsite')}"] = 3
    school[f"B{school_row(school, 'pupil_survey_pct')}"] = 82
    choices = ["Fully in place", "Partly in place", "Not in place", "Not applicable"]
    keys = ["fully", "partly", "not", "na"]
    review = book["Self-review"]
    expected_responses = {}
    for k, row in enumerate(range(2, review.max_row + 1)):
        review.cell(row=row, column=3, value=choices[k % 4])
        review.cell(row=row, column=4, value=f"evidence {k}")
        expected_responses[review.cell(row=row, column=1).value] = keys[k % 4]
    policies = book["Policies"]
    for k, row in enumerate(range(2, policies.max_row + 1)):
        policies.cell(row=row, column=2, value=dt.datetime(2026, 1 + k, 10))
        for col in (3, 4, 5):
            policies.cell(row=row, column=col, value="Yes" if (k + col) % 2 else "No")
    training = book["Training"]
    for k, row in enumerate(range(2, training.max_row + 1)):
        training.cell(row=row, column=2, value=10 + k)
        training.cell(row=row, column=3, value=5 + k)
    incidents = book["Incidents"]
    for k, row in enumerate(range(2, incidents.max_row + 1)):
        incidents.cell(row=row, column=2, value=k)
    book.save(path)

    read = returns.read_return(path, {118234}, dt.date(2026, 11, 28))
    assert read.ok, read.rejection
    assert [m for m in read.messages if m.severity == "error"] == []
    assert (read.urn, read.round, read.completed_on) == (118234, "2026/27", dt.date(2026, 10, 5))
    assert read.school_name == "Oak Primary"
    assert read.completed_by == "Designated Safeguarding Lead"
    assert (read.filtering, read.pupils_offsite, read.pupil_survey_pct) == ("locked_down", 3, 82)
    assert read.monitoring == "physical_supervision;active_technology"
    assert {r.indicator_id: r.response for r in read.responses} == expected_responses
    assert {r.indicator_id: r.evidence for r in read.responses}["OVR1"] == "evidence 0"
    policy_keys = [p["policy"] for p in sorted(spec.policies(), key=lambda p: int(p["sort_order"]))]
    got = {p.policy: p for p in read.policies}
    for k, key in enumerate(policy_keys):
        assert got[key].last_reviewed == dt.date(2026, 1 + k, 10)
        assert got[key].approved_by_governors is ((k + 3) % 2 == 1)
        assert got[key].families_consulted is ((k + 5) % 2 == 1)
    group_keys = [
        g["staff_group"] for g in sorted(spec.staff_groups(), key=lambda g: int(g["sort_order"]))
    ]
    assert {t.staff_group: (t.headcount, t.trained) for t in read.training} == {
        key: (10 + k, 5 + k) for k, key in enumerate(group_keys)
    }
    category_keys = [
        c["category"]
        for c in sorted(spec.incident_categories(), key=lambda c: int(c["sort_order"]))
    ]
    assert {i.category: i.count for i in read.incidents} == {
        key: k for k, key in enumerate(category_keys)
    }


def test_a_template_without_a_round_given_is_filled_with_the_round_due_next(tmp_path):
    from ingest.template import round_due

    ws = openpyxl.load_workbook(write_template(tmp_path / "blank.xlsx"))["School"]
    assert ws[f"B{school_row(ws, 'round')}"].value == round_due(dt.date.today())
    # the deadline is 31 December of the round's first year (seeds/rules.csv)
    assert round_due(dt.date(2026, 12, 1)) == "2026/27"
    assert round_due(dt.date(2026, 12, 31)) == "2026/27"
    assert round_due(dt.date(2027, 1, 5)) == "2027/28"


@pytest.mark.slow
def test_the_template_command_fills_the_round_due_next(tmp_path):
    import subprocess
    import sys

    from ingest.template import round_due

    out = tmp_path / "t.xlsx"
    done = subprocess.run(
        [sys.executable, "-m", "ingest", "template", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert done.returncode == 0, done.stderr
    ws = openpyxl.load_workbook(out)["School"]
    assert ws[f"B{school_row(ws, 'round')}"].value == round_due(dt.date.today())
