"""The audit log: append-only in the store, filtered and exported on the admin page."""

from __future__ import annotations

import io
import sqlite3
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from lakehouse import audit, roles, store
from presentation.exports import table_workbook


@pytest.fixture
def con(tmp_path: Path):
    c = store.connect(path=tmp_path / "store.sqlite")
    yield c
    c.close()


def test_an_event_is_recorded_with_who_when_and_what(tmp_path: Path) -> None:
    where = tmp_path / "store.sqlite"
    audit.record("olly@council.gov.uk", "export", path=where, what="flagged schools", rows=12)
    c = store.connect(path=where)
    row = audit.events(c).iloc[0]
    c.close()
    assert row["user"] == "olly@council.gov.uk" and row["action"] == "export"
    assert row["at"].startswith(date.today().isoformat()[:4])
    assert '"rows": 12' in row["details"] and '"what": "flagged schools"' in row["details"]


@pytest.mark.parametrize(
    "sql", ["UPDATE audit_log SET user = 'someone else'", "DELETE FROM audit_log"]
)
def test_nobody_can_rewrite_or_delete_the_log(con: sqlite3.Connection, sql: str) -> None:
    audit.record_in(con, "ada@council.gov.uk", "sign_in")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute(sql)
    assert len(audit.events(con)) == 1


def test_an_unknown_action_is_refused(con: sqlite3.Connection) -> None:
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record_in(con, "x@y.z", "delete_everything")


def test_events_filter_by_user_action_and_date(con: sqlite3.Connection) -> None:
    audit.record_in(con, "ada@council.gov.uk", "sign_in")
    audit.record_in(con, "olly@council.gov.uk", "export", rows=3)
    audit.record_in(con, "olly@council.gov.uk", "upload", files=[{"name": "a.xlsx"}])
    assert list(audit.events(con, user="olly")["action"]) == ["upload", "export"]
    assert list(audit.events(con, action="sign_in")["user"]) == ["ada@council.gov.uk"]
    today = date.today()
    assert len(audit.events(con, since=today, until=today)) == 3
    assert len(audit.events(con, until=date(2000, 1, 1))) == 0


def test_a_role_change_is_on_record_in_the_same_transaction(con: sqlite3.Connection) -> None:
    before = roles.set_role(con, " Vera@Council.gov.uk ", "officer", "ada@council.gov.uk")
    assert before == "none"
    assert roles.role_of("vera@council.gov.uk", con, list_rows={}) == "officer"
    event = audit.events(con, action="role_change").iloc[0]
    assert event["user"] == "ada@council.gov.uk"
    assert '"email": "vera@council.gov.uk"' in event["details"]


def test_an_admin_row_overrides_the_councils_list(con: sqlite3.Connection) -> None:
    listing = {"vera@council.gov.uk": "admin"}
    assert roles.role_of("VERA@council.gov.uk", con, listing) == "admin"
    roles.set_role(con, "vera@council.gov.uk", "none", "ada@council.gov.uk")
    assert roles.role_of("vera@council.gov.uk", con, listing) == "none"
    assert roles.role_of("stranger@else.org", con, listing) == "none"


def test_a_bad_role_list_names_its_file_and_row(tmp_path: Path) -> None:
    bad = tmp_path / "roles.csv"
    bad.write_text("email,role\nvera@council.gov.uk,viewer\nolly@council.gov.uk,boss\n")
    with pytest.raises(roles.RoleListError, match=r"roles.csv row 3: role 'boss'"):
        roles.read_list(bad)


def test_the_shipped_role_list_gives_nobody_access() -> None:
    assert roles.read_list(roles.DEFAULT_LIST) == {}


def test_the_exported_log_keeps_formula_text_as_text(con: sqlite3.Connection) -> None:
    audit.record_in(con, '=HYPERLINK("http://evil","x")', "sign_in")
    data = table_workbook(audit.events(con), {"Rows": "1"}, sheet_name="Audit log")
    ws = openpyxl.load_workbook(io.BytesIO(data))["Audit log"]
    cell = ws.cell(row=2, column=3)
    assert cell.value == '=HYPERLINK("http://evil","x")' and cell.data_type == "s"
