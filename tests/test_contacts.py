"""The council's contact list: its own input, tolerant of headers, reporting bad rows by file,
row and column; the chase list and mail merge reach a person, and say when they cannot."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from ingest.contacts import ContactsError, load_contacts
from ingest.register import load_register
from lakehouse import reads
from lakehouse.filters import Filters
from presentation import casework as casework_text
from presentation import exports
from tests.conftest import PROJECT_ROOT
from tests.lakehouse_factory import Lakehouse
from tests.test_triage_chase import AS_OF, full_gias_extract

# a council's own headers, not ours: matched loosely
MESSY_LIST = """School URN,Position,Full name,Email address,Phone
118001,Head teacher,Mrs Jane Smith,Head@Oak.example.sch.uk,01632 960001
118001,Online safety lead,Sam Patel,s.patel@oak.example.sch.uk,
118002,Principal,Mr Tom Okafor,tom.okafor@ash,01632 960002
not-a-urn,DSL,Ann Lee,ann@example.sch.uk,
118003,Caretaker,Bob Stone,,12
118003,,,,
"""


def run_ingest(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ingest", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def county_with_contacts(tmp_path: Path, contacts: str | None) -> Lakehouse:
    lh = Lakehouse()
    load_register(lh.con, full_gias_extract(tmp_path))
    if contacts is not None:
        path = tmp_path / "council contacts.csv"
        path.write_text(contacts, encoding="utf-8")
        load_contacts(lh.con, path)
    lh.add_return(118002, completed_on=date(2026, 11, 2))
    lh.build(as_of=AS_OF)
    return lh


def test_a_contact_list_with_its_own_headers_loads_and_reports_each_bad_row(tmp_path):
    lh = county_with_contacts(tmp_path, MESSY_LIST)
    people = reads.returns.contact_list(lh.con)
    assert sorted(people["name"]) == ["Bob Stone", "Mr Tom Okafor", "Mrs Jane Smith", "Sam Patel"]
    jane = people.set_index("name").loc["Mrs Jane Smith"]
    assert (jane["role_label"], jane["email"]) == ("Head teacher", "head@oak.example.sch.uk")
    assert people.set_index("name").loc["Sam Patel", "role_label"] == "E-safety lead"
    assert people.set_index("name").loc["Mr Tom Okafor", "role_label"] == "Head teacher"
    messages = [m for (m,) in lh.con.execute("SELECT message FROM bronze.messages").fetchall()]
    # each names the file, the row and the column
    assert (
        "council contacts.csv row 4, column Email address: 'tom.okafor@ash' is not an "
        "e-mail address; left blank" in messages
    )
    assert (
        "council contacts.csv row 5, column School URN: 'not-a-urn' is not a URN; row skipped"
        in messages
    )
    assert any("row 6, column Position: role 'Caretaker'" in m for m in messages)
    assert people.set_index("name").loc["Bob Stone", "role_label"] == "Other contact"
    assert any("row 6, column Phone: '12' is not a telephone number" in m for m in messages)
    assert any("row 7: URN 118003 has no name, e-mail or telephone" in m for m in messages)
    files = lh.con.execute(
        "SELECT kind, status FROM bronze.files WHERE file_name = 'council contacts.csv'"
    ).fetchall()
    assert files == [("contacts", "loaded")]  # fmt: skip


def test_the_chase_list_and_mail_merge_carry_the_contact_and_the_address(tmp_path):
    lh = county_with_contacts(tmp_path, MESSY_LIST)
    rows = reads.returns.chase_list(lh.con, Filters(round="2026/27")).set_index("urn")
    oak = rows.loc[118001]
    # the e-safety lead first (seeds/contact_roles.csv chase_order), with an e-mail
    assert (oak["contact"], oak["email"]) == (
        "Sam Patel (E-safety lead)",
        "s.patel@oak.example.sch.uk",
    )
    # no number of their own: the school's from the register
    assert oak["telephone"] == "01622 000001"
    merge = exports.mail_merge(rows.reset_index())
    assert list(merge.columns) == exports.MAIL_MERGE_COLUMNS
    merge = merge.set_index("URN")
    assert merge.loc[118001, "To"] == "s.patel@oak.example.sch.uk"
    assert merge.loc[118001, "Salutation"] == "Dear Sam Patel"
    assert merge.loc[118001, "Postcode"] == "ME15 6AA"
    # Birch has only a caretaker with no e-mail: no To, and the warning counts it
    assert merge.loc[118003, "To"] == ""
    warning = casework_text.contact_warning(rows.reset_index())
    assert warning and warning.startswith("1 of the 2 schools on this list has no e-mail")


def test_a_register_without_contacts_and_no_contact_list_shows_the_warning(tmp_path):
    lh = Lakehouse()
    path = tmp_path / "gias.csv"
    path.write_text("URN,EstablishmentName\n118001,Oak Primary\n118002,Ash Primary\n")
    load_register(lh.con, path)
    lh.add_return(118002, completed_on=date(2026, 11, 2))
    lh.build(as_of=AS_OF)
    rows = reads.returns.chase_list(lh.con, Filters(round="2026/27"))
    assert len(rows) == 1
    warning = casework_text.contact_warning(rows)
    assert warning is not None
    assert warning.startswith("The school on this list has no e-mail contact and no telephone")
    assert "python -m ingest contacts" in warning
    assert reads.returns.contact_coverage(lh.con) == {
        "schools": 2,
        "with_email": 0,
        "with_contact": 0,
    }


def test_the_returns_page_warns_when_schools_have_no_contact(gold_db: Path, monkeypatch):
    monkeypatch.setenv("ESAFETY_DB", str(gold_db))
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    at.switch_page("pages/returns_quality.py").run()
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert any("no e-mail contact" in w for w in warnings), warnings
    assert any(h.value == "School contacts" for h in at.subheader)


def test_the_sample_county_chase_list_and_mail_merge_have_an_e_mail_for_every_listed_school(
    sample_db: Path,
):
    with duckdb.connect(str(sample_db), read_only=True) as con:
        rows = reads.returns.chase_list(con, Filters())
        listed = set(reads.returns.contact_list(con).dropna(subset=["email"])["urn"])
        cover = reads.returns.contact_coverage(con)
    assert 0 < cover["with_email"] < cover["schools"]  # most, not all, schools listed
    merge = exports.mail_merge(rows)
    assert not rows.empty
    for urn, email, to in zip(rows["urn"], rows["email"], merge["To"], strict=True):
        if urn in listed:
            assert email and email.endswith(".example.sch.uk") and to == email
        else:
            assert not to
    assert (merge["Address1"] != "").all() and (merge["Town"] != "").all()


@pytest.mark.slow
def test_a_file_that_is_not_a_contact_list_is_one_line_and_on_record(tmp_path):
    db = tmp_path / "c.duckdb"
    bad = tmp_path / "people.csv"
    bad.write_text("Name,Email\nJane,j@example.sch.uk\n")
    done = run_ingest("contacts", str(bad), "--db", str(db))
    assert done.returncode == 1
    assert done.stderr.startswith("error: people.csv row 1: no URN column")
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT kind, status FROM bronze.files").fetchall() == [
            ("contacts", "rejected")
        ]
    with pytest.raises(ContactsError):
        lh = Lakehouse()
        load_contacts(lh.con, tmp_path / "missing.csv")


@pytest.mark.slow
def test_the_contacts_command_prints_each_problem_and_exits_0(tmp_path):
    db = tmp_path / "c.duckdb"
    path = tmp_path / "list.csv"
    path.write_text(MESSY_LIST, encoding="utf-8")
    done = run_ingest("contacts", str(path), "--db", str(db))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == (
        "list.csv: 4 contacts loaded for 3 schools, 2 with an e-mail address; 2 rows skipped, "
        "2 values left blank (see bronze.messages)"
    )
    assert "list.csv row 5, column School URN: 'not-a-urn' is not a URN; row skipped" in lines
    assert "Traceback" not in done.stdout + done.stderr


def test_the_register_s_head_telephone_address_and_website_reach_the_mail_merge(tmp_path):
    path = tmp_path / "edubasealldata.csv"
    path.write_text(
        "URN,EstablishmentName,EstablishmentStatus (name),HeadTitle (name),HeadFirstName,"
        "HeadLastName,TelephoneNum,SchoolWebsite,Street,Locality,Address3,Town,County (name),"
        "Postcode\n"
        "118001,Oak Primary School,Open,Mrs,Jane,Smith,01632 960001,www.oak.example.sch.uk,"
        "Church Road,Bearsted,,Maidstone,Kent,ME14 4AA\n"
        "118002,Ash Primary School,Open,,,,,,,,,,,\n",
        encoding="utf-8",
    )
    lh = Lakehouse()
    load_register(lh.con, path)
    lh.add_return(118002, completed_on=date(2026, 11, 2))
    lh.build(as_of=AS_OF)
    rows = reads.returns.chase_list(lh.con, Filters(round="2026/27"))
    assert list(rows["urn"]) == [118001]
    merge = exports.mail_merge(rows).iloc[0]
    assert (merge["Address1"], merge["Address2"], merge["Address3"]) == (
        "Church Road",
        "Bearsted",
        "",
    )
    assert (merge["Town"], merge["County"], merge["Postcode"]) == ("Maidstone", "Kent", "ME14 4AA")
    assert (merge["Salutation"], merge["Telephone"]) == ("Dear Mrs Smith", "01632 960001")
    # GIAS has no e-mail: no To, and the chase screen says so
    assert merge["To"] == ""
    assert casework_text.contact_warning(rows).startswith(
        "The school on this list has no e-mail contact; it can be telephoned."
    )
