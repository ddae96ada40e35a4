"""Overview: the morning read — returns, grades, trends, policy freshness, reasons for support."""

from __future__ import annotations

import streamlit as st

from lakehouse import queries
from ui import app, charts
from ui.presentation import sized

TITLE = "Overview"
ctx = app.page_context(TITLE)
f = ctx.filters
app.page_header(TITLE, ctx)

head = app.frame(queries.headline, f)
c1, c2, c3, c4, c5 = st.columns(5)
c1.metric("Schools", f"{head['schools']:,}", border=True)
c2.metric(
    "Returns received",
    f"{head['received']:,} of {head['expected']:,}",
    border=True,
    help="Expected returns are from open, non-independent schools in the register.",
)
pct = 100 * head["received"] / head["expected"] if head["expected"] else 0
c3.metric("Received", f"{pct:.0f}%", border=True)
c4.metric("Received late", f"{head['late']:,}", border=True)
c5.metric(
    "Flagged for support",
    f"{head['flagged']:,}",
    border=True,
    help="Schools with at least one flag in the current round.",
)

st.subheader(f"Grades in {ctx.round}")
dist = app.frame(queries.grade_distribution, f)
if dist.empty:
    st.info("No graded returns match these filters.")
else:
    st.plotly_chart(sized(charts.grade_distribution_chart(dist)), key="overview_grades")
    table = dist.pivot_table(
        index="area_label", columns="grade_label", values="schools", aggfunc="sum", fill_value=0
    ).reset_index()
    app.numbers_expander("grades by area", table, "grades_by_area.csv", "grades")

left, right = st.columns(2)
with left:
    st.subheader("Trend across rounds")
    area = st.selectbox(
        "Area", queries.AREAS, format_func=queries.AREA_LABELS.get, key="overview_trend_area"
    )
    trend = app.frame(queries.grade_trend, f)
    if trend.empty:
        st.info("No rounds with graded returns match these filters.")
    else:
        st.plotly_chart(sized(charts.grade_trend_chart(trend, area)), key="overview_trend")
        part = trend[trend["area"] == area]
        table = part.pivot_table(
            index="round", columns="grade_label", values="schools", aggfunc="sum", fill_value=0
        ).reset_index()
        app.numbers_expander("grades by round", table, "grades_by_round.csv", "trend")
with right:
    st.subheader("Most common reasons for support")
    reasons = app.frame(queries.flag_summary, f)
    if reasons.empty:
        st.success("No school matching these filters is flagged for support.")
    else:
        st.plotly_chart(
            sized(charts.count_bars(reasons, "flag_label", "schools")), key="overview_reasons"
        )
        app.numbers_expander(
            "reasons for support",
            reasons.rename(columns={"flag_label": "Reason", "schools": "Schools"})[
                ["Reason", "Schools"]
            ],
            "reasons_for_support.csv",
            "reasons",
        )

st.subheader("Policy freshness at a glance")
fresh = app.frame(queries.freshness_summary, f)
if fresh.empty:
    st.info("No policy records match these filters.")
else:
    st.plotly_chart(sized(charts.freshness_chart(fresh)), key="overview_freshness")
    table = fresh.pivot_table(
        index="policy_label", columns="status", values="schools", aggfunc="sum", fill_value=0
    ).reset_index()
    app.numbers_expander("policy freshness", table, "policy_freshness.csv", "freshness")
