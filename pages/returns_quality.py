"""Returns and data quality: who has sent a return, who to chase, what was rejected, uploads."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from lakehouse import reads
from presentation import charts, exports, headers, measures
from presentation.formatting import MISSING, council_date, counted
from ui import app, auth, safe
from ui import casework as case_ui
from ui.contacts import contacts_section
from ui.projector import sized

TITLE = "Returns and data quality"
ACCEPTED_TYPES = ["xlsx", "xlsm", "xls", "ods"]

ctx = app.page_context(TITLE)
f = ctx.filters
app.page_header(TITLE, ctx)

head = app.frame(reads.grades.headline, f)
m1, m2, m3, m4, m5 = st.columns(5)
m1.metric("Expected returns", f"{head['expected']:,}", border=True)
m2.metric("Received", f"{head['received']:,}", border=True)
m3.metric("Of which late", f"{head['late']:,}", border=True)
# before the deadline a school with no return is awaiting it, not missing
statuses = app.frame(reads.base.return_status_labels)  # the database's words
m4.metric(statuses["awaiting"], f"{head.get('awaiting', 0):,}", border=True)
m5.metric(statuses["missing"], f"{head['missing']:,}", border=True)

left, right = st.columns(2)
for column, by, heading in ((left, "district", "By district"), (right, "setting", "By setting")):
    with column:
        st.subheader(heading)
        df = app.frame(reads.returns.returns_by, f, by)
        if df.empty:
            st.info("No expected returns match these filters.")
            continue
        st.plotly_chart(sized(charts.returns_chart(df, statuses)), key=f"returns_{by}")
        app.numbers_expander(
            f"returns {heading.lower()}",
            df.rename(columns={"group": measures.RETURNS_BY[by]}),
            f"returns_by_{by}.csv",
            f"returns_{by}",
        )

# return rates per round, the chase list with contacts, reminders and the mail merge
case_ui.chase_section(ctx)
contacts_section()
case_ui.incomplete_section(ctx)

st.subheader("Rejected files")
rejected = app.frame(reads.returns.rejected_files).rename(columns=headers.REJECTED_HEADERS)
if rejected.empty:
    st.success("No file has been rejected.")
else:
    # a static table: each file's school and its whole reason, wrapped, at any width
    st.table(
        pd.DataFrame(
            {
                "File": rejected["File"].map(safe.md),
                "School": rejected["School"].map(safe.md),
                "Reason": rejected["Reason"].fillna("").map(safe.md),
                "Received": [council_date(d) for d in rejected["Received"]],
            }
        ),
        hide_index=True,
        height=min(460, 40 + 60 * len(rejected)),
    )

left, right = st.columns([1, 2])
with left:
    st.subheader("Warnings per return")
    warnings = app.frame(reads.returns.return_warnings, f).rename(columns=headers.WARNING_HEADERS)
    if warnings.empty:
        st.success("No warnings or errors inside the returns in these filters.")
    else:
        st.dataframe(
            warnings,
            hide_index=True,
            width="stretch",
            column_config={"URN": st.column_config.NumberColumn(format="%d")},
            placeholder=MISSING,
        )
with right:
    if not warnings.empty:
        with st.expander("Every warning and error, cell by cell", expanded=True):
            messages = app.frame(reads.returns.return_messages, f).rename(
                columns=headers.MESSAGE_HEADERS
            )
            messages = messages.reset_index(drop=True)
            picked_message = st.dataframe(
                messages,
                hide_index=True,
                width="stretch",
                key="messages_table",
                on_select="rerun",
                selection_mode="single-row",
                column_config={
                    "URN": st.column_config.NumberColumn(format="%d"),
                    "Message": st.column_config.TextColumn(width="large"),
                },
                placeholder=MISSING,
            )
            if picked_message is not None and picked_message.selection.rows:
                m = messages.iloc[int(picked_message.selection.rows[0])]
                st.text(f"{m['School']}, {m['File']}, {m['Cell']}: {m['Message']}")
            else:
                st.caption("Select a row to read its message in full.")
            auth.download(
                "Download CSV",
                lambda: exports.csv_bytes(messages),
                what="return messages",
                rows=len(messages),
                filters=app.filter_summary(f),
                file_name="return_messages.csv",
                mime="text/csv",
                key="messages_csv",
            )

st.subheader("Upload returns")
limit_mb = int(st.get_option("server.maxUploadSize"))
if not auth.may("upload"):
    # no uploader at all for readers: no widget, so nothing a session could post files to
    st.caption(
        f"Uploading returns is for officers and admins (your role: {auth.current_user().role})."
    )
    st.stop()
uploads = st.file_uploader(
    f"Return workbooks ({', '.join('.' + t for t in ACCEPTED_TYPES)}; up to {limit_mb} MB each)",
    type=ACCEPTED_TYPES,
    accept_multiple_files=True,
    key="upload_returns",
    max_upload_size=limit_mb,
)
if uploads and st.button("Load these returns", type="primary", key="upload_go"):
    auth.require("upload")  # checked again at the moment of the write
    too_big = [u.name for u in uploads if u.size > limit_mb * 1024 * 1024]
    if too_big:
        st.error(f"Too large (over {limit_mb} MB). Nothing was loaded.")
        st.text("\n".join(too_big))  # file names as text, never Markdown
        st.stop()
    from ingest.upload import ingest_uploads  # imported here: only an upload needs the loader

    progress = st.progress(0.0, text=f"Loading {counted(len(uploads), 'file')}…")

    def _report(done: int, total: int, name: str) -> None:
        share = 0.9 * done / total if total else 0.9
        progress.progress(min(share, 0.9), text=safe.md(f"Read {done} of {total} {name}".strip()))

    # the audit log gets names, sizes and hashes, never the files
    sent = [
        {"name": u.name, "size": u.size, "sha256": hashlib.sha256(u.getbuffer()).hexdigest()}
        for u in uploads
    ]
    try:  # no audit row, no upload
        auth.audit_first("upload", files=sent, outcome="started")
    except Exception:
        progress.empty()
        st.error(
            "The upload was refused: the audit log cannot be written just now, and nothing is "
            "loaded unrecorded. Try again in a minute."
        )
        st.stop()
    try:
        # in a child process with a memory cap: one bad file cannot take the dashboard down
        summary = ingest_uploads(
            [(u.name, bytes(u.getbuffer())) for u in uploads], app.get_db().path, progress=_report
        )
    except Exception as exc:  # the loader names the problem; show it in one line
        progress.empty()
        auth.audit("upload", files=sent, outcome="failed", reason=str(exc)[:500])
        st.error("The upload could not be loaded.")
        st.text(str(exc))  # it may quote a file name: text, never Markdown
        st.stop()
    auth.audit(
        "upload",
        files=sent,
        outcome="done",
        loaded=summary.loaded,
        rejected=summary.rejected,
        duplicates=summary.duplicates,
    )
    progress.progress(1.0, text="Done")
    # shown after the rerun, when every page already reads the new data
    st.session_state["upload_summary"] = (
        f"{counted(summary.seen, 'file')}: {summary.loaded} loaded, {summary.rejected} rejected, "
        f"{summary.duplicates} already loaded. Rejected files and their reasons are listed above."
    )
    st.session_state["upload_files"] = summary.files
    st.rerun()
if "upload_summary" in st.session_state:
    st.success(st.session_state.pop("upload_summary"))
    # each file with the school it came from, read from the data it has just loaded
    files = st.session_state.pop("upload_files", [])
    names = app.frame(
        reads.schools.school_names, tuple(sorted({int(x["urn"]) for x in files if x.get("urn")}))
    )
    outcomes = {"loaded": "Loaded", "rejected": "Rejected", "duplicate": "Already loaded"}
    st.table(
        pd.DataFrame(
            {
                "File": [safe.md(x["file_name"]) for x in files],
                "School": [
                    safe.md(names.get(int(x["urn"]), f"URN {x['urn']} (not in the register)"))
                    if x.get("urn")
                    else "Not known"
                    for x in files
                ],
                "Round": [x.get("round") or "" for x in files],
                "Outcome": [outcomes.get(x["status"], x["status"]) for x in files],
                "Reason": [safe.md(x.get("reason") or "") for x in files],
            }
        ),
        hide_index=True,
    )
