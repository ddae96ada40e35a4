"""County map: a point per school, districts shaded; choosing a district filters the app."""

from __future__ import annotations

import html

import streamlit as st

from lakehouse import queries
from presentation import charts
from ui import app
from ui.projector import sized

TITLE = "County map"
ctx = app.page_context(TITLE)
f = ctx.filters
app.page_header(TITLE, ctx)

districts = app.frame(queries.district_summary, f)
points = app.frame(queries.school_points, f)
names = dict(zip(districts["district_code"], districts["district_name"], strict=True))


def _choose_district() -> None:
    choice = st.session_state.get("map_district")
    app.set_districts([] if not choice else [choice])


def _on_map_select() -> None:
    state = st.session_state.get("county_map_chart")
    chosen = []
    for point in (state or {}).get("selection", {}).get("points", []):
        code = point.get("location")
        if code in names:
            chosen.append(names[code])
            continue
        # a click on a school picks its district: where dots cover a district, it stays
        # selectable (customdata is name, URN, setting, district)
        data = point.get("customdata") or []
        # the figure carries names escaped for plotly (presentation.charts.plain)
        district = html.unescape(str(data[3])) if len(data) >= 4 else None
        if district in names.values():
            chosen.append(district)
    if chosen:
        app.set_districts(sorted(set(chosen)))


c1, c2, c3 = st.columns([2, 2, 2])
point_measure = c1.selectbox(
    "Colour schools by",
    list(queries.point_measures()),
    format_func=queries.point_measures().get,
    key="map_point_measure",
)
district_measure = c2.selectbox(
    "Shade districts by",
    list(queries.district_measures()),
    format_func=queries.district_measures().get,
    key="map_district_measure",
)
current = f.districts[0] if len(f.districts) == 1 else ""
if st.session_state.get("map_district") != current:
    st.session_state["map_district"] = current
c3.selectbox(
    "Focus on a district",
    ["", *sorted(names.values())],
    key="map_district",
    format_func=lambda d: d or "All districts",
    on_change=_choose_district,
    help="Sets the district filter for every page. You can also click a district.",
)

if districts.empty and points.empty:
    st.info(
        "No district boundaries or located schools are loaded yet. Load boundaries with "
        "`python -m ingest boundaries FILE.geojson`."
    )
else:
    fig = sized(
        charts.county_map(
            districts,
            points,
            point_measure,
            district_measure,
            district_measure_label=queries.district_measures()[district_measure],
            point_measure_label=queries.point_measures()[point_measure],
            selected_codes=[c for c, n in names.items() if n in f.districts],
        )
    )
    st.plotly_chart(
        fig,
        key="county_map_chart",
        on_select=_on_map_select,
        selection_mode="points",
        # the wheel scrolls the page, never the map (a trap when presenting): zoom by buttons
        config={
            "scrollZoom": False,
            "displayModeBar": True,
            "modeBarButtonsToAdd": ["zoomInMap", "zoomOutMap", "resetViewMap"],
        },
    )
    st.caption(f"{len(points):,} schools mapped. Click a district to filter every page to it.")
missing = app.frame(queries.unmapped_schools, f)
if missing:
    st.caption(
        f"{missing:,} {'school' if missing == 1 else 'schools'} in these filters "
        f"{'has' if missing == 1 else 'have'} no location in the register and "
        f"{'is' if missing == 1 else 'are'} listed on the other pages but not mapped."
    )

left, right = st.columns(2)
with left:
    st.subheader("Districts")
    table = districts.drop(columns=["geometry", "district_code"]).rename(
        columns={"district_name": "District", **queries.district_measures()}
    )
    st.dataframe(table.round(1), hide_index=True, width="stretch")
with right:
    st.subheader("Schools on the map")
    labels, _ = charts.point_categories(point_measure)
    shown = points[["urn", "name", "setting", "district"]].copy()
    shown[queries.point_measures()[point_measure]] = [
        labels.get(charts.category_key(v), str(v)) for v in points[point_measure]
    ]
    st.dataframe(
        shown.rename(
            columns={"urn": "URN", "name": "School", "setting": "Setting", "district": "District"}
        ),
        hide_index=True,
        width="stretch",
        height=360,
    )
