"""The chase list and its exports: the contact columns of a full GIAS extract, and a short one."""

from __future__ import annotations

import csv
import io
import os
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ingest.register import load_register
from lakehouse import casework, reads, store
from lakehouse.filters import Filters
from presentation import exports, headers
from tests.lakehouse_factory import Lakehouse

AS_OF = date(2026, 12, 1)  # a month before the 31 December deadline
SHARED_GIAS = Path("/work/shared/data/gias_kent.csv")
FULL_HEADERS = [
    "URN",
    "EstablishmentName",
    "TypeOfEstablishment (name)",
    "EstablishmentTypeGroup (name)",
    "EstablishmentStatus (name)",
    "PhaseOfEducation (name)",
    "LA (name)",
    "DistrictAdministrative (name)",
    "DistrictAdministrative (code)",
    "Postcode",
    "NumberOfPupils",
    "HeadTitle (name)",
    "HeadFirstName",
    "HeadLastName",
    "TelephoneNum",
    "SchoolWebsite",
    "Trusts (name)",
    "OfstedRating (name)",
    "OfstedLastInsp",
]
SCHOOLS = [
    # urn, name, title, first, last, phone, website, trust, ofsted, inspected
    (118001, "Oak Primary School", "Mrs", "Jane", "Smith", "01622 000001", "www.oak.kent.sch.uk",
     "Weald Learning Trust", "Good", "14-03-2023"),
    (118002, "Ash Academy", "Mr", "Tom", "Okafor", "01622 000002", "", "", "Outstanding",
     "02-11-2021"),
    (118003, "Birch Primary School", "Dr", "Ana", "Silva", "01622 000003", "", "", "", ""),
]  # fmt: skip


def full_gias_extract(folder: Path) -> Path:
    path = folder / "edubasealldata20261101.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(FULL_HEADERS)
        for urn, name, title, first, last, phone, web, trust, ofsted, insp in SCHOOLS:
            w.writerow(
                [urn, name, "Community school", "Local authority maintained schools", "Open",
                 "Primary", "Kent", "Maidstone", "E07000110", "ME15 6AA", "210", title, first,
                 last, phone, web, trust, ofsted, insp]
            )  # fmt: skip
    return path


def county(register: Path, returned: int) -> Lakehouse:
    lh = Lakehouse()
    load_register(lh.con, register)
    lh.add_return(returned, completed_on=date(2026, 11, 2))
    lh.build(as_of=AS_OF)
    return lh


def chase(lh: Lakehouse, store_con=None) -> pd.DataFrame:
    rows = reads.returns.chase_list(lh.con, Filters(round="2026/27"))
    reminded = (
        casework.last_reminded(store_con, "2026/27")
        if store_con is not None
        else pd.DataFrame(columns=["urn", "last_reminded", "reminders", "reminded_how"])
    )
    methods = reads.casework.casework_labels(lh.con)["reminder_method"]
    return reads.returns.with_reminders(rows, reminded, methods)


def test_the_chase_list_shows_head_phone_trust_days_to_deadline_and_last_reminder(tmp_path):
    lh = county(full_gias_extract(tmp_path), returned=118002)
    con = store.connect(path=tmp_path / "store.sqlite")
    casework.log_reminder(
        con, 118001, "2026/27", reminded_on=date(2026, 11, 25), method="phone", by="olly"
    )
    rows = chase(lh, con).set_index("urn")
    con.close()
    assert list(rows.index) == [118003, 118001]  # by district, then name
    oak = rows.loc[118001]
    assert (oak["head"], oak["telephone"], oak["trust"]) == (
        "Mrs Jane Smith",
        "01622 000001",
        "Weald Learning Trust",
    )
    assert (oak["status_label"], oak["days_to_deadline"]) == ("Awaiting return", 30)
    assert (oak["last_reminded"], oak["reminded_how_label"], oak["reminders"]) == (
        date(2026, 11, 25),
        "Phone call",
        1,
    )
    school = lh.gold_school(118001)
    assert (school["ofsted_rating"], school["ofsted_last_inspection"]) == (
        "Good",
        date(2023, 3, 14),
    )
    assert school["website"] == "www.oak.kent.sch.uk"


def test_the_chase_list_export_and_mail_merge_carry_the_contact_columns(tmp_path):
    rows = chase(county(full_gias_extract(tmp_path), returned=118002))
    shown = headers.table(rows, headers.CHASE_HEADERS)
    book = exports.table_workbook(shown, {"Round chased": "2026/27"})
    ws = openpyxl.load_workbook(io.BytesIO(book))["Data"]
    header = [c.value for c in ws[1]]
    for column in ("Head", "Telephone", "Trust", "Days to deadline", "Last reminded"):
        assert column in header
    values = dict(zip(header, [c.value for c in ws[3]], strict=True))
    assert (values["Head"], values["Trust"]) == ("Mrs Jane Smith", "Weald Learning Trust")

    merge = exports.mail_merge(rows)
    assert list(merge.columns) == exports.MAIL_MERGE_COLUMNS
    oak = merge[merge["URN"] == 118001].iloc[0]
    assert (oak["Title"], oak["FirstName"], oak["LastName"]) == ("Mrs", "Jane", "Smith")
    assert (oak["Deadline"], oak["DaysToDeadline"]) == ("31 December 2026", 30)
    text = exports.csv_bytes(merge).decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(exports.MAIL_MERGE_COLUMNS)


def test_the_chase_list_still_works_with_the_six_column_kent_extract():
    if not SHARED_GIAS.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{SHARED_GIAS} is missing (it is there in CI)")
        pytest.skip(f"{SHARED_GIAS} is not on this machine (the real 6-column Kent extract)")
    with open(SHARED_GIAS, encoding="utf-8-sig") as fh:
        first = next(csv.DictReader(fh))
    lh = county(SHARED_GIAS, returned=int(first["URN"]))
    rows = chase(lh)
    assert len(rows) > 100 and int(first["URN"]) not in set(rows["urn"])
    assert rows["head"].isna().all() and rows["telephone"].isna().all()
    shown = headers.table(rows, headers.CHASE_HEADERS)
    book = exports.table_workbook(shown, {"Round chased": "2026/27"})
    ws = openpyxl.load_workbook(io.BytesIO(book))["Data"]
    assert ws.max_row == len(rows) + 1
    merge = exports.mail_merge(rows)
    assert (merge["FirstName"] == "").all() and merge["School"].notna().all()


def test_return_rates_per_round_count_on_time_late_awaiting_and_missing():
    lh = Lakehouse()
    for urn in (1, 2, 3, 4):
        lh.school(urn)
    lh.add_return(1, round="2025/26", completed_on=date(2025, 10, 1))
    lh.add_return(2, round="2025/26", completed_on=date(2026, 1, 20))  # late
    lh.add_return(1, completed_on=date(2026, 11, 1))
    lh.build(as_of=AS_OF)
    rates = reads.returns.return_rates(lh.con, Filters()).set_index("round")
    last, now = rates.loc["2025/26"], rates.loc["2026/27"]
    assert (last["expected"], last["on_time"], last["late"], last["missing"]) == (4, 1, 1, 2)
    assert (last["on_time_pct"], last["received_pct"]) == (25.0, 50.0)
    assert (now["on_time"], now["awaiting"], now["missing"]) == (1, 3, 0)
