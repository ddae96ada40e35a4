"""School profile: one school against the county; policies, training, incidents, history."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from lakehouse import reads
from presentation import charts, headers
from presentation.formatting import MISSING, council_date, number
from ui import app, safe
from ui import casework as case_ui
from ui import grades as grades_ui
from ui import standards as standards_ui
from ui import worklist as worklist_ui
from ui.projector import governor_report_button, sized

TITLE = "School profile"
ctx = app.page_context(TITLE)
st.title(TITLE)

# the school this session last opened: kept across pages, so coming back shows it again
remembered = st.session_state.get("_profile_url_urn")
wanted = st.query_params.get("urn") or remembered
# a link to one school (shared, or a worklist row): honoured whenever the URL names a school
# other than the one this page last put there, even in a session that has chosen before
if (
    wanted
    and wanted.isdigit()
    and (remembered != wanted or "profile_search" not in st.session_state)
):
    st.session_state["profile_search"] = wanted
    st.session_state.pop("profile_urn", None)
search = st.text_input(
    "Find a school by name, postcode or URN",
    key="profile_search",
    placeholder="e.g. st marys, TN3 8FQ or 118234",
)
matches = app.frame(reads.schools.find_schools, search)
if matches.empty:
    st.warning("No school matches that search.")
    st.text(search)
    st.stop()
options = list(matches["urn"])
labels = dict(zip(matches["urn"], matches["label"], strict=True))
if wanted and wanted.isdigit() and int(wanted) in options and "profile_urn" not in st.session_state:
    st.session_state["profile_urn"] = int(wanted)
urn = st.selectbox("School", options, format_func=labels.get, key="profile_urn")
st.query_params["urn"] = str(urn)
st.session_state["_profile_url_urn"] = str(urn)

school = app.frame(reads.schools.school, int(urn))
if school is None:
    st.warning("That school is no longer in the register.")
    st.stop()

# register text: shown literally, never as Markdown (a name can be a crafted link)
safe.heading(school["name"])
safe.caption(
    " · ".join(
        [
            f"URN {school['urn']}",
            school.get("setting") or "setting not known",
            school.get("district") or "district not known",
            school.get("postcode") or "no postcode",
            f"{number(school.get('pupils'))} pupils",
        ]
    )
)
if not school.get("is_open", True):
    st.warning(
        f"Closed: the register says {safe.md(school.get('status') or 'closed')}.",
        icon=":material/block:",
    )
# the one-page report for the school's governors, beside the header it summarises
governor_report_button(int(urn), school["current_round"], name=str(school["name"]))


def _word(value: object, missing: str = "–") -> str:
    """A label the built database gave (gold.school_overview), or ``missing`` for none."""
    return missing if value is None or pd.isna(value) else str(value)


status = _word(school["return_status_label"])
# two by two: four across broke "Inadequate" and "Received on time" inside words at 1024 px
m1, m2 = st.columns(2)
m3, m4 = st.columns(2)
# a return that left out a whole section: said beside every grade built on it
left_out = app.frame(reads.returns.school_incomplete, int(urn)).get(school["current_round"], [])
incomplete = " (incomplete return)" if left_out and school["return_id"] else ""
m1.metric(
    "Overall grade",
    # gold words it, the no-return label included
    _word(school["grade_overall_label"]) + incomplete,
    border=True,
)
m2.metric(f"Return {school['current_round']}", status, border=True)
m3.metric(
    "Flags",
    int(school["flag_count"] or 0),
    border=True,
    delta=(_word(school["priority_label"], "") + " priority") if school["priority"] else None,
    delta_color="off",
)
m4.metric(
    "Policies overdue or missing", int(school["policies_overdue_or_missing"] or 0), border=True
)

flags = app.frame(reads.triage.school_flags, int(urn))
st.subheader("Flags and suggested actions")
if flags.empty:
    st.success("No flags for support in the current round.")
else:
    # concerns (support aimed at the school) before themes (met by the county-wide offer),
    # each in full and wrapped: a table cell would cut the reason and the action off
    worklist_ui.flag_list(flags)

if incomplete:
    st.warning(
        f"Incomplete return for {school['current_round']}: left out "
        f"{', '.join(left_out)}. The grades on this page are built on it.",
        icon=":material/warning:",
    )

standards_ui.profile_section(int(urn), school["current_round"] if school["return_id"] else None)

case_ui.profile_section(int(urn), school["current_round"])

st.subheader("Area grades against the county and the setting")
comparison = app.frame(reads.grades.school_area_comparison, int(urn))
st.plotly_chart(sized(charts.area_profile_chart(comparison)), key="profile_areas")
table = pd.DataFrame(
    {
        "Area": comparison["area_label"],
        "School grade": [
            _word(g) + incomplete if school["return_id"] else _word(school["grade_overall_label"])
            for g in comparison["school_grade_label"]
        ],
        "School score": comparison["school_score"].round(1),
        f"{school['setting']} average": comparison["setting_mean"].round(1),
        "County average": comparison["county_mean"].round(1),
    }
)
st.dataframe(table, hide_index=True, width="stretch", placeholder=MISSING)
grades_ui.grade_explanations_section(int(urn), school["current_round"])


def _section(
    heading: str, query: Callable[..., pd.DataFrame], empty_note: str
) -> pd.DataFrame | None:
    """A heading and the school's rows, or None once the page has said there are none."""
    st.subheader(heading)
    df = app.frame(query, int(urn))
    if df.empty:
        st.info(empty_note)
        return None
    return df


left, right = st.columns(2)
with left:
    policies = _section(
        "Policy reviews",
        reads.schools.school_policies,
        "No policy records: the school has no return loaded.",
    )
    if policies is not None:
        policies = policies.rename(columns=headers.POLICY_HEADERS)
        # a static table: every column in full at any width (Freshness was cut off)
        st.table(
            pd.DataFrame(
                {
                    "Policy": policies["Policy"].map(safe.md),
                    "Last reviewed": [council_date(d) for d in policies["Last reviewed"]],
                    "Days since review": [number(d) for d in policies["Days since review"]],
                    "Freshness": policies["status_label"],
                    "Round": policies["Round"],
                }
            ),
            hide_index=True,
        )
with right:
    training = _section(
        "Training coverage by staff group",
        reads.schools.school_training,
        "No training figures: the school has no return loaded.",
    )
    if training is not None:
        training = training.rename(columns=headers.TRAINING_HEADERS)
        latest = training[training["Round"] == training["Round"].max()]
        st.plotly_chart(sized(charts.coverage_chart(latest)), key="profile_training")
        app.numbers_expander("training coverage", latest, f"training_{urn}.csv", "training")

left, right = st.columns(2)
with left:
    incidents = _section("Incidents", reads.schools.school_incidents, "No incident figures.")
    if incidents is not None:
        incidents = incidents.rename(columns=headers.INCIDENT_HEADERS)
        st.dataframe(
            incidents.pivot_table(
                index="Category", columns="Round", values="Incidents", aggfunc="sum"
            ).reset_index(),
            hide_index=True,
            width="stretch",
            placeholder=MISSING,
        )
with right:
    history = _section(
        "History across rounds", reads.grades.school_history, "No returns on record."
    )
    if history is not None:
        area_names = app.frame(reads.base.area_labels)
        st.plotly_chart(sized(charts.history_chart(history, area_names)), key="profile_history")
        # each grade in the words of the database it was built in (gold.area_scores)
        grades = history[["round"] + [f"grade_{a}_label" for a in reads.base.AREAS]]
        app.numbers_expander(
            "grades by round",
            grades.rename(
                columns={
                    "round": "Round",
                    **{f"grade_{a}_label": area_names[a] for a in reads.base.AREAS},
                }
            ),
            f"history_{urn}.csv",
            "history",
        )
