"""Meeting packs: the cabinet PowerPoint and the governor reports, from the current filters."""

from __future__ import annotations

import streamlit as st

from packs.cabinet import PackError, cabinet_pack_pptx
from packs.disclosure import threshold
from packs.governor import ReportError, governor_reports_zip
from packs.render import RenderError
from ui import app, auth, safe

TITLE = "Meeting packs"
ctx = app.page_context(TITLE)
f = ctx.filters
app.page_header(TITLE, ctx, note="The packs use the filters in the sidebar.")
db = app.get_db()
version = db.version
if not auth.may("export"):
    # packs are exports: readers see what they are, not the buttons
    st.caption(
        f"Meeting packs are for officers and admins (your role: {auth.current_user().role})."
    )

st.subheader("Cabinet pack (PowerPoint)")
st.markdown(
    "Title, headline numbers, grades in the five areas, the setting comparison, the county map, "
    "schools needing support, trends across rounds, methodology and sources: one slide each, "
    "every chart with its numbers beside it."
)
public = st.checkbox(
    f"Public version (suppress counts of fewer than {threshold()} schools)",
    key="pack_public",
    help="As official statistics do: small counts, and any cell that would reveal one, show as "
    "'c' in tables and charts (docs/DISCLOSURE.md).",
)
name_schools = st.checkbox(
    "Name the flagged schools",
    key="pack_name_schools",
    disabled=public,
    help="Adds a table of flagged schools. Never in a public pack.",
)
pack_key = ("_cabinet_pack", f, public, name_schools and not public, version)
if auth.may("export") and st.button("Make cabinet pack", key="make_cabinet_pack", type="primary"):
    auth.require("export")
    try:
        with st.spinner("Drawing the charts…"):
            st.session_state["_cabinet_pack"] = (
                pack_key,
                cabinet_pack_pptx(db, f, public=public, name_schools=name_schools and not public),
            )
    except (PackError, RenderError) as exc:
        safe.error(exc)
made = st.session_state.get("_cabinet_pack")
if made and made[0] == pack_key:
    round_part = (ctx.round or "current").replace("/", "-")
    auth.download(
        "Download cabinet pack",
        made[1],
        what="cabinet pack" + (" (public)" if public else ""),
        filters=f.describe(),
        file_name=f"cabinet-pack-{round_part}{'-public' if public else ''}.pptx",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        key="download_cabinet_pack",
    )
elif made:
    st.caption("The options or filters changed since the last pack: make it again.")

st.subheader("Governor reports (PDF, A4)")
st.markdown(
    "One report for each school flagged for support in the current round, in a zip: grades "
    "against the county and the setting, policy reviews, training, incidents, flags with "
    "suggested actions and history. A single school's report is on its profile page."
)
if auth.may("export") and st.button(
    "Make governor reports for all flagged schools", key="make_governor_zip"
):
    auth.require("export")
    try:
        with st.spinner("Writing the reports…"):
            st.session_state["_governor_zip"] = (version, governor_reports_zip(db))
    except (ReportError, RenderError) as exc:
        safe.error(exc)
made_zip = st.session_state.get("_governor_zip")
current_round = ctx.options.current_round or "current"
if made_zip and made_zip[0] == version:
    auth.download(
        "Download governor reports (zip)",
        made_zip[1],
        what="governor reports (all flagged schools)",
        file_name=f"governor-reports-{current_round.replace('/', '-')}.zip",
        mime="application/zip",
        key="download_governor_zip",
    )
