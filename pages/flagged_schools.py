"""The support worklist: flagged schools by priority, concerns before themes, the team's
capacity and caseload, each row a link to the school's profile; one-click Excel export."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lakehouse import casework, queries, seeds, triage
from presentation import exports
from ui import app, auth, safe
from ui import casework as case_ui

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
capacity = int(seeds.rule("casework_capacity"))
priority_help = seeds.read_seed("priorities")
st.caption(
    "The support worklist: by priority, then support score (the weights of the school's "
    "flags, highest first), then overall score (lowest first). "
    + " ".join(f"**{p['label']}**: {p['description']}." for p in priority_help)
    + f" The team can take on **{capacity}** schools this round: those are marked "
    "*Within capacity*."
)

flag_labels = app.frame(queries.flag_choices)
c1, c2, c3 = st.columns([1, 2, 1])
priorities = c1.pills(
    "Priority",
    list(seeds.order("priority")),
    selection_mode="multi",
    format_func=seeds.vocabulary("priority").get,
    key="flagged_priority",
)
flags = c2.multiselect(
    "Reason",
    list(flag_labels),
    format_func=flag_labels.get,
    key="flagged_reasons",
    placeholder="Any reason",
)
only_caseload = c3.toggle("Caseload only", key="flagged_caseload_only")

rows = app.frame(triage.worklist, f, tuple(priorities or ()), tuple(flags or ()))
rows = triage.with_casework(rows, case_ui.summary(), case_ui.caseload(round_of_flags))
if only_caseload:
    rows = rows[rows["In caseload"]].reset_index(drop=True)
rows["Casework"] = [triage.casework_note(r) for _, r in rows.iterrows()]

counts = rows["priority_code"].value_counts() if not rows.empty else {}
metrics = st.columns(5)
metrics[0].metric("Schools shown", f"{len(rows):,}", border=True)
for col, key in zip(metrics[1:4], seeds.order("priority"), strict=True):
    col.metric(
        f"{seeds.vocabulary('priority')[key]} priority", f"{int(counts.get(key, 0)):,}", border=True
    )
metrics[4].metric("In caseload", f"{int(rows['In caseload'].sum()):,}", border=True)

COLUMNS = [
    "URN",
    "School",
    "Priority",
    "Support score",
    "Rank",
    "Within capacity",
    "In caseload",
    "Casework",
    "Concerns",
    "Themes",
    "Suggested actions",
    "Overall grade",
    "Overall score",
    "Setting",
    "District",
    "Return date",
]

if rows.empty:
    st.success("No flagged school matches these filters.")
else:
    table = rows[[*COLUMNS, "Profile"]].reset_index(drop=True)
    picked = st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=min(620, 38 + 35 * len(rows)),
        key="worklist_table",
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            "URN": st.column_config.NumberColumn(format="%d", width="small"),
            "Rank": st.column_config.NumberColumn(format="%d", width="small"),
            "Concerns": st.column_config.TextColumn(width="large"),
            "Themes": st.column_config.TextColumn(width="large"),
            "Suggested actions": st.column_config.TextColumn(width="large"),
            "Casework": st.column_config.TextColumn(width="medium"),
            "Return date": st.column_config.DateColumn(format="D MMM YYYY"),
            "Profile": st.column_config.LinkColumn(
                "Profile", display_text="Open profile", width="small"
            ),
        },
    )
    # a cell shows only what fits: the selected row's reasons in full, as plain text
    chosen_rows = picked.selection.rows if picked is not None else []
    if chosen_rows:
        row = table.iloc[int(chosen_rows[0])]
        st.text(f"{row['School']} (URN {int(row['URN'])})")  # school text: never Markdown
        for column in ("Concerns", "Themes", "Suggested actions", "Casework"):
            value = row[column]
            if isinstance(value, str) and value:
                st.text(f"{column}: {value}")
    else:
        st.caption("Select a row to read its concerns, themes and actions in full.")

    # the same link as the table's Profile column, for keyboards and screen readers
    names = dict(zip(rows["URN"], rows["School"], strict=True))
    p1, p2 = st.columns([3, 1], vertical_alignment="bottom")
    chosen = p1.selectbox(
        "Open a school's profile",
        list(names),
        format_func=lambda u: f"{names[u]} — URN {u}",
        key="flagged_open",
    )
    p2.page_link(
        "pages/school_profile.py",
        label="Open profile",
        icon=":material/school:",
        query_params={"urn": str(chosen)},
    )

    filter_notes = {
        "Filter: Priority": ", ".join(seeds.vocabulary("priority")[p] for p in priorities or ())
        or "Any",
        "Filter: Reason": ", ".join(flag_labels.get(k, k) for k in flags or ()) or "Any",
        "Filter: Caseload only": "Yes" if only_caseload else "No",
        "Round of flags": round_of_flags or "",
        "Capacity this round": str(capacity),
    }
    export = rows[COLUMNS].assign(Priority=rows["priority_code"])

    def _workbook() -> bytes:
        # built on click, not on every rerun: thousands of rows take a while to write
        about = exports.about_sheet(
            f.describe(),
            ctx.info,
            source=f"E-safety returns database {app.get_db().path.name}",
            rows=len(export),
            extra=filter_notes,
        )
        return exports.table_workbook(
            export, about, "Flagged schools", priority_columns=["Priority"]
        )

    auth.download(
        f"Download these {len(rows):,} schools as Excel",
        _workbook,
        what="flagged schools",
        rows=len(rows),
        filters={**f.describe(), **filter_notes},
        file_name=f"flagged_schools_{(round_of_flags or '').replace('/', '-')}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        type="primary",
        icon="⬇️",
        key="flagged_excel",
    )

    # every support record and agreed action for the schools within the sidebar filters
    directory = app.frame(triage.school_directory, f)

    def _casework_rows() -> pd.DataFrame:
        with case_ui.connection() as con:
            return triage.casework_export(casework.records(con), casework.actions(con), directory)

    def _casework_workbook() -> bytes:
        table = _casework_rows()
        about = exports.about_sheet(
            f.describe(),
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
        filters=f.describe(),
        file_name="casework.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon="⬇️",
        key="casework_excel",
    )

    # --- the caseload: which schools the team takes on this round, and why -----------------
    st.subheader("Caseload")
    if saved := st.session_state.pop("caseload_saved", None):
        st.success(safe.md(saved))  # it names the school: shown as typed
    if not auth.may("casework"):
        st.caption(f"Casework is for officers and admins (your role: {auth.current_user().role}).")
    else:
        with st.form("caseload_form", clear_on_submit=True):
            k1, k2 = st.columns([3, 1])
            school = k1.selectbox(
                "School",
                list(names),
                format_func=lambda u: f"{names[u]} — URN {u}",
                key="caseload_school",
            )
            change = k2.radio("Change", ["Add", "Remove"], horizontal=True, key="caseload_change")
            reason = st.text_input(
                "Reason", max_chars=500, key="caseload_reason", placeholder="Why this change"
            )
            if st.form_submit_button("Save caseload change"):
                by = case_ui.writer()
                try:
                    with case_ui.connection() as con:
                        casework.set_caseload(
                            con,
                            int(school),
                            round_of_flags or "",
                            change == "Add",
                            reason=reason,
                            by=by,
                        )
                except casework.CaseworkError as exc:
                    safe.error(exc)
                else:
                    auth.audit(
                        "casework",
                        change="caseload " + change.lower(),
                        urn=int(school),
                        round=round_of_flags or "",
                    )
                    verb = "added to" if change == "Add" else "taken off"
                    # shown after the rerun that brings the table above up to date
                    st.session_state["caseload_saved"] = (
                        f"{names[school]} {verb} the {round_of_flags} caseload."
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
                    "Since": held["since"].str[:10],
                    "By": held["by"],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption(f"No school is in the {round_of_flags} caseload yet.")
