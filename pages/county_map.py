"""County map: districts shaded and named, a point per school, the districts ranked beside it;
choosing a district filters the app."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from lakehouse import reads
from presentation import charts, measures
from presentation.formatting import MISSING
from ui import app
from ui.projector import enlarge_text, presentation_enabled

TITLE = "County map"
ctx = app.page_context(TITLE)
f = ctx.filters
app.page_header(TITLE, ctx)
presenting = presentation_enabled()

districts = app.frame(reads.schools.district_summary, f)
points = app.frame(reads.schools.school_points, f)
names = dict(zip(districts["district_code"], districts["district_name"], strict=True))
area_names = app.frame(reads.base.area_labels)
point_options = measures.point_measures(area_names)
district_options = measures.district_measures(area_names)
VIEWS = {"schools": "Districts and schools", "districts": "Districts only"}


def _choose_district() -> None:
    choice = st.session_state.get("map_district")
    app.set_districts([] if not choice else [choice])


def _on_map_select() -> None:
    state = st.session_state.get("county_map_chart")
    chosen = []
    for point in (state or {}).get("selection", {}).get("points", []):
        data = point.get("customdata") or []
        # a district's name sits on a marker carrying its code
        if len(data) == 1 and data[0] in names:
            chosen.append(names[data[0]])
            continue
        # a click on a school picks its district (customdata is name, URN, setting,
        # district; the figure carries names escaped for plotly, presentation.charts.plain)
        district = html.unescape(str(data[3])) if len(data) >= 4 else None
        if district in names.values():
            chosen.append(district)
    if chosen:
        app.set_districts(sorted(set(chosen)))


# presenting, the map comes first and its options fold away beneath it
if presenting:
    map_area = st.container()
    options_area = st.expander("Map options")
else:
    options_area = st.container()
    map_area = st.container()

with options_area:
    c1, c2, c3, c4 = st.columns([2, 2, 2, 2])
    point_measure = c1.selectbox(
        "Colour schools by",
        list(point_options),
        format_func=point_options.get,
        key="map_point_measure",
        bind="query-params",  # the map's options in the address bar: a bookmark keeps them
    )
    district_measure = c2.selectbox(
        "Shade districts by",
        list(district_options),
        format_func=district_options.get,
        key="map_district_measure",
        bind="query-params",
    )
    view = c3.radio("Show", list(VIEWS), format_func=VIEWS.get, key="map_view", bind="query-params")
    current = f.districts[0] if len(f.districts) == 1 else ""
    if st.session_state.get("map_district") != current:
        st.session_state["map_district"] = current
    c4.selectbox(
        "Focus on a district",
        ["", *sorted(names.values())],
        key="map_district",
        format_func=lambda d: d or "All districts",
        on_change=_choose_district,
        help="Sets the district filter for every page. You can also click a district's name.",
    )
measure_label = district_options[district_measure]
with map_area:
    if districts.empty and points.empty:
        st.info(
            "No district boundaries or located schools are loaded yet. Load boundaries with "
            "`python -m ingest boundaries FILE.geojson`."
        )
    else:
        # presenting, the map takes more of the width: it is what the room looks at
        left, right = st.columns([2, 1] if presenting else [3, 2])
        with left:
            fig = charts.county_map(
                districts,
                points,
                point_measure,
                district_measure,
                app.frame(reads.base.labels),  # the legend in the database's words
                district_measure_label=measure_label,
                point_measure_label=point_options[point_measure],
                selected_codes=[c for c, n in names.items() if n in f.districts],
                height=800 if presenting else 620,
                show_points=view == "schools",
            )
            if presenting:
                enlarge_text(fig)
            st.plotly_chart(
                fig,
                key="county_map_chart",
                on_select=_on_map_select,
                selection_mode="points",
                width="stretch",
                # the wheel scrolls the page, never the map (a trap when presenting)
                config={"scrollZoom": False, "displayModeBar": True},
            )
            shown_points = f"{len(points):,} schools mapped. " if view == "schools" else ""
            st.caption(shown_points + "Click a district's name to filter every page to it.")
        with right:
            st.subheader("Districts ranked")
            values = pd.to_numeric(districts[district_measure], errors="coerce")
            # a short heading (the caption names the measure), so the table fits beside
            # the map even at 1024 px when presenting
            header = (
                "%"
                if "pct" in district_measure
                else "Score"
                if district_measure.startswith("mean_score")
                else measure_label
            )
            ranked = (
                pd.DataFrame(
                    {
                        "District": districts["district_name"],
                        header: values.round(1),
                        "Schools": districts["schools"],
                    }
                )
                .sort_values(header, ascending=False, na_position="last", kind="stable")
                .reset_index(drop=True)
            )
            ranked.insert(0, "Rank", range(1, len(ranked) + 1))
            if presenting and header != "Schools":
                # three columns fit beside the map on a 1024 px projector; four did not
                ranked["District"] = [
                    f"{d} (n={n})"
                    for d, n in zip(ranked["District"], ranked.pop("Schools"), strict=True)
                ]
            st.caption(f"By {measure_label.lower()}, highest first.")
            st.dataframe(
                ranked,
                hide_index=True,
                width="stretch",
                # every district in view, no inner scroll: 35 px a row and the header
                height=35 * (len(ranked) + 1) + 3,
                column_config={
                    # numbers narrow, so the names fit beside the map on a 1024 px projector
                    "Rank": st.column_config.NumberColumn(width=48),
                    header: st.column_config.NumberColumn(format="%.0f", width=64),
                    "Schools": st.column_config.NumberColumn(width="small"),
                },
                placeholder=MISSING,
            )

missing = app.frame(reads.schools.unmapped_schools, f)
if missing and view == "schools":
    st.caption(
        f"{missing:,} {'school' if missing == 1 else 'schools'} in these filters "
        f"{'has' if missing == 1 else 'have'} no location in the register and "
        f"{'is' if missing == 1 else 'are'} listed on the other pages but not mapped."
    )

left, right = st.columns(2)
with left:
    st.subheader("Districts")
    table = districts[["district_name", *district_options]].rename(
        columns={"district_name": "District", **district_options}
    )
    st.dataframe(table.round(1), hide_index=True, width="stretch", placeholder=MISSING)
if view == "schools":
    with right:
        st.subheader("Schools on the map")
        labels, _ = charts.point_categories(point_measure, app.frame(reads.base.labels))
        shown = points[["urn", "name", "setting", "district"]].copy()
        shown[point_options[point_measure]] = [
            labels.get(charts.category_key(v), str(v)) for v in points[point_measure]
        ]
        st.dataframe(
            shown.rename(
                columns={
                    "urn": "URN",
                    "name": "School",
                    "setting": "Setting",
                    "district": "District",
                }
            ),
            hide_index=True,
            width="stretch",
            height=360,
            placeholder=MISSING,
        )
