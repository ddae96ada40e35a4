"""Setting comparison: settings per area, locked down vs managed, district vs district."""

from __future__ import annotations

import streamlit as st

from lakehouse import reads, seeds
from presentation import charts, tables
from ui import app
from ui.projector import sized

TITLE = "Setting comparison"
SMALL_GROUP = seeds.small_group_threshold()

ctx = app.page_context(TITLE)
f = ctx.filters
area_names = app.frame(reads.base.area_labels)
app.page_header(
    TITLE,
    ctx,
    note=f"Every bar shows its number of schools (n); groups of fewer "
    f"than {SMALL_GROUP} schools are marked ⚠ — read them with care.",
)

area = (
    st.segmented_control(
        "Area",
        reads.base.AREAS,
        format_func=area_names.get,
        default="overall",
        key="area",
        bind="query-params",  # kept in the address bar: a bookmark opens the same area
    )
    or "overall"
)


# the approaches in the database's words (gold), as its grades are
approaches = app.frame(reads.base.filtering_labels)
GROUP_HEADINGS = {"setting": "Setting", "filtering": "Filtering approach", "district": "District"}


def _comparison(by: str, heading: str, key: str) -> None:
    st.subheader(heading)
    df = app.frame(reads.grades.grade_by, f, area, by)
    if df.empty:
        st.info("No graded returns match these filters.")
        return
    if by == "filtering":
        df = df.assign(group=df["group"].map(approaches).fillna(df["group"]))
    settings = app.frame(reads.base.setting_labels)  # the council's order, as built
    order = tables.in_order(df["group"], settings) if by == "setting" else None
    st.plotly_chart(
        sized(charts.stacked_grade_bars(df, "group", small_n=SMALL_GROUP, group_order=order)),
        key=f"cmp_{key}",
    )
    # grades best first (never alphabetical), n and the share at Good or better
    table = tables.grade_counts(df, GROUP_HEADINGS[by], app.frame(reads.base.labels), order)
    app.numbers_expander(heading, table, f"{key}_{area}.csv", key)


_comparison("setting", f"{area_names[area]} by setting", "setting")
left, right = st.columns(2)
with left:
    _comparison(
        "filtering",
        f"{approaches['locked_down']} against {approaches['managed'].lower()} filtering",
        "filtering",
    )
with right:
    _comparison("district", "District against district", "district")
