"""Streamlit glue for casework: the store connection per script run, and who is writing.

The store is SQLite (lakehouse.store): one short-lived connection per use,
because a connection must stay on the thread that opened it and Streamlit runs
each session on its own. Reads are quick enough not to cache, so a record
saved in one session shows in another on its next rerun.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pandas as pd
import streamlit as st

from lakehouse import casework, reads, store
from presentation import casework as casework_text
from presentation import exports, headers
from presentation.formatting import MISSING, STREAMLIT_DATE_FORMAT, council_date
from ui import app, auth, forms, safe
from ui.forms import OnceForm


@contextmanager
def connection() -> Iterator[sqlite3.Connection]:
    """The casework store beside the app's database (``$ESAFETY_STORE`` overrides)."""
    con = store.connect(path=store.store_path())
    try:
        yield con
    finally:
        con.close()


def writer() -> auth.User:
    """Who makes a casework write (their e-mail goes on the record, and the audit row is
    theirs); stops the page for a role that may not."""
    return auth.require("casework")


def summary(today: date | None = None) -> pd.DataFrame:
    with connection() as con:
        return casework.summary(con, today or date.today())


def caseload(round: str | None) -> pd.DataFrame:
    if not round:
        return pd.DataFrame(columns=["urn", "reason", "since", "by"])
    with connection() as con:
        return casework.caseload(con, round)


ACTION_ROWS = 3  # agreed actions a new record can carry; more are added afterwards


def _day(value: date | None) -> str:
    return council_date(value, missing="")


def _timeline_table(line: pd.DataFrame) -> pd.DataFrame:
    """The case timeline as a person reads it: every cell in full, typed text as typed."""
    return pd.DataFrame(
        {
            "Date": [council_date(d, missing="") for d in line["on"]],
            "What": [
                safe.md(w + (" (undone)" if u else ""))
                for w, u in zip(line["what"], line["undone"], strict=True)
            ],
            "Detail": [safe.md(d) if d else "" for d in line["detail"]],
            "By": [safe.md(b) if b else "" for b in line["by"]],
        }
    )


def profile_section(urn: int, round: str | None, today: date | None = None) -> None:
    """The school's case timeline, and forms to add a record, update an action and undo."""
    today = today or date.today()
    st.subheader("Casework: support agreed with the council")
    labels = app.frame(reads.casework.casework_labels)
    with connection() as con:
        acts = casework.actions(con, urn)
        entries = casework.timeline(con, urn, labels)
    line = reads.casework.case_timeline(entries, app.frame(reads.casework.school_returns, int(urn)))
    types = labels["support_type"]
    statuses = labels["action_status"]
    if saved := forms.confirmation("casework_saved"):
        st.success(safe.md(saved))
    no_support = not (entries["entry"] == "record").any()
    if no_support:
        st.info("No support recorded for this school yet.")
    if not line.empty:
        st.markdown("**Case timeline**, newest first")
        st.table(_timeline_table(line), hide_index=True)
    if not acts.empty:
        # open by casework.open_statuses (the store's is_open), as the worklist counts it
        overdue = [
            bool(o) and d is not None and d < today
            for o, d in zip(acts["is_open"], acts["due_on"], strict=True)
        ]
        st.dataframe(
            pd.DataFrame(
                {
                    "Agreed action": acts["action"],
                    "Owner": acts["owner"],
                    "Due": acts["due_on"],
                    "Status": acts["status"].map(statuses),
                    "Completed on": acts["completed_on"],
                    "Overdue": ["Overdue" if o else "" for o in overdue],
                }
            ),
            hide_index=True,
            width="stretch",
            column_config={
                "Agreed action": st.column_config.TextColumn(width="large"),
                "Due": st.column_config.DateColumn(format=STREAMLIT_DATE_FORMAT),
                "Completed on": st.column_config.DateColumn(format=STREAMLIT_DATE_FORMAT),
            },
            key="casework_actions",
            placeholder=MISSING,
        )
    if not auth.may("casework"):
        st.caption(f"Casework is for officers and admins (your role: {auth.current_user().role}).")
        return
    user = auth.current_user()
    once = OnceForm("casework_add")  # a double-click saves one record
    with (
        st.expander("Add a support record", expanded=no_support),
        once.form(),
    ):
        c1, c2, c3 = st.columns(3)
        when = c1.date_input("Date", value=today, format="DD/MM/YYYY", key=once.key("cw_date"))
        kind = c2.selectbox("Type", list(types), format_func=types.get, key=once.key("cw_type"))
        officer = c3.text_input(
            "Officer", value=user.name, max_chars=200, key=once.key("cw_officer")
        )
        notes = st.text_area("Notes", max_chars=casework.NOTES_MAX, key=once.key("cw_notes"))
        review = st.date_input(
            "Next review (optional)", value=None, format="DD/MM/YYYY", key=once.key("cw_review")
        )
        st.markdown("**Agreed actions** (leave blank rows empty)")
        rows = []
        for i in range(ACTION_ROWS):
            a1, a2, a3 = st.columns([3, 2, 1])
            rows.append(
                (
                    a1.text_input(f"Action {i + 1}", max_chars=500, key=once.key(f"cw_action_{i}")),
                    a2.text_input(f"Owner {i + 1}", max_chars=200, key=once.key(f"cw_owner_{i}")),
                    a3.date_input(
                        f"Due {i + 1}", value=None, format="DD/MM/YYYY", key=once.key(f"cw_due_{i}")
                    ),
                )
            )
        to_caseload = st.checkbox(
            f"Also add this school to the {round} caseload", key=once.key("cw_to_caseload")
        )
        if once.submitted("Save support record", type="primary"):
            by = writer()
            try:
                with connection() as con:
                    casework.add_record(
                        con,
                        urn=int(urn),
                        round=round or "",
                        supported_on=when,
                        type=kind,
                        officer=officer,
                        notes=notes,
                        next_review=review,
                        actions=[
                            casework.Action(action=a, owner=o, due_on=d)
                            for a, o, d in rows
                            if a.strip() or o.strip()
                        ],
                        by=by.email,
                    )
                    if to_caseload:
                        casework.set_caseload(
                            con,
                            int(urn),
                            round or "",
                            True,
                            reason=f"{types[kind]} on {_day(when)}",
                            by=by.email,
                        )
            except casework.CaseworkError as exc:
                safe.error(exc)
            else:
                auth.audit_as(
                    by, "casework", change="support record", urn=int(urn), round=round or ""
                )
                once.saved(
                    (
                        "casework_saved",
                        f"Support record saved: {types[kind]} on {_day(when)}."
                        + (f" Added to the {round} caseload." if to_caseload else ""),
                    )
                )
                st.rerun()
    if not acts.empty:
        _update_action_form(acts, statuses, today)
    _undo_form(entries)


def _update_action_form(acts: pd.DataFrame, statuses: dict[str, str], today: date) -> None:
    """Mark an agreed action done (with the day it was completed), dropped or open again."""
    once = OnceForm("casework_update")
    with st.expander("Update an agreed action"), once.form():
        labels = {
            int(i): f"{a} — {o}" + (f", due {_day(d)}" if d else "")
            for i, a, o, d in zip(
                acts["id"], acts["action"], acts["owner"], acts["due_on"], strict=True
            )
        }
        # no default: saving without choosing must not change the first action in the list
        chosen = st.selectbox(
            "Action",
            list(labels),
            format_func=labels.get,
            index=None,
            placeholder="Choose an action",
            key=once.key("cw_pick"),
        )
        status = st.radio(
            "Status",
            list(statuses),
            format_func=statuses.get,
            horizontal=True,
            key=once.key("cw_status"),
        )
        done_on = st.date_input(
            "Completed on (when marking it done)",
            value=today,
            format="DD/MM/YYYY",
            key=once.key("cw_completed_on"),
        )
        if once.submitted("Save action status"):
            by = writer()
            if chosen is None:
                st.error("Choose the action to update.")
                return
            with connection() as con:
                casework.set_action_status(
                    con, int(chosen), status, by=by.email, completed_on=done_on
                )
            auth.audit_as(
                by, "casework", change="action status", action_id=int(chosen), status=status
            )
            once.saved(("casework_saved", f"Action marked {statuses[status].lower()}."))
            st.rerun()


def _undo_form(entries: pd.DataFrame) -> None:
    """Take back one entry with a reason: a reversal row of its own, never a delete."""
    live = entries[(entries["entry"] != "") & ~entries["undone"]]
    if live.empty:
        return
    once = OnceForm("casework_undo")
    with st.expander("Undo an entry"), once.form():
        st.caption(
            "The entry stays on record, marked undone, and the undo is logged with its reason."
        )
        labels = {
            f"{e}:{int(i)}": f"{council_date(d, missing='')} — {w}"
            for e, i, d, w in zip(
                live["entry"], live["entry_id"], live["on"], live["what"], strict=True
            )
        }
        chosen = st.selectbox(
            "Entry",
            list(labels),
            format_func=labels.get,
            index=None,
            placeholder="Choose the entry to undo",
            key=once.key("cw_undo_pick"),
        )
        reason = st.text_input("Reason", max_chars=500, key=once.key("cw_undo_reason"))
        if once.submitted("Undo this entry"):
            by = writer()
            if chosen is None:
                st.error("Choose the entry to undo.")
                return
            entry, entry_id = chosen.split(":")
            try:
                with connection() as con:
                    casework.undo(con, entry, int(entry_id), by=by.email, reason=reason)
            except casework.CaseworkError as exc:
                safe.error(exc)
            else:
                auth.audit_as(by, "casework", change="undo", entry=entry, entry_id=int(entry_id))
                once.saved(("casework_saved", f"Undone: {labels[chosen]}."))
                st.rerun()


def chase_section(ctx: app.PageContext) -> None:
    """Return rates per round, the chase list with contacts and reminders, the mail merge, and
    the form that logs a reminder."""
    f = ctx.filters
    st.subheader("Return rates by round")
    rates = app.frame(reads.returns.return_rates, f)
    st.dataframe(
        headers.table(rates, headers.RETURN_RATE_HEADERS),
        hide_index=True,
        width="stretch",
        column_config={"Deadline": st.column_config.DateColumn(format=STREAMLIT_DATE_FORMAT)},
        key="return_rates",
        placeholder=MISSING,
    )

    rnd = ctx.round
    st.subheader(f"Chase list: returns not yet in for {rnd}")
    chase = app.frame(reads.returns.chase_list, f, rnd)
    with connection() as con:
        reminded = casework.last_reminded(con, rnd or "")
    methods = app.frame(reads.casework.casework_labels)["reminder_method"]
    chase = reads.returns.with_reminders(chase, reminded, methods)
    if saved := forms.confirmation("reminder_saved"):
        st.success(saved)
    if chase.empty:
        st.success("Every expected school in these filters has sent its return.")
        return
    # say so when the chase cannot reach a person (a register without contact columns and
    # no council contact list leaves every school without one)
    if warning := casework_text.contact_warning(chase):
        st.warning(warning, icon=":material/contact_mail:")
    shown = headers.table(chase, headers.CHASE_HEADERS)
    contact = ["Contact", "E-mail", "Head", "Telephone", "Trust", "Website", "Postcode"]
    contact.append("Reminded how")
    # a register without contact columns: blank cells, not the word None
    table = shown.assign(**{c: shown[c].fillna("") for c in contact}).reset_index(drop=True)
    picked = st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "URN": st.column_config.NumberColumn(format="%d"),
            # medium, not large: wider columns push the reminder columns off the screen
            "Trust": st.column_config.TextColumn(width="medium"),
            "Contact": st.column_config.TextColumn(width="medium"),
            "E-mail": st.column_config.TextColumn(width="medium"),
            "Website": st.column_config.TextColumn(width="medium"),
            "Deadline": st.column_config.DateColumn(format=STREAMLIT_DATE_FORMAT),
            "Last reminded": st.column_config.DateColumn(format=STREAMLIT_DATE_FORMAT),
        },
        key="chase_table",
        on_select="rerun",
        selection_mode="single-row",
        placeholder=MISSING,
    )
    # a cell shows only what fits: the selected school's contact details in full, as plain text
    if picked is not None and picked.selection.rows:
        row = table.iloc[int(picked.selection.rows[0])]
        st.text(f"{row['School']} (URN {int(row['URN'])})")
        for column in contact:
            if row[column]:
                st.text(f"{column}: {row[column]}")
        if not row["E-mail"]:
            st.text("No e-mail contact for this school.")
    else:
        st.caption("Select a row to read the school's contact details in full.")
    stamp = (rnd or "").replace("/", "-")

    def _chase_workbook() -> bytes:
        about = exports.about_sheet(
            app.filter_summary(f),
            ctx.info,
            source=f"E-safety returns database {app.get_db().path.name} and its casework store",
            rows=len(shown),
            extra={"Round chased": rnd or ""},
        )
        return exports.table_workbook(shown, about, "Chase list")

    c1, c2, c3 = st.columns(3)
    # files are built when clicked (deferred download), not on every rerun
    with c1:
        auth.download(
            "Chase list (Excel)",
            _chase_workbook,
            what="chase list",
            rows=len(shown),
            filters=app.filter_summary(f),
            file_name=f"chase_list_{stamp}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="chase_excel",
            icon="⬇️",
        )
    with c2:
        auth.download(
            "Chase list (CSV)",
            lambda: exports.csv_bytes(shown),
            what="chase list",
            rows=len(shown),
            filters=app.filter_summary(f),
            file_name=f"chase_list_{stamp}.csv",
            mime="text/csv",
            key="chase_csv",
        )
    with c3:
        auth.download(
            "Mail merge (CSV for Outlook or Word)",
            lambda: exports.csv_bytes(exports.mail_merge(chase)),
            what="chase mail merge",
            rows=len(chase),
            filters=app.filter_summary(f),
            file_name=f"chase_mail_merge_{stamp}.csv",
            mime="text/csv",
            key="chase_mail_merge",
        )

    if not auth.may("casework"):
        st.caption(
            f"Logging reminders is for officers and admins (your role: {auth.current_user().role})."
        )
        return
    names = dict(zip(chase["urn"], chase["school"], strict=True))
    once = OnceForm("reminder_form")
    with st.expander("Log a reminder"), once.form():
        schools = st.multiselect(
            "Schools reminded",
            list(names),
            format_func=lambda u: f"{names[u]} — URN {u}",
            key=once.key("reminder_schools"),
            placeholder="Type a school's name or URN",
            # never "Select all" / "Select 2 matches": Enter took it and reminded every match
            select_all=False,
        )
        r1, r2 = st.columns(2)
        when = r1.date_input(
            "Date", value=date.today(), format="DD/MM/YYYY", key=once.key("reminder_date")
        )
        how = r2.selectbox(
            "How", list(methods), format_func=methods.get, key=once.key("reminder_how")
        )
        note = st.text_input("Note (optional)", max_chars=500, key=once.key("reminder_note"))
        if once.submitted("Save reminder"):
            by = writer()
            if not schools:
                st.error("Choose at least one school.")
            else:
                with connection() as con:
                    for urn in schools:
                        casework.log_reminder(
                            con,
                            int(urn),
                            rnd or "",
                            reminded_on=when,
                            method=how,
                            by=by.email,
                            note=note,
                        )
                auth.audit_as(
                    by, "casework", change="reminder", urns=[int(u) for u in schools], method=how
                )
                once.saved(
                    (
                        "reminder_saved",
                        f"Reminder logged for {len(schools)} school"
                        + ("" if len(schools) == 1 else "s")
                        + ".",
                    )
                )
                st.rerun()


def themes_section(ctx: app.PageContext) -> None:
    """County themes: each theme's share of returning schools, its trend and the county action."""
    st.subheader("County themes: met by the county-wide offer")
    st.caption(
        "A theme is common across the county, so it is a commissioning decision rather than "
        "a case for each school. Share of the schools that made a return in the round."
    )
    themes = app.frame(reads.triage.county_themes, ctx.filters, ctx.round)
    if themes.empty or not themes["returning"].any():
        st.info("No returns in this round match these filters.")
        return
    st.dataframe(
        headers.table(casework_text.with_trend_text(themes), headers.THEME_HEADERS),
        hide_index=True,
        width="stretch",
        column_config={
            "Share (%)": st.column_config.NumberColumn(format="%.1f"),
            "Trend": st.column_config.TextColumn(width="medium"),
            "County-wide action": st.column_config.TextColumn(width="large"),
        },
        key="county_themes",
        placeholder=MISSING,
    )


def supported_pairs() -> tuple[tuple[int, str], ...]:
    """(urn, round) for every school with a support record in a round (the casework store)."""
    with connection() as con:
        rounds = casework.supported_rounds(con)
    return tuple((int(u), str(r)) for u, r in zip(rounds["urn"], rounds["round"], strict=True))


def impact_section(ctx: app.PageContext) -> None:
    """The impact of support: overall grades a round later, supported against not, with n."""
    st.subheader("Impact of support")
    st.caption(
        "Schools with support recorded in a round, and schools flagged in that round with none "
        "recorded: how their overall grade moved by the next round. Small groups say little."
    )
    moved = app.frame(reads.triage.impact, ctx.filters, supported_pairs())
    if moved.empty:
        st.info(
            "No round with support recorded has a later round with returns yet: the impact "
            "shows once the next round's returns are in."
        )
        return
    st.dataframe(
        headers.table(moved, headers.IMPACT_HEADERS),
        hide_index=True,
        width="stretch",
        key="impact_table",
        placeholder=MISSING,
    )


def incomplete_section(ctx: app.PageContext) -> None:
    """Returns that left out a whole section, listed for follow-up."""
    st.subheader(f"Incomplete returns in {ctx.round}")
    rows = app.frame(reads.returns.incomplete_returns, ctx.filters, ctx.round)
    if rows.empty:
        st.success("No return in these filters left out a whole section.")
        return
    st.caption(
        "A return with no policy rows, no training rows or most statements unanswered: "
        "ask the school to complete and resend it."
    )
    st.dataframe(
        headers.table(rows, headers.INCOMPLETE_HEADERS),
        hide_index=True,
        width="stretch",
        column_config={
            "URN": st.column_config.NumberColumn(format="%d"),
            "Completed on": st.column_config.DateColumn(format=STREAMLIT_DATE_FORMAT),
        },
        key="incomplete_returns",
        placeholder=MISSING,
    )
