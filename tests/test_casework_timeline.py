"""One case timeline per school: every kind of casework entry and the school's returns,
newest first; an undo is a reversal row of its own, never a delete."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from lakehouse import audit, casework, reads, store
from tests.lakehouse_factory import Lakehouse
from tests.seed_copy import edit_seed, seed_copy

URN = 100001
ROUND = "2026/27"
OFFICER = "olly.officer@council.gov.uk"


@pytest.fixture
def con(tmp_path: Path):
    c = store.connect(path=tmp_path / "esafety.store.sqlite")
    yield c
    c.close()


def _casework(con) -> dict[str, int]:
    """A visit with two actions, one done; a reminder; on and off the caseload."""
    record = casework.add_record(
        con,
        urn=URN,
        round=ROUND,
        supported_on=date(2026, 11, 3),
        type="visit",
        officer="Olly Officer",
        by=OFFICER,
        notes="Met the DSL; filtering plan agreed",
        actions=[
            casework.Action("Book governors onto training", "Head", date(2026, 12, 1)),
            casework.Action("Send the model policy", "Council", date(2026, 11, 20)),
        ],
    )
    acts = casework.actions(con, URN).set_index("action")
    first = int(acts.loc["Book governors onto training", "id"])
    casework.set_action_status(con, first, "done", by=OFFICER, completed_on=date(2026, 11, 18))
    reminder = casework.log_reminder(
        con, URN, ROUND, reminded_on=date(2026, 11, 10), method="email", by=OFFICER
    )
    casework.set_caseload(con, URN, ROUND, True, reason="Two concerns", by=OFFICER)
    casework.set_caseload(con, URN, ROUND, False, reason="Plan in place", by=OFFICER)
    return {"record": record, "action": first, "reminder": reminder}


def _returns() -> pd.DataFrame:
    lh = Lakehouse()
    lh.school(URN)
    lh.add_return(URN, round="2025/26", completed_on=date(2025, 10, 1))
    lh.add_return(URN, completed_on=date(2026, 10, 12))
    lh.build(as_of=date(2026, 12, 1))
    return reads.casework.school_returns(lh.con, URN)


def test_the_timeline_holds_every_kind_of_casework_entry_and_the_returns_newest_first(con):
    _casework(con)
    line = reads.casework.case_timeline(casework.timeline(con, URN), _returns())
    assert set(line["kind"]) == {"support", "action", "reminder", "caseload", "return"}
    whats = list(line["what"])
    assert "Visit by Olly Officer (2026/27)" in whats
    assert "Action agreed: Book governors onto training" in whats
    assert "Action done: Book governors onto training" in whats
    assert "Reminded about the 2026/27 return (E-mail)" in whats
    assert "Added to the 2026/27 caseload" in whats and "Taken off the 2026/27 caseload" in whats
    assert {"Return for 2025/26", "Return for 2026/27"} <= set(whats)
    details = " | ".join(line["detail"])
    # actions with their due and completion dates; caseload changes with their reasons
    assert "Owner Head; due 1 Dec 2026" in details
    assert "completed 18 Nov 2026, due 1 Dec 2026" in details
    assert "Reason: Two concerns" in details and "Reason: Plan in place" in details
    assert "Received on time; overall" in details
    # newest first, from the caseload changes today back to the 2025/26 return
    days = list(line["on"])
    assert days == sorted(days, reverse=True)
    assert line["what"].iloc[-1] == "Return for 2025/26"


def test_a_return_on_the_timeline_names_its_grade_in_the_words_of_the_seeds_it_was_built_with(
    tmp_path: Path,
):
    seeds = seed_copy(tmp_path)
    edit_seed(seeds, "grade_bands", "grade", {"1": {"label": "Exemplary"}})
    lh = Lakehouse()
    lh.school(URN)
    lh.add_return(URN, completed_on=date(2026, 10, 12))  # every statement fully in place
    lh.build(as_of=date(2026, 12, 1), seeds_dir=seeds)
    empty = pd.DataFrame(columns=casework.TIMELINE_COLUMNS)
    line = reads.casework.case_timeline(empty, reads.casework.school_returns(lh.con, URN))
    assert list(zip(line["what"], line["detail"], strict=True)) == [
        ("Return for 2026/27", "Received on time; overall exemplary")
    ]


def test_an_action_keeps_its_completion_date(con):
    _casework(con)
    acts = casework.actions(con, URN).set_index("action")
    assert acts.loc["Book governors onto training", "completed_on"] == date(2026, 11, 18)
    assert acts.loc["Send the model policy", "completed_on"] is None


def test_an_undo_is_a_reversal_row_and_both_rows_stay_in_the_audit_log(con):
    ids = _casework(con)
    casework.undo(
        con, "reminder", ids["reminder"], by=OFFICER, reason="Logged for the wrong school"
    )
    # the reminder stays in the store, left out of the chase list's count
    assert con.execute("SELECT count(*) FROM reminders").fetchone()[0] == 1
    assert casework.last_reminded(con, ROUND).empty
    log = [json.loads(d) for d in audit.events(con, action="casework")["details"]]
    changes = [d["change"] for d in log]
    assert "reminder logged" in changes and "undo" in changes
    undo = next(d for d in log if d["change"] == "undo")
    assert (undo["entry"], undo["entry_id"], undo["reason"]) == (
        "reminder",
        ids["reminder"],
        "Logged for the wrong school",
    )
    line = casework.timeline(con, URN)
    reminded = line[line["entry"] == "reminder"].iloc[0]
    assert bool(reminded["undone"])
    assert "Undone: Reminded about the 2026/27 return (E-mail)" in set(line["what"])
    with pytest.raises(casework.CaseworkError, match="undone already"):
        casework.undo(con, "reminder", ids["reminder"], by=OFFICER, reason="again")


def test_undoing_a_status_change_or_a_caseload_change_puts_things_back(con):
    ids = _casework(con)
    event = int(
        con.execute(
            "SELECT max(id) FROM action_events WHERE action_id = ?", [ids["action"]]
        ).fetchone()[0]
    )
    casework.undo(con, "action_event", event, by=OFFICER, reason="Not done yet")
    acts = casework.actions(con, URN).set_index("id")
    assert acts.loc[ids["action"], "status"] == "open"
    assert acts.loc[ids["action"], "completed_on"] is None
    removal = int(casework.caseload_history(con, URN)["id"].iloc[0])
    casework.undo(con, "caseload", removal, by=OFFICER, reason="Removed by mistake")
    assert list(casework.caseload(con, ROUND)["urn"]) == [URN]
    # a whole record undone leaves the views, and stays in the store and the timeline
    casework.undo(con, "record", ids["record"], by=OFFICER, reason="Wrong school")
    assert casework.records(con, URN).empty and casework.actions(con, URN).empty
    assert casework.summary(con, date(2026, 12, 1)).empty
    assert con.execute("SELECT count(*) FROM support_records").fetchone()[0] == 1
    line = casework.timeline(con, URN)
    assert bool(line.loc[line["entry"] == "record", "undone"].iloc[0])


def test_an_undo_needs_a_reason_and_an_entry_that_exists(con):
    with pytest.raises(casework.CaseworkError, match="reason"):
        casework.undo(con, "reminder", 1, by=OFFICER, reason=" ")
    with pytest.raises(casework.CaseworkError, match="does not exist"):
        casework.undo(con, "reminder", 99, by=OFFICER, reason="x")
    with pytest.raises(casework.CaseworkError, match="cannot be undone"):
        casework.undo(con, "audit", 1, by=OFFICER, reason="x")
