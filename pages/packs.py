"""Meeting packs: the cabinet PowerPoint and the governor reports, from the current filters."""

from __future__ import annotations

import streamlit as st

from lakehouse import reads
from packs.cabinet import PackError, cabinet_pack_pptx
from packs.disclosure import threshold
from packs.governor import ReportError
from packs.render import RenderError
from ui import app, auth, safe
from ui.reports import governor_zip

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
        filters=app.filter_summary(f),
        file_name=f"cabinet-pack-{round_part}{'-public' if public else ''}.pptx",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        key="download_cabinet_pack",
    )
elif made:
    st.caption("The options or filters changed since the last pack: make it again.")

st.subheader("Governor reports (PDF, A4)")
st.markdown(
    "One report for each school flagged for support in the current round (within the sidebar "
    "filters), in a zip: grades against the county and the setting, policy reviews, training, "
    "incidents, flags with suggested actions and history. A single school's report is on its "
    "profile page."
)
priority_labels = app.frame(reads.base.priority_labels)  # the database's words and order
chosen = st.pills(
    "Priority",
    list(priority_labels),
    selection_mode="multi",
    default=[next(iter(priority_labels))],  # the first (high): not every low one by accident
    format_func=priority_labels.get,
    key="governor_priority",
    bind="query-params",
)
targets = app.frame(reads.triage.worklist, f, tuple(chosen or ()))
names = dict(zip(targets["urn"], targets["school"], strict=True))
counts = targets["priority"].value_counts()
if not chosen:
    st.caption("Choose at least one priority.")
elif targets.empty:
    st.caption("No flagged school of that priority within these filters.")
else:
    st.caption(
        " · ".join(
            f"{int(counts.get(p, 0)):,} {priority_labels[p].lower()} priority"
            for p in priority_labels
            if p in chosen
        )
    )
zip_key = ("_governor_zip", f, tuple(chosen or ()), version)
if (
    auth.may("export")
    and not targets.empty
    and st.button(
        f"Make governor reports for {len(targets):,} school" + ("" if len(targets) == 1 else "s"),
        key="make_governor_zip",
    )
):
    auth.require("export")
    bar = st.progress(0.0, text=f"Writing {len(targets):,} reports…")

    def _moved(done: int, total: int, urn: int) -> None:
        bar.progress(done / total, text=safe.md(f"{done:,} of {total:,}: {names[urn]}"))

    try:
        zipped = governor_zip(db, [int(u) for u in targets["urn"]], _moved)
    except (ReportError, RenderError) as exc:
        bar.empty()
        safe.error(exc)
    else:
        bar.progress(1.0, text=f"{len(targets):,} reports written")
        st.session_state["_governor_zip"] = (zip_key, zipped, len(targets))
made_zip = st.session_state.get("_governor_zip")
current_round = ctx.options.current_round or "current"
if made_zip and made_zip[0] == zip_key:
    picked = "-".join(chosen or ())
    auth.download(
        f"Download {made_zip[2]:,} governor reports (zip)",
        made_zip[1],
        what=f"governor reports ({', '.join(priority_labels[p] for p in chosen or ())})",
        rows=made_zip[2],
        filters=app.filter_summary(f),
        file_name=f"governor-reports-{current_round.replace('/', '-')}-{picked}.zip",
        mime="application/zip",
        key="download_governor_zip",
    )
elif made_zip:
    st.caption("The priorities or filters changed since the last reports: make them again.")
