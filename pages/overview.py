"""Overview: the morning read — returns, grades, trends, policy freshness, reasons for support."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from lakehouse import reads
from presentation import charts
from presentation.formatting import percent_of
from ui import app
from ui import casework as case_ui
from ui.projector import sized

TITLE = "Overview"
ctx = app.page_context(TITLE)
f = ctx.filters
app.page_header(TITLE, ctx)


def _frame_or_note(query: Callable[..., pd.DataFrame], empty_note: str) -> pd.DataFrame | None:
    """The query's rows for the filters, or None once the page has said there are none."""
    df = app.frame(query, f)
    if df.empty:
        st.info(empty_note)
        return None
    return df


def _schools_table(
    df: pd.DataFrame, index: str, columns: str, order: list[str], heading: str
) -> pd.DataFrame:
    """The numbers behind a chart: schools, one column per grade or status, in ``order``
    (best grade first, never alphabetical), the groups under ``heading``."""
    table = df.pivot_table(
        index=index, columns=columns, values="schools", aggfunc="sum", fill_value=0
    ).reset_index()
    shown = [c for c in order if c in table.columns]
    table = table[[index, *shown, *(c for c in table.columns if c not in (index, *shown))]]
    return table.rename(columns={index: heading})


head = app.frame(reads.grades.headline, f)
c1, c2, c3, c4, c5, c6 = st.columns(6)
c1.metric("Schools", f"{head['schools']:,}", border=True)
c2.metric(
    "Returns received",
    f"{head['received']:,} of {head['expected']:,}",
    border=True,
    help="Expected returns are from open, non-independent schools in the register.",
)
# half up, one rule for every percentage the council reads (presentation.formatting)
c3.metric("Received", percent_of(head["received"], head["expected"]), border=True)
c4.metric("Received late", f"{head['late']:,}", border=True)
c5.metric(
    "Need support",
    f"{head['need_support']:,}",
    border=True,
    help="Schools with a concern in the current round (high or medium priority): support "
    "aimed at the school.",
)
c6.metric(
    "Themes only",
    f"{head['themes_only']:,}",
    border=True,
    help="Schools whose only flags are themes (training, policy review, filtering): met by "
    "the council's county-wide offer, not counted as needing support.",
)

st.subheader(f"Grades in {ctx.round}")
dist = _frame_or_note(reads.grades.grade_distribution, "No graded returns match these filters.")
if dist is not None:
    st.plotly_chart(sized(charts.grade_distribution_chart(dist)), key="overview_grades")
    grade_words = app.frame(reads.base.labels).grade_columns()  # best first, then none
    table = _schools_table(dist, "area_label", "grade_label", grade_words, "Area")
    app.numbers_expander("grades by area", table, "grades_by_area.csv", "grades")

left, right = st.columns(2)
with left:
    st.subheader("Trend across rounds")
    area = st.selectbox(
        "Area",
        reads.base.AREAS,
        format_func=app.frame(reads.base.area_labels).get,
        key="overview_trend_area",
    )
    trend = _frame_or_note(
        reads.grades.grade_trend, "No rounds with graded returns match these filters."
    )
    if trend is not None:
        st.plotly_chart(sized(charts.grade_trend_chart(trend, area)), key="overview_trend")
        grade_words = app.frame(reads.base.labels).grade_columns()
        part = trend[trend["area"] == area]
        table = _schools_table(part, "round", "grade_label", grade_words, "Round")
        app.numbers_expander("grades by round", table, "grades_by_round.csv", "trend")
with right:
    st.subheader("Most common concerns")
    st.caption(
        "The reasons schools need support. Themes, met by the county-wide offer, are "
        "counted apart below."
    )
    reasons = app.frame(reads.grades.flag_summary, f)
    if reasons.empty:
        st.success("No school matching these filters has a concern.")
    else:
        st.plotly_chart(
            sized(charts.count_bars(reasons, "flag_label", "schools")), key="overview_reasons"
        )
        app.numbers_expander(
            "concerns",
            reasons.rename(columns={"flag_label": "Concern", "schools": "Schools"})[
                ["Concern", "Schools"]
            ],
            "concerns.csv",
            "reasons",
        )

st.subheader("Policy freshness at a glance")
fresh = _frame_or_note(reads.grades.freshness_summary, "No policy records match these filters.")
if fresh is not None:
    statuses = app.frame(reads.base.freshness_labels)  # the database's words and order
    st.plotly_chart(sized(charts.freshness_chart(fresh, statuses)), key="overview_freshness")
    # the statuses in the database's words and order, not their codes
    named = fresh.assign(status=fresh["status"].map(statuses).fillna(fresh["status"]))
    table = _schools_table(named, "policy_label", "status", list(statuses.values()), "Policy")
    app.numbers_expander("policy freshness", table, "policy_freshness.csv", "freshness")

# county themes (a commissioning decision) and the impact of the support recorded
case_ui.themes_section(ctx)
case_ui.impact_section(ctx)
