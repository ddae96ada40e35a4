"""The support worklist: flagged schools by priority, concerns before themes, the team's
capacity and caseload, each row a link to the school's profile; one-click Excel export."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lakehouse import casework, reads, seeds
from lakehouse import standards as standards_reads
from presentation import casework as casework_text
from presentation import exports, headers
from presentation import standards as standards_shown
from presentation.capacity import capacity_sentence, part_of_county
from presentation.formatting import MISSING, council_date
from ui import app, auth, forms, safe
from ui import casework as case_ui
from ui import worklist as worklist_ui
from ui.forms import OnceForm

TITLE = "Schools flagged for support"
ctx = app.page_context(TITLE)
f = ctx.filters
round_of_flags = ctx.options.current_round
note = None
if not ctx.is_current_round:
    note = (
        f"Flags are raised for the current round ({round_of_flags}) only; "
        "the round filter does not change this list."
    )
app.page_header(TITLE, ctx, note=note)
# the capacity the worklist's split was counted with (the database's, not the seed in force)
capacity = int(reads.base.built_rule(ctx.info, "casework_capacity"))
# the priorities in the database's words and order, and what each means (gold)
priority_words = app.frame(reads.base.priority_labels)
priority_help = app.frame(reads.base.priority_descriptions)
st.caption(
    "The support worklist: by priority, then support score (the weights of the school's "
    "flags, highest first), then overall score (lowest first). "
    + " ".join(
        f"**{safe.md(word)}**: {priority_help.get(p, '')}." for p, word in priority_words.items()
    )
    + f" The team can take on **{capacity}** schools this round: the line in the table "
    "marks where that capacity ends."
)

flag_labels = app.frame(reads.triage.flag_choices)
c1, c2, c3 = st.columns([1, 2, 1])
# bound to the address bar, so a bookmark keeps them (?priority=high&reason=...)
priorities = c1.pills(
    "Priority",
    list(priority_words),
    selection_mode="multi",
    format_func=priority_words.get,
    key="priority",
    bind="query-params",
)
flags = c2.multiselect(
    "Reason",
    list(flag_labels),
    format_func=flag_labels.get,
    key="reason",
    placeholder="Any reason",
    bind="query-params",
    select_all=False,
)
only_caseload = c3.toggle("Caseload only", key="caseload_only", bind="query-params")

rows = app.frame(reads.triage.worklist, f, tuple(priorities or ()), tuple(flags or ()))
rows = reads.casework.with_casework(rows, case_ui.summary(), case_ui.caseload(round_of_flags))
if only_caseload:
    rows = rows[rows["in_caseload"]].reset_index(drop=True)
rows["casework"] = [casework_text.casework_note(r) for _, r in rows.iterrows()]

counts = rows["priority"].value_counts() if not rows.empty else {}
metrics = st.columns(5)
metrics[0].metric("Schools shown", f"{len(rows):,}", border=True)
for col, key in zip(metrics[1:4], priority_words, strict=True):
    col.metric(f"{priority_words[key]} priority", f"{int(counts.get(key, 0)):,}", border=True)
metrics[4].metric("In caseload", f"{int(rows['in_caseload'].sum()):,}", border=True)
# the split within the sidebar filters (the priority pills do not apply); capacity is
# counted down the whole county's worklist, so a filtered view names whose capacity it is
within_sentence = capacity_sentence(
    app.frame(reads.triage.worklist_summary, f),
    scope=part_of_county(
        f, app.frame(reads.base.setting_labels), app.frame(reads.base.filtering_labels)
    ),
    capacity=capacity,
    county=seeds.report_text("county_name"),
)
st.markdown(f"**{safe.md(within_sentence)}.**")

COLUMNS = headers.WORKLIST_COLUMNS

if rows.empty:
    st.success("No flagged school matches these filters.")
else:
    st.caption(
        "**Profile** opens the school on that row. Tick a row to read its concerns, themes "
        "and actions in full below the table."
    )
    within = rows[rows["within_capacity"]]
    beyond = rows[~rows["within_capacity"]]
    for part, key in ((within, "worklist_within"), (beyond, "worklist_beyond")):
        if key == "worklist_beyond":
            worklist_ui.cutoff_line(capacity, within_sentence)
        if part.empty:
            st.caption(
                "No school in this list is "
                + ("within" if key == "worklist_within" else "beyond")
                + " this round's capacity."
            )
            continue
        # the line between the two tables says what the greyed tick used to
        shown_columns = [c for c in COLUMNS if c != "Within capacity"]
        row = worklist_ui.table(
            headers.renamed(part, headers.WORKLIST_HEADERS),
            shown_columns,
            key,
            height=min(460, 38 + 35 * len(part)),
        )
        if row is not None:
            worklist_ui.detail(row, app.frame(reads.triage.school_flags, int(row["URN"])))

    names = dict(zip(rows["urn"], rows["school"], strict=True))

    filter_notes = {
        "Filter: Priority": ", ".join(priority_words[p] for p in priorities or ()) or "Any",
        "Filter: Reason": ", ".join(flag_labels.get(k, k) for k in flags or ()) or "Any",
        "Filter: Caseload only": "Yes" if only_caseload else "No",
        "Round of flags": round_of_flags or "",
        "Capacity this round": str(capacity),
    }
    export = headers.renamed(
        reads.triage.with_top_concerns(rows, app.frame(reads.triage.top_concerns)),
        headers.WORKLIST_HEADERS,
    )
    # the DfE standards columns of each school's current return (RETURN-v2.md)
    standards_columns = standards_shown.export_columns(
        app.frame(standards_reads.standards_wide, f.with_(round=round_of_flags or f.round)),
        app.frame(reads.base.fm_standard_labels),
    )
    export = export.merge(standards_columns, on="URN", how="left")
    export_columns = COLUMNS + [c for c in standards_columns.columns if c != "URN"]
    described = {**app.filter_summary(f), **filter_notes}
    # the page header of every printed sheet: the filters that chose these rows
    header_filters = {
        **app.filter_summary(f),
        **{
            k.removeprefix("Filter: "): v
            for k, v in filter_notes.items()
            if k.startswith("Filter:")
        },
    }

    def _workbook() -> bytes:
        # built on click, not on every rerun: thousands of rows take a while to write
        about = exports.about_sheet(
            app.filter_summary(f),
            ctx.info,
            source=f"E-safety returns database {app.get_db().path.name}",
            rows=len(export),
            extra=filter_notes,
        )
        return exports.worklist_workbook(
            export, export_columns, about, header_filters, app.frame(reads.base.labels)
        )

    auth.download(
        f"Download these {len(rows):,} schools as Excel",
        _workbook,
        what="flagged schools",
        rows=len(rows),
        filters=described,
        file_name=exports.export_filename(
            "flagged-schools",
            [
                round_of_flags or "",
                exports.filter_parts(f.districts, "districts"),
                exports.filter_parts(f.settings, "settings"),
                app.filter_summary(f)["Filtering approach"] if f.filtering else "",
                exports.filter_parts([priority_words[p] for p in priorities or ()], "priorities"),
                exports.filter_parts([flag_labels.get(k, k) for k in flags or ()], "reasons"),
                "caseload" if only_caseload else "",
            ],
        ),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        type="primary",
        icon="⬇️",
        key="flagged_excel",
    )

    # every support record and agreed action for the schools within the sidebar filters
    directory = app.frame(reads.casework.school_directory, f)
    casework_labels = app.frame(reads.casework.casework_labels)

    def _casework_rows() -> pd.DataFrame:
        with case_ui.connection() as con:
            return reads.casework.casework_export(
                casework.records(con), casework.actions(con), directory, casework_labels
            )

    def _casework_workbook() -> bytes:
        table = headers.table(_casework_rows(), headers.CASEWORK_EXPORT_HEADERS)
        about = exports.about_sheet(
            app.filter_summary(f),
            ctx.info,
            source=f"Casework store beside {app.get_db().path.name}",
            rows=len(table),
            extra={"Contents": "Support records and agreed actions, one row per action"},
        )
        return exports.table_workbook(table, about, "Casework")

    auth.download(
        "Download casework as Excel",
        _casework_workbook,
        what="casework",
        filters=app.filter_summary(f),
        file_name=exports.export_filename(
            "casework",
            [
                exports.filter_parts(f.districts, "districts"),
                exports.filter_parts(f.settings, "settings"),
            ],
        ),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon="⬇️",
        key="casework_excel",
    )

    # --- the caseload: which schools the team takes on this round, and why -----------------
    st.subheader("Caseload")
    if saved := forms.confirmation("caseload_saved"):
        st.success(safe.md(saved))  # it names the school: shown as typed
    if not auth.may("casework"):
        st.caption(f"Casework is for officers and admins (your role: {auth.current_user().role}).")
    else:
        once = OnceForm("caseload_form")  # a double-click saves one change
        with once.form():
            k1, k2 = st.columns([3, 1])
            # no default: saving without choosing must not change the first school's caseload
            school = k1.selectbox(
                "School",
                list(names),
                format_func=lambda u: f"{names[u]} — URN {u}",
                index=None,
                placeholder="Choose a school",
                key=once.key("caseload_school"),
            )
            change = k2.radio(
                "Change", ["Add", "Remove"], horizontal=True, key=once.key("caseload_change")
            )
            reason = st.text_input(
                "Reason",
                max_chars=500,
                key=once.key("caseload_reason"),
                placeholder="Why this change",
            )
            if once.submitted("Save caseload change"):
                by = case_ui.writer()
                try:
                    if school is None:
                        raise casework.CaseworkError("Choose the school whose place changes")
                    with case_ui.connection() as con:
                        casework.set_caseload(
                            con,
                            int(school),
                            round_of_flags or "",
                            change == "Add",
                            reason=reason,
                            by=by.email,
                        )
                except casework.CaseworkError as exc:
                    safe.error(exc)
                else:
                    auth.audit_as(
                        by,
                        "casework",
                        change="caseload " + change.lower(),
                        urn=int(school),
                        round=round_of_flags or "",
                    )
                    verb = "added to" if change == "Add" else "taken off"
                    # shown after the rerun that brings the table above up to date
                    once.saved(
                        ("caseload_saved", f"{names[school]} {verb} the {round_of_flags} caseload.")
                    )
                    st.rerun()
    held = case_ui.caseload(round_of_flags)
    if not held.empty:
        held = held.assign(School=[names.get(u, "") for u in held["urn"]])
        st.dataframe(
            pd.DataFrame(
                {
                    "URN": held["urn"],
                    "School": held["School"],
                    "Reason": held["reason"],
                    "Since": [council_date(s) for s in held["since"]],
                    "By": held["by"],
                }
            ),
            hide_index=True,
            width="stretch",
            placeholder=MISSING,
        )
    else:
        st.caption(f"No school is in the {round_of_flags} caseload yet.")
