"""The casework store: support records, agreed actions, caseload and reminders survive
ingests and concurrent officers, and every change is audited."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from lakehouse import audit, casework, reads, store
from lakehouse.db import file_version, writing
from tests.lakehouse_factory import Lakehouse
from tests.seed_copy import edit_seed, seed_copy

PROJECT = Path(__file__).resolve().parents[1]
URN = 100001
ROUND = "2026/27"
OFFICER = "olly.officer@council.gov.uk"


@pytest.fixture
def con(tmp_path: Path):
    c = store.connect(path=tmp_path / "esafety.store.sqlite")
    yield c
    c.close()


def _record(con, **kw) -> int:
    args = {
        "urn": URN,
        "round": ROUND,
        "supported_on": date(2026, 11, 3),
        "type": "visit",
        "officer": "Olly Officer",
        "by": OFFICER,
        "notes": "Met the DSL; training plan agreed",
        "next_review": date(2027, 1, 15),
        "actions": [
            casework.Action(
                "Book governors onto online-safety training", "Head", date(2026, 12, 1)
            ),
            casework.Action("Send the model social media policy", "Council", None),
        ],
    }
    args.update(kw)
    return casework.add_record(con, **args)


def test_a_support_record_keeps_its_date_type_officer_notes_actions_and_review(con):
    rid = _record(con)
    (rec,) = casework.records(con, URN).to_dict("records")
    assert (rec["id"], rec["supported_on"], rec["type"], rec["officer"]) == (
        rid,
        date(2026, 11, 3),
        "visit",
        "Olly Officer",
    )
    assert (rec["notes"], rec["next_review"]) == (
        "Met the DSL; training plan agreed",
        date(2027, 1, 15),
    )
    acts = casework.actions(con, URN)
    assert list(acts["action"]) == [
        "Book governors onto online-safety training",
        "Send the model social media policy",
    ]
    assert list(acts["status"]) == ["open", "open"]
    assert acts["due_on"].iloc[0] == date(2026, 12, 1)


def test_actions_move_to_done_or_dropped_and_records_can_be_updated(con):
    rid = _record(con)
    first, second = casework.actions(con, URN)["id"]
    casework.set_action_status(con, int(first), "done", by=OFFICER)
    casework.set_action_status(con, int(second), "dropped", by=OFFICER)
    extra = casework.add_action(
        con, rid, casework.Action("Review at spring visit", "Olly"), by=OFFICER
    )
    casework.update_record(con, rid, notes="Plan revised", next_review=date(2027, 3, 1), by=OFFICER)
    acts = casework.actions(con, URN).set_index("id")
    assert acts.loc[first, "status"] == "done" and acts.loc[second, "status"] == "dropped"
    assert acts.loc[extra, "status"] == "open"
    rec = casework.records(con, URN).iloc[0]
    assert (rec["notes"], rec["next_review"]) == ("Plan revised", date(2027, 3, 1))


def test_the_summary_says_supported_on_next_action_due_and_overdue(con):
    _record(con)
    _record(con, supported_on=date(2026, 11, 20), type="call", actions=[])
    (s,) = casework.summary(con, today=date(2026, 12, 5)).to_dict("records")
    assert s["supported_on"] == date(2026, 11, 20)
    assert (s["records"], s["open_actions"], s["overdue_actions"]) == (2, 2, 1)
    assert s["next_action_due"] == date(2026, 12, 1)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"type": "coffee"}, "Support type 'coffee' is not one of: Visit, Call"),
        ({"officer": "  "}, "The officer is needed"),
        ({"actions": [casework.Action("Do it", "")]}, "The action's owner is needed"),
    ],
)
def test_a_bad_entry_is_refused_with_one_line_and_nothing_is_saved(con, change, message):
    with pytest.raises(casework.CaseworkError, match=message):
        _record(con, **change)
    assert casework.records(con).empty and casework.actions(con).empty


def test_the_caseload_follows_the_latest_change_and_keeps_every_reason(con):
    casework.set_caseload(con, URN, ROUND, True, reason="Inadequate provision", by=OFFICER)
    casework.set_caseload(con, 100002, ROUND, True, reason="Head asked", by=OFFICER)
    casework.set_caseload(con, 100002, ROUND, False, reason="Supported by the trust", by=OFFICER)
    held = casework.caseload(con, ROUND)
    assert held[["urn", "reason"]].to_dict("records") == [
        {"urn": URN, "reason": "Inadequate provision"}
    ]
    history = casework.caseload_history(con, 100002)
    assert list(history["reason"]) == ["Supported by the trust", "Head asked"]
    with pytest.raises(casework.CaseworkError, match="A reason is needed"):
        casework.set_caseload(con, URN, ROUND, False, reason="", by=OFFICER)


def test_reminders_record_when_how_and_who(con):
    casework.log_reminder(
        con, URN, ROUND, reminded_on=date(2026, 11, 1), method="email", by=OFFICER
    )
    casework.log_reminder(
        con, URN, ROUND, reminded_on=date(2026, 11, 20), method="phone", by=OFFICER
    )
    (last,) = casework.last_reminded(con, ROUND).to_dict("records")
    assert (last["last_reminded"], last["reminded_how"], last["reminders"]) == (
        date(2026, 11, 20),
        "phone",
        2,
    )


def test_every_casework_change_is_in_the_audit_log_with_who_made_it(con):
    rid = _record(con)
    casework.set_caseload(con, URN, ROUND, True, reason="Visit follow-up", by=OFFICER)
    events = audit.events(con, action="casework")
    changes = [json.loads(d)["change"] for d in events["details"]]
    assert changes == ["caseload added", "support record added"]
    assert set(events["user"]) == {OFFICER}
    assert json.loads(events["details"].iloc[-1])["record"] == rid


def test_notes_that_look_like_formulas_stay_text_in_the_casework_export(con):
    _record(con, notes='=HYPERLINK("http://evil")')
    lh = Lakehouse()
    lh.school(URN, name="Oak Primary")
    lh.add_return(URN)
    lh.build()
    rows = reads.casework.casework_export(
        casework.records(con),
        casework.actions(con),
        reads.casework.school_directory(lh.con, _all()),
        reads.casework.casework_labels(lh.con),
    )
    assert len(rows) == 2 and set(rows["school"]) == {"Oak Primary"}
    assert rows["notes"].iloc[0] == '=HYPERLINK("http://evil")'
    assert list(rows["type_label"]) == ["Visit", "Visit"]


def test_casework_is_named_in_the_words_of_the_seeds_the_database_was_built_with(con, tmp_path):
    seeds = seed_copy(tmp_path)
    edit_seed(seeds, "support_types", "type", {"visit": {"label": "School visit"}})
    edit_seed(seeds, "action_statuses", "status", {"open": {"label": "In hand"}})
    edit_seed(seeds, "reminder_methods", "method", {"phone": {"label": "Telephoned"}})
    _record(con)
    casework.log_reminder(
        con, URN, ROUND, reminded_on=date(2026, 11, 10), method="phone", by=OFFICER
    )
    lh = Lakehouse()
    lh.school(URN, name="Oak Primary")  # no return yet: on the chase list
    lh.build(round=ROUND, seeds_dir=seeds)
    labels = reads.casework.casework_labels(lh.con)
    assert list(labels["support_type"])[:2] == ["visit", "call"]
    # the casework export, the chase list and the case timeline all say the council's words
    rows = reads.casework.casework_export(
        casework.records(con),
        casework.actions(con),
        reads.casework.school_directory(lh.con, _all()),
        labels,
    )
    assert list(rows["type_label"]) == ["School visit", "School visit"]
    assert list(rows["action_status_label"]) == ["In hand", "In hand"]
    chase = reads.returns.with_reminders(
        reads.returns.chase_list(lh.con, _all(), ROUND), casework.last_reminded(con, ROUND),
        labels["reminder_method"],
    )  # fmt: skip
    assert list(chase["reminded_how_label"]) == ["Telephoned"]
    line = casework.timeline(con, URN, labels)
    whats = " | ".join(line["what"]) + " | " + " | ".join(line["detail"])
    assert "School visit by Olly Officer (2026/27)" in whats
    assert "now in hand" in whats and "(Telephoned)" in whats


def _all():
    from lakehouse.filters import Filters

    return Filters()


# --- concurrency: two officers' processes and an ingest swapping the database ------------------

WRITER = textwrap.dedent(
    """
    import sys
    from datetime import date
    from lakehouse import casework, store
    path, who, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for i in range(n):
        con = store.connect(path=__import__("pathlib").Path(path))
        try:
            casework.add_record(
                con, urn=100000 + i, round="2026/27", supported_on=date(2026, 11, 1),
                type="call", officer=who, by=who, notes=f"{who} {i}",
                actions=[casework.Action(f"action {i}", who, None)],
            )
        finally:
            con.close()
    """
)
SWAPPER = textwrap.dedent(
    """
    import sys
    from lakehouse.build import build
    from lakehouse.db import writing
    db, n = sys.argv[1], int(sys.argv[2])
    for _ in range(n):
        with writing(db) as con:
            build(con)
    """
)


@pytest.mark.slow
def test_two_officers_write_at_once_while_an_ingest_swaps_the_database_and_nothing_is_lost(
    tmp_path: Path,
):
    db = tmp_path / "esafety.duckdb"
    with writing(db) as c:
        lh = Lakehouse(c)
        lh.school(URN)
        lh.add_return(URN)
        lh.build()
    before = file_version(db)
    where = store.store_path(db)
    n = 40
    procs = [
        subprocess.Popen([sys.executable, "-c", SWAPPER, str(db), "4"], cwd=PROJECT),
        subprocess.Popen([sys.executable, "-c", WRITER, str(where), "alice", str(n)], cwd=PROJECT),
        subprocess.Popen([sys.executable, "-c", WRITER, str(where), "bob", str(n)], cwd=PROJECT),
    ]
    codes = [p.wait(timeout=300) for p in procs]
    assert codes == [0, 0, 0]
    assert file_version(db) != before, "the analytical database was swapped during the writes"
    con = store.connect(path=where)
    try:
        records = casework.records(con)
        actions = casework.actions(con)
        logged = audit.events(con, action="casework")
    finally:
        con.close()
    assert len(records) == 2 * n and len(actions) == 2 * n and len(logged) == 2 * n
    assert sorted(records["notes"]) == sorted(
        [f"alice {i}" for i in range(n)] + [f"bob {i}" for i in range(n)]
    )
    assert where.exists() and where.parent == db.parent  # beside the database, never swapped


def test_supported_pairs_read_the_store_beside_a_database_and_never_create_one(tmp_path: Path):
    db = tmp_path / "esafety.duckdb"
    assert casework.supported_pairs(db) == ()
    assert not store.store_path(db).exists()
    con = store.connect(path=store.store_path(db))
    _record(con)
    con.close()
    assert casework.supported_pairs(db) == ((URN, ROUND),)


@pytest.mark.slow
def test_the_governor_report_shows_the_support_agreed_with_the_council(tmp_path: Path):
    import io

    from pypdf import PdfReader

    from lakehouse.db import ReadOnlyDatabase
    from packs.governor import governor_report_pdf

    db = tmp_path / "esafety.duckdb"
    with writing(db) as c:
        lh = Lakehouse(c)
        lh.school(URN, name="Oak Primary")
        lh.add_return(URN, responses={"LEA4": "not"})
        lh.build()
    reader = ReadOnlyDatabase(db)
    try:
        before = governor_report_pdf(reader, URN, chart=False)
        con = store.connect(path=store.store_path(db))
        _record(con)
        con.close()
        after = governor_report_pdf(reader, URN, chart=False)
    finally:
        reader.close()

    def text(pdf: bytes) -> str:
        return " ".join(
            " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages).split()
        )

    assert "No support has been recorded with the council for this school." in text(before)
    shown = text(after)
    assert "Support agreed with the council" in shown
    assert "Book governors onto online-safety training" in shown and "Visit" in shown
