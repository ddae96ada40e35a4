"""Schools flagged for support: reasons in plain English, priority, one-click Excel export."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lakehouse import queries, seeds
from presentation import exports, palette
from ui import app, auth

TITLE = "Schools flagged for support"
ctx = app.page_context(TITLE)
f = ctx.filters
note = None
if not ctx.is_current_round:
    note = (
        f"Flags are raised for the current round ({ctx.options.current_round}) only; "
        "the round filter does not change this list."
    )
app.page_header(TITLE, ctx, note=note)

flag_labels = app.frame(queries.flag_choices)
c1, c2 = st.columns([1, 2])
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
rows = app.frame(queries.flagged_schools, f, tuple(priorities or ()), tuple(flags or ()))

counts = rows["Priority"].value_counts() if not rows.empty else {}
m1, m2, m3, m4 = st.columns(4)
m1.metric("Schools shown", f"{len(rows):,}", border=True)
for col, key in zip((m2, m3, m4), seeds.order("priority"), strict=True):
    col.metric(
        f"{seeds.vocabulary("priority")[key]} priority", f"{int(counts.get(key, 0)):,}", border=True
    )

if rows.empty:
    st.success("No flagged school matches these filters.")
else:
    shown = rows.assign(
        Priority=rows["Priority"].map(seeds.vocabulary("priority")),
        **{
            "Overall grade": [
                seeds.blank_label("no_return") if pd.isna(d) else seeds.grade_label(g)
                for g, d in zip(rows["Overall grade"], rows["Return date"], strict=True)
            ]
        },
    )
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=min(620, 38 + 35 * len(shown)),
        column_config={
            "URN": st.column_config.NumberColumn(format="%d", width="small"),
            "Reasons": st.column_config.TextColumn(width="large"),
            "Suggested actions": st.column_config.TextColumn(width="large"),
            "Return date": st.column_config.DateColumn(format="D MMM YYYY"),
        },
    )
    filter_notes = {
        "Filter: Priority": ", ".join(seeds.vocabulary("priority")[p] for p in priorities or ())
        or "Any",
        "Filter: Reason": ", ".join(flag_labels.get(k, k) for k in flags or ()) or "Any",
        "Round of flags": ctx.options.current_round or "",
    }

    def _workbook() -> bytes:
        # built on click, not on every rerun: thousands of rows take a while to write
        about = exports.about_sheet(
            f.describe(),
            ctx.info,
            source=f"E-safety returns database {app.get_db().path.name}",
            rows=len(rows),
            extra=filter_notes,
        )
        return exports.table_workbook(
            rows,
            about,
            "Flagged schools",
            grade_columns=["Overall grade"],
            priority_columns=["Priority"],
        )

    auth.download(
        f"Download these {len(rows):,} schools as Excel",
        _workbook,
        what="flagged schools",
        rows=len(rows),
        filters={**f.describe(), **filter_notes},
        file_name=f"flagged_schools_{(ctx.options.current_round or '').replace('/', '-')}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        type="primary",
        icon="⬇️",
        key="flagged_excel",
    )
