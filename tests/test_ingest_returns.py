"""Reading return workbooks: every tolerance rule and rejection reason of
docs/return-format.md, and the rows that land in bronze and silver."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pytest

from ingest.reader import read_return
from lakehouse import db as lakedb
from lakehouse.spec import indicators, policies
from tests.returns_factory import (
    convert_with_soffice,
    good_return,
    ingest_paths,
    set_field,
    write_workbook,
)

TODAY = dt.date(2027, 1, 15)
URNS = {118234, 118235}


def read(tmp_path: Path, sheets: dict, urns=URNS, name: str = "r.xlsx"):
    return read_return(write_workbook(tmp_path / name, sheets), urns, TODAY)


def warnings_at(result, location: str) -> list[str]:
    return [m.message for m in result.messages if m.location == location]


def register(db: Path, tmp_path: Path, urns=URNS) -> None:
    from ingest.register import load_register

    csv = tmp_path / "register.csv"
    csv.write_text("URN,EstablishmentName\n" + "".join(f"{u},School {u}\n" for u in urns))
    with lakedb.writing(db) as con:
        load_register(con, csv)


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


# -- a good return ------------------------------------------------------------


def test_a_complete_return_reads_every_field_without_messages(tmp_path):
    result = read(tmp_path, good_return())
    assert result.ok and result.messages == []
    assert (result.urn, result.round, result.completed_on) == (118234, "2026/27",
                                                               dt.date(2026, 10, 1))  # fmt: skip
    assert (result.filtering, result.monitoring) == ("managed", "physical_supervision")
    assert (result.pupils_offsite, result.pupil_survey_pct) == (0, 80.0)
    assert [r.indicator_id for r in result.responses] == [i["indicator_id"] for i in indicators()]
    assert {r.response for r in result.responses} == {"fully"}
    assert result.responses[0].location == "Self-review!C2"
    assert [p.policy for p in result.policies] == [p["policy"] for p in policies()]
    assert result.policies[0].location == "Policies!B2"
    assert (result.policies[0].approved_by_governors, result.policies[0].pupils_consulted) == (
        True, False)  # fmt: skip
    assert [(t.staff_group, t.headcount, t.trained) for t in result.training][0] == (
        "teaching", 10, 8)  # fmt: skip
    assert len(result.incidents) == 5


# -- rejections ------------------------------------------------------------------


def test_a_text_file_is_rejected_as_not_a_return_workbook(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    result = read_return(path, URNS, TODAY)
    assert "not a return workbook" in result.rejection
    assert result.sha256


def test_a_corrupt_workbook_is_rejected_with_the_reason(tmp_path):
    good = write_workbook(tmp_path / "good.xlsx", good_return())
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(good.read_bytes()[:700])
    result = read_return(broken, URNS, TODAY)
    assert result.rejection.startswith("could not be read as a workbook")
    assert "\n" not in result.rejection


def test_a_text_file_named_xlsx_is_rejected(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("URN,118234\n")
    assert read_return(path, URNS, TODAY).rejection.startswith("could not be read as a workbook")


def test_an_encrypted_workbook_is_rejected_as_password_protected(tmp_path):
    # Office saves a password-protected .xlsx as an OLE container holding an
    # "EncryptedPackage" stream; this is the header and directory name it carries.
    path = tmp_path / "locked.xlsx"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le")
    )
    assert "password-protected" in read_return(path, URNS, TODAY).rejection


def test_a_workbook_without_a_school_sheet_is_rejected(tmp_path):
    sheets = good_return()
    sheets["About"] = sheets.pop("School")
    result = read(tmp_path, sheets)
    assert "no School sheet" in result.rejection and "About" in result.rejection


@pytest.mark.parametrize(("urn", "words"), [(None, "URN is blank"), ("12345", "6-digit"),
                                            ("abc", "6-digit")])  # fmt: skip
def test_a_return_without_a_valid_urn_is_rejected_naming_the_cell(tmp_path, urn, words):
    result = read(tmp_path, good_return(urn=urn))
    assert result.rejection.startswith("no valid URN") and words in result.rejection
    assert "School!B2" in result.rejection


def test_a_return_without_a_urn_row_is_rejected(tmp_path):
    sheets = good_return()
    sheets["School"] = [r for r in sheets["School"] if r[0] != "URN"]
    assert read(tmp_path, sheets).rejection.startswith("no valid URN")


def test_a_urn_not_in_the_register_is_rejected_and_the_urn_kept(tmp_path):
    result = read(tmp_path, good_return(urn=999999))
    assert result.rejection == "URN 999999 is not in the school register (School!B2)"
    assert result.urn == 999999


def test_every_return_is_rejected_until_a_register_is_loaded(tmp_path):
    result = read(tmp_path, good_return(), urns=None)
    assert "load one first" in result.rejection


@pytest.mark.parametrize("round_", [None, "2026/28", "next year"])
def test_a_return_without_a_valid_collection_round_is_rejected(tmp_path, round_):
    result = read(tmp_path, good_return(round=round_))
    assert "collection round" in result.rejection and "School!B4" in result.rejection


@pytest.mark.parametrize(
    ("completed", "words"),
    [(None, "blank"), ("whenever", "not a date"), (dt.date(2027, 1, 16), "in the future"),
     (dt.date(1999, 12, 31), "before 2000"), ("never", "blank")],
)  # fmt: skip
def test_a_return_without_a_valid_date_completed_is_rejected(tmp_path, completed, words):
    result = read(tmp_path, good_return(completed=completed))
    assert result.rejection.startswith("no valid Date completed") and words in result.rejection
    assert "School!B6" in result.rejection


def test_a_return_completed_today_is_accepted(tmp_path):
    assert read(tmp_path, good_return(completed=TODAY)).ok


# -- tolerance ----------------------------------------------------------------------


def test_school_values_are_read_in_their_messy_forms(tmp_path):
    sheets = good_return(urn=" URN 118 234 ", round="2026-2027", completed="3 Sept 2026")
    set_field(sheets, "Pupil survey: know how to report (%)", 0.8)
    set_field(sheets, "Pupils taught off-site", 12.0)
    set_field(sheets, "Filtering approach", "LOCKED DOWN")
    result = read(tmp_path, sheets)
    assert (result.urn, result.round, result.completed_on) == (118234, "2026/27",
                                                               dt.date(2026, 9, 3))  # fmt: skip
    assert (result.pupil_survey_pct, result.pupils_offsite) == (80.0, 12)
    assert (result.filtering, result.filtering_raw) == ("locked_down", "LOCKED DOWN")


def test_a_date_completed_as_an_excel_serial_number_is_read(tmp_path):
    assert read(tmp_path, good_return(completed=46268)).completed_on == dt.date(2026, 9, 3)


def test_sheets_and_headers_match_regardless_of_case_spacing_order_and_position(tmp_path):
    sheets = good_return()
    review = sheets.pop("Self-review")
    # a title and a blank row above the header, columns reordered, a Notes column
    reordered = [["Response", "Notes", "Evidence", "INDICATOR-ID"]] + [
        [r[2], "x", r[3], r[0]] for r in review[1:]
    ]
    sheets = {
        "Self-review guidance": [["Indicator ID", "Response"], ["OVR1", "No"]],
        "SELF REVIEW": [["E-safety self-review"], [], *reordered[:3], [], *reordered[3:],
                        ["Total", 25]],
        **{k: sheets[k] for k in reversed(list(sheets))},
    }  # fmt: skip
    result = read(tmp_path, sheets)
    assert result.ok and result.messages == []
    assert {r.response for r in result.responses} == {"fully"}  # the guidance sheet is ignored
    assert result.responses[0].location == "SELF REVIEW!A4"
    assert result.responses[2].location == "SELF REVIEW!A7"  # after the blank row


def test_a_school_sheet_without_field_value_headers_is_read_by_its_labels(tmp_path):
    sheets = good_return()
    sheets["School"] = [["E-safety return"], [], *sheets["School"][1:]]
    result = read(tmp_path, sheets)
    assert result.ok and result.urn == 118234


def test_indicators_match_by_statement_when_the_id_is_missing_and_missing_rows_are_unanswered(
    tmp_path,
):
    sheets = good_return()
    review = sheets["Self-review"]
    review[1][0] = None  # OVR1 by its statement only
    review[1][1] = review[1][1].upper()
    del review[2]  # OVR2 missing altogether
    result = read(tmp_path, sheets)
    by_id = {r.indicator_id: r for r in result.responses}
    assert by_id["OVR1"].response == "fully"
    assert by_id["OVR2"].response is None and by_id["OVR2"].location is None
    assert len(result.responses) == len(indicators())


def test_an_unrecognised_response_is_a_warning_and_the_indicator_unanswered(tmp_path):
    sheets = good_return()
    sheets["Self-review"][1][2] = "Mostly"
    sheets["Self-review"][2][2] = None
    result = read(tmp_path, sheets)
    first, second = result.responses[0], result.responses[1]
    assert (first.response, first.raw_response) == (None, "Mostly")
    assert second.response is None
    assert [m.severity for m in result.messages] == ["warning"]
    assert "Mostly" in warnings_at(result, "Self-review!C2")[0]


def test_policy_dates_yes_no_and_never_are_read_and_problems_tied_to_cells(tmp_path):
    sheets = good_return(completed=dt.date(2026, 10, 1))
    table = sheets["Policies"]
    table[1][1:] = ["03/09/2026", "TRUE", 0, "n"]
    table[2][1] = "Sep 2026"
    table[3][1] = "never"
    table[4][1] = "last spring"  # unreadable: warning, not reviewed
    table[5][1] = dt.date(2026, 11, 1)  # after Date completed: error, blank
    table[6][4] = "perhaps"
    result = read(tmp_path, sheets)
    got = {p.policy: p for p in result.policies}
    assert got["online_safety"].last_reviewed == dt.date(2026, 9, 3)
    assert (got["online_safety"].approved_by_governors, got["online_safety"].pupils_consulted,
            got["online_safety"].families_consulted) == (True, False, False)  # fmt: skip
    assert got["aup_pupils"].last_reviewed == dt.date(2026, 9, 1)
    assert got["aup_staff"].last_reviewed is None and got["aup_staff"].raw_last_reviewed == "never"
    assert got["filtering_review"].last_reviewed is None
    assert "not a date" in warnings_at(result, "Policies!B5")[0]
    assert got["mobile_devices"].last_reviewed is None
    errors = [m for m in result.messages if m.severity == "error"]
    assert [e.location for e in errors] == ["Policies!B6"] and "after the date" in errors[0].message
    assert got["social_media"].families_consulted is None
    assert warnings_at(result, "Policies!E7")


def test_a_missing_policy_row_is_all_null_and_a_warning(tmp_path):
    sheets = good_return()
    del sheets["Policies"][-1]
    result = read(tmp_path, sheets)
    social = result.policies[-1]
    assert social.policy == "social_media" and social.last_reviewed is None
    assert social.location is None
    assert any("Social media" in m.message for m in result.messages)


def test_trained_above_headcount_is_an_error_and_the_row_is_kept(tmp_path):
    sheets = good_return()
    sheets["Training"][1][1:] = [10, 12]
    sheets["Training"][2][1:] = ["twelve", 3]
    result = read(tmp_path, sheets)
    teaching, support = result.training[0], result.training[1]
    assert (teaching.headcount, teaching.trained) == (10, 12)
    assert [m.severity for m in result.messages if m.location == "Training!C2"] == ["error"]
    assert (support.headcount, support.trained) == (None, 3)
    assert "twelve" in warnings_at(result, "Training!B3")[0]


def test_unknown_rows_and_a_total_row_are_ignored_and_counts_read(tmp_path):
    sheets = good_return()
    sheets["Incidents"] += [["Total", 10], ["Notes: none serious"]]
    sheets["Incidents"][1][1] = "3.0"
    sheets["Incidents"][2][1] = -1
    result = read(tmp_path, sheets)
    assert [(i.category, i.count) for i in result.incidents][:2] == [
        ("websites", 3), ("social_networking", None)]  # fmt: skip
    assert "negative" in warnings_at(result, "Incidents!B3")[0]


def test_unknown_filtering_monitoring_and_unreadable_numbers_are_warnings(tmp_path):
    sheets = good_return()
    set_field(sheets, "Filtering approach", "Strict")
    set_field(sheets, "Monitoring approach", "Physical supervision; CCTV")
    set_field(sheets, "Pupils taught off-site", "some")
    set_field(sheets, "Pupil survey: know how to report (%)", 140)
    result = read(tmp_path, sheets)
    assert result.ok
    assert (result.filtering, result.filtering_raw) == (None, "Strict")
    assert (result.monitoring, result.monitoring_raw) == ("physical_supervision",
                                                          "Physical supervision; CCTV")  # fmt: skip
    assert result.pupils_offsite is None and result.pupil_survey_pct is None
    assert {m.location for m in result.messages} == {"School!B7", "School!B8", "School!B9",
                                                     "School!B10"}  # fmt: skip
    assert {m.severity for m in result.messages} == {"warning"}


def test_missing_optional_sheets_are_warnings_and_the_return_still_loads(tmp_path):
    sheets = {"School": good_return()["School"]}
    result = read(tmp_path, sheets)
    assert result.ok
    assert {r.response for r in result.responses} == {None}
    assert result.training == [] and result.incidents == []
    assert len(result.policies) == 6
    assert sum(1 for m in result.messages if m.severity == "warning") == 4


def test_text_that_looks_like_a_formula_is_kept_as_text(tmp_path):
    sheets = good_return()
    sheets["Self-review"][1][3] = "-see the incident log"
    sheets["Self-review"][2][3] = "@DSL +1 more"
    result = read(tmp_path, sheets)
    assert result.responses[0].evidence == "-see the incident log"
    assert result.responses[1].evidence == "@DSL +1 more"


def test_an_xlsm_file_is_read_like_an_xlsx(tmp_path):
    path = write_workbook(tmp_path / "r.xlsx", good_return())
    macro = path.rename(tmp_path / "r.xlsm")
    assert read_return(macro, URNS, TODAY).ok


@pytest.mark.parametrize("fmt", ["ods", "xls"])
@pytest.mark.slow
def test_ods_and_xls_returns_made_by_libreoffice_read_the_same(tmp_path, fmt):
    calc = shutil.which("soffice") and shutil.which("localc")  # localc: libreoffice-calc
    if not calc and os.environ.get("CI") != "true":
        pytest.skip("LibreOffice Calc (soffice, libreoffice-calc) is not installed")
    sheets = good_return(completed="3 Sept 2026")
    sheets["Policies"][1][1] = "Sep 2026"
    converted = convert_with_soffice(write_workbook(tmp_path / "r.xlsx", sheets), fmt)
    result = read_return(converted, URNS, TODAY)
    assert result.ok, result.rejection
    assert result.completed_on == dt.date(2026, 9, 3)
    assert result.policies[0].last_reviewed == dt.date(2026, 9, 1)
    assert result.training[0].headcount == 10 and result.responses[0].response == "fully"


# -- into bronze and silver -------------------------------------------------------


def test_a_batch_lands_every_file_in_bronze_with_its_rows(tmp_path):
    db = tmp_path / "e.duckdb"
    register(db, tmp_path)
    folder = tmp_path / "returns"
    sheets = good_return()
    sheets["Training"][1][1:] = [10, 12]
    write_workbook(folder / "good.xlsx", sheets)
    write_workbook(folder / "sub" / "stranger.xlsx", good_return(urn=999999))
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    summary = ingest_paths([folder], db, today=TODAY, rebuild=False)
    assert (summary.seen, summary.loaded, summary.rejected, summary.errors) == (3, 1, 2, 1)
    files = rows(db, "SELECT file_name, status, urn, round, kind FROM bronze.files "
                     "WHERE kind = 'return' ORDER BY file_name")  # fmt: skip
    assert files == [("good.xlsx", "loaded", 118234, "2026/27", "return"),
                     ("notes.pdf", "rejected", None, None, "return"),
                     ("stranger.xlsx", "rejected", 999999, "2026/27", "return")]  # fmt: skip
    sha = rows(db, "SELECT sha256 FROM bronze.returns")[0][0]
    assert rows(db, "SELECT count(*) FROM bronze.responses WHERE sha256 = ?", [sha]) == [
        (len(indicators()),)]  # fmt: skip
    assert rows(db, "SELECT count(*) FROM bronze.policies WHERE sha256 = ?", [sha]) == [(6,)]
    assert rows(db, "SELECT staff_group, headcount, trained FROM bronze.training "
                    "WHERE location = 'Training!A2'") == [("teaching", 10, 12)]  # fmt: skip
    assert rows(db, "SELECT severity, location FROM bronze.messages WHERE sha256 = ?", [sha]) == [
        ("error", "Training!C2")]  # fmt: skip
    assert rows(db, "SELECT count(*) FROM bronze.incidents") == [(5,)]
    report = summary.report()
    assert "1 loaded, 2 rejected" in report and "bronze.messages" in report


def test_the_same_bytes_twice_load_once_and_record_a_duplicate(tmp_path):
    db = tmp_path / "e.duckdb"
    register(db, tmp_path)
    first = write_workbook(tmp_path / "in" / "a.xlsx", good_return())
    shutil.copy(first, tmp_path / "in" / "b.xlsx")
    summary = ingest_paths([tmp_path / "in"], db, today=TODAY, rebuild=False)
    assert (summary.loaded, summary.duplicates) == (1, 1)
    again = ingest_paths([first], db, today=TODAY, rebuild=False)
    assert (again.loaded, again.duplicates) == (0, 1)
    assert rows(db, "SELECT status, count(*) FROM bronze.files WHERE kind = 'return' "
                    "GROUP BY 1 ORDER BY 1") == [("duplicate", 2), ("loaded", 1)]  # fmt: skip
    assert rows(db, "SELECT count(*) FROM bronze.returns") == [(1,)]


def _bronze(db: Path) -> dict[str, list[tuple]]:
    """Every bronze table a return batch writes, without its ingest times and batch id."""
    out = {}
    for table, ignore in (("files", "ingested_at, batch_id"), ("messages", "ingested_at"),
                          ("returns", "ingested_at"), ("responses", ""), ("policies", ""),
                          ("training", ""), ("incidents", ""), ("fm_checks", "")):  # fmt: skip
        columns = f"* EXCLUDE ({ignore})" if ignore else "*"
        out[table] = rows(db, f"SELECT {columns} FROM bronze.{table} ORDER BY ALL")
    return out


def test_a_pool_of_readers_writes_to_bronze_exactly_what_one_process_writes(tmp_path, monkeypatch):
    # Files are read in chunks, each chunk's child rows sent back as Arrow tables; a
    # byte-identical copy later in the batch is read too but must add no rows, also when
    # it falls in another chunk, and a rejected file between them none either.
    from ingest import batch

    folder = tmp_path / "in"
    for i, urn in enumerate((118234, 118235, 999999, 118234, 118235)):
        sheets = good_return(urn=urn)
        sheets["Training"][1][1:] = [10 + i, 5]
        write_workbook(folder / f"r{i}.xlsx", sheets)
    shutil.copy(folder / "r1.xlsx", folder / "r5.xlsx")
    shutil.copy(folder / "r1.xlsx", folder / "r6.xlsx")
    (folder / "r7.txt").write_text("not a return")
    monkeypatch.setattr(batch, "_CHUNK", 3)
    found = {}
    for workers, threshold in ((1, 1000), (2, 1)):
        monkeypatch.setattr(batch, "POOL_THRESHOLD", threshold)
        db = tmp_path / f"w{workers}.duckdb"
        register(db, tmp_path)
        with lakedb.writing(db) as con:
            summary = batch.load_returns(con, [folder], today=TODAY, workers=workers)
        assert (summary.loaded, summary.duplicates, summary.rejected) == (4, 2, 2)
        found[workers] = _bronze(db)
    assert found[2] == found[1]
    assert len(found[1]["returns"]) == 4
    assert sorted(r[2:4] for r in found[1]["training"] if r[1] == "teaching") == [
        (10, 5), (11, 5), (13, 5), (14, 5)]  # fmt: skip
    assert rows(tmp_path / "w2.duckdb", "SELECT count(DISTINCT sha256) FROM bronze.responses") == [
        (4,)]  # fmt: skip


@pytest.mark.slow
def test_a_script_without_a_main_guard_ingests_through_the_pool_once_and_does_not_hang(
    tmp_path,
):
    # Spawned workers import the parent's __main__; a council's own script that calls
    # load_returns at its top level would run again in each worker, and the ingest waited
    # on those workers for ever.
    import subprocess
    import sys
    import textwrap

    folder = tmp_path / "in"
    for urn in (118234, 118235, 118236):
        write_workbook(folder / f"{urn}.xlsx", good_return(urn=urn))
    db = tmp_path / "s.duckdb"
    register(db, tmp_path, urns={118234, 118235, 118236})
    script = tmp_path / "my_ingest.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import datetime, pathlib, sys
            sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})
            print("top level ran", flush=True)
            from ingest import batch
            from lakehouse import db as lakedb
            batch.POOL_THRESHOLD, batch._CHUNK = 1, 1  # a pool of two for three files
            with lakedb.writing(pathlib.Path({str(db)!r})) as con:
                summary = batch.load_returns(
                    con, [{str(folder)!r}], today=datetime.date(2027, 1, 15), workers=2
                )
            print("loaded", summary.loaded, flush=True)
            """
        )
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == ["top level ran", "loaded 3"]
    assert rows(db, "SELECT count(*) FROM bronze.returns") == [(3,)]


def test_a_file_rejected_before_the_register_loads_is_read_again_afterwards(tmp_path):
    db = tmp_path / "e.duckdb"
    path = write_workbook(tmp_path / "a.xlsx", good_return())
    assert ingest_paths([path], db, today=TODAY, rebuild=False).rejected == 1
    register(db, tmp_path)
    assert ingest_paths([path], db, today=TODAY, rebuild=False).loaded == 1


def test_hidden_and_excel_lock_files_in_folders_are_skipped_and_counted(tmp_path):
    db = tmp_path / "e.duckdb"
    register(db, tmp_path)
    write_workbook(tmp_path / "in" / "a.xlsx", good_return())
    (tmp_path / "in" / "~$a.xlsx").write_bytes(b"lock")
    (tmp_path / "in" / ".DS_Store").write_bytes(b"junk")
    summary = ingest_paths([tmp_path / "in"], db, today=TODAY, rebuild=False)
    assert (summary.seen, summary.loaded, len(summary.skipped)) == (1, 1, 2)
    assert "2 hidden or Excel lock files" in summary.report()


def test_a_later_return_for_the_same_school_and_round_supersedes_in_silver_and_both_are_kept(
    tmp_path,
):
    db = tmp_path / "e.duckdb"
    register(db, tmp_path)
    write_workbook(tmp_path / "in" / "early.xlsx", good_return(completed=dt.date(2026, 9, 1)))
    write_workbook(tmp_path / "in" / "late.xlsx",
                   good_return(completed=dt.date(2026, 10, 1), response="Partly"))  # fmt: skip
    ingest_paths([tmp_path / "in"], db, today=TODAY)
    assert rows(db, "SELECT count(*) FROM bronze.returns") == [(2,)]
    assert rows(db, "SELECT completed_on, is_current FROM silver.returns ORDER BY 1") == [
        (dt.date(2026, 9, 1), False), (dt.date(2026, 10, 1), True)]  # fmt: skip
    current = rows(db, "SELECT DISTINCT s.response FROM silver.responses s JOIN silver.returns r "
                       "USING (return_id) WHERE r.is_current")  # fmt: skip
    assert current == [("partly",)]


def test_a_template_filled_in_by_a_school_reads_back_the_same_values(tmp_path):
    template = pytest.importorskip("ingest.template")
    path = template.write_template(tmp_path / "t.xlsx", {"urn": 118234, "name": "Oak"}, "2026/27")
    book = openpyxl.load_workbook(path)
    filled = {
        "Date completed": dt.date(2026, 9, 30),
        "Filtering approach": "Locked down",
        "Monitoring approach": "Physical supervision",
        "Pupils taught off-site": 3,
    }
    for row in book["School"].iter_rows():
        if row[0].value in filled:
            row[1].value = filled[row[0].value]
    for sheet, column, value in (("Self-review", "Response", "Partly in place"),
                                 ("Policies", "Last reviewed", dt.date(2026, 1, 5)),
                                 ("Training", "Headcount", 7),
                                 ("Incidents", "Number this year", 1)):  # fmt: skip
        ws = book[sheet]
        header = next(r for r in ws.iter_rows() if any(c.value == column for c in r))
        col = next(c.column for c in header if c.value == column)
        for r in range(header[0].row + 1, ws.max_row + 1):
            if ws.cell(r, 1).value:
                ws.cell(r, col).value = value
    book.save(path)
    result = read_return(path, URNS, TODAY)
    assert result.ok, result.rejection
    assert (result.urn, result.round, result.filtering, result.pupils_offsite) == (
        118234, "2026/27", "locked_down", 3)  # fmt: skip
    assert {r.response for r in result.responses} == {"partly"}
    assert {p.last_reviewed for p in result.policies} == {dt.date(2026, 1, 5)}
    assert {t.headcount for t in result.training} == {7}
    assert {i.count for i in result.incidents} == {1}
