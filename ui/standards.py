"""The DfE filtering and monitoring standards on the pages: the profile's section and the
county view's sections (RETURN-v2.md "What people see")."""

from __future__ import annotations

import streamlit as st

from lakehouse import spec
from lakehouse import standards as reads
from lakehouse.reads import base as reads_base
from presentation import charts, tables
from presentation import standards as shown
from presentation.formatting import MISSING, counted, percent_of
from ui import app, safe
from ui.projector import sized


def profile_section(urn: int, round: str | None) -> None:
    """The school's four standards, their status, what fell short and the next review due;
    statements where self-review and evidence disagree."""
    st.subheader("DfE filtering and monitoring standards")
    rows = app.frame(reads.school_standards, urn, round)
    if rows.empty:
        st.info("No return loaded, so no standards to show.")
        return
    if int(rows["return_version"].iloc[0]) < 2:
        st.info(
            f"Not asked: the school's {rows['round'].iloc[0]} return is version 1, which has no "
            "filtering and monitoring check, so each standard is unknown. The current template "
            "(version 2) asks it.",
            icon=":material/help:",
        )
        return
    # st.table reads its cells as Markdown: "1. Roles" would become a list, so escape them
    st.table(shown.school_table(rows).map(safe.md), hide_index=True)
    sentence = shown.next_review_sentence(rows)
    if sentence:
        st.caption(sentence)
    mismatches = app.frame(reads.school_mismatches, urn, round)
    if not mismatches.empty:
        label = mismatches["label"].iloc[0]
        st.warning(
            f"**{label}** on {counted(len(mismatches), 'statement')}:", icon=":material/rule:"
        )
        for row in mismatches.itertuples(index=False):
            st.text(
                f"\u201c{row.statement}\u201d is answered Fully in place, "
                f"but the school's own check says: {row.shortfalls}."
            )


def county_sections(ctx: app.PageContext) -> None:
    """Met / partly / not met / unknown by standard, by district and setting, with n and the
    trend across rounds; self-review/evidence disagreements counted."""
    f = ctx.filters
    four = app.frame(reads.all_four, f)
    summary = app.frame(reads.standards_summary, f)
    if summary.empty:
        st.info("No returns match these filters.")
        return
    m1, m2, m3 = st.columns(3)
    m1.metric("Version 2 returns", f"{four['version_2']:,}", border=True)
    m2.metric(
        "Meet all four standards",
        f"{four['all_met']:,}",
        delta=f"{percent_of(four['all_met'], four['version_2'])} of version 2 returns"
        if four["version_2"]
        else None,
        delta_color="off",
        delta_arrow="off",
        border=True,
    )
    m3.metric(
        app_label_mismatch(),
        f"{four['mismatches']:,}",
        delta=f"in {four['schools_with_mismatch']:,} returns",
        delta_color="off",
        delta_arrow="off",
        border=True,
    )
    st.caption(shown.all_four_sentence(four))
    statuses = app.frame(reads_base.fm_status_labels)  # the database's words for them
    st.subheader("Each standard")
    st.plotly_chart(sized(charts.standards_chart(summary)), key="standards_chart")
    st.dataframe(
        shown.summary_table(summary, statuses),
        hide_index=True,
        width="stretch",
        placeholder=MISSING,
    )

    for by, heading in (("district", "District"), ("setting", "Setting")):
        st.subheader(f"By {heading.lower()}")
        table = shown.group_table(app.frame(reads.standards_by, f, by), heading, statuses)
        if by == "setting":
            settings = tables.in_order(table[heading], app.frame(reads_base.setting_labels))
            order = {s: i for i, s in enumerate(settings)}
            table = table.sort_values(heading, key=lambda c: c.map(order), kind="stable")
        st.dataframe(table, hide_index=True, width="stretch", placeholder=MISSING)
        app.numbers_expander(
            f"standards by {heading.lower()}", table, f"standards_by_{by}.csv", f"std_{by}"
        )

    st.subheader("Trend across rounds")
    trend = shown.trend_table(app.frame(reads.standards_trend, f), statuses)
    st.dataframe(trend, hide_index=True, width="stretch", placeholder=MISSING)


def app_label_mismatch() -> str:
    """The seed's words for a statement whose self-review and evidence disagree."""
    return spec.v2_message("evidence_mismatch_label")
