"""Admin: who may use the dashboard (roles) and the audit log. Admins only."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from lakehouse import audit as audit_log
from lakehouse import roles as role_list
from lakehouse import store
from presentation.exports import table_workbook
from presentation.formatting import MISSING
from ui import auth, safe

user = auth.require("admin")  # before anything else: the check is the server's, not the menu's

st.title("Admin")
con = store.connect()

st.header("Who may use the dashboard")
st.caption(
    "Viewers read every page; officers also export, upload returns and write casework; "
    "admins also manage this list. Anyone signed in who is not on it has no access. "
    "The starting list is a CSV the council keeps; changes made here are stored beside "
    "the database and take precedence. Choose 'none' to take someone's access away."
)
try:
    rows = role_list.all_roles(con)
except role_list.RoleListError as exc:
    safe.error(exc)
    rows = []
st.dataframe(
    pd.DataFrame(
        [
            {
                "E-mail": r.email,
                "Role": r.role,
                "Set by": "the council's list" if r.source == "list" else r.changed_by,
                "Changed at (UTC)": r.changed_at,
            }
            for r in rows
        ],
        columns=["E-mail", "Role", "Set by", "Changed at (UTC)"],
    ),
    hide_index=True,
    width="stretch",
    placeholder=MISSING,
)
st.text(f"The council's list: {role_list.list_path()}")
with st.form("set_role", clear_on_submit=True):
    c1, c2 = st.columns([3, 1])
    email = c1.text_input("E-mail address", key="admin_role_email")
    role = c2.selectbox("Role", [*role_list.ROLES, role_list.NO_ACCESS], key="admin_role_role")
    if st.form_submit_button("Save role", type="primary"):
        auth.require("admin")  # again at the moment of the change
        try:
            before = role_list.set_role(con, email, role, user.email)
        except ValueError as exc:
            safe.error(exc)
        else:
            st.success("Saved.")
            st.text(f"{role_list.normalise_email(email)}: {before} -> {role}")

st.header("Audit log")
st.caption(
    "Every sign-in, export (filters and row count), upload (file names, SHA-256 and "
    "outcome), casework change, role change and refused action. It cannot be edited: "
    "each row carries a hash of the one before it, checked here every time this page opens."
)
verdict = audit_log.verify(con)
if verdict.intact:
    st.success(f"The audit log's hash chain is intact ({verdict.rows:,} rows).")
    st.text(f"Last hash (note it down to compare later): {verdict.head}")
else:
    st.error("The audit log has been tampered with.")
    st.text(
        verdict.problem
        + (f" (first broken link: row {verdict.broken_at})." if verdict.broken_at else ".")
    )
f1, f2, f3 = st.columns(3)
who = f1.text_input("User contains", key="audit_user")
what = f2.selectbox(
    "Action", ["", *audit_log.ACTIONS], key="audit_action", format_func=lambda a: a or "Any"
)
today = date.today()
period = f3.date_input(
    "Between", (today - timedelta(days=30), today), key="audit_dates", format="YYYY-MM-DD"
)
since, until = (period + (None, None))[:2] if isinstance(period, tuple) else (period, None)
log = audit_log.events(con, user=who or None, action=what or None, since=since, until=until)
con.close()
st.dataframe(log, hide_index=True, width="stretch", placeholder=MISSING)
st.caption(f"{len(log):,} events (newest first, at most 10,000).")


def _log_workbook() -> bytes:
    about = {
        "Exported at (UTC)": pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%d %H:%M"),
        "Rows": str(len(log)),
        "Filter: user contains": who or "(any)",
        "Filter: action": what or "(any)",
        "Filter: from": str(since or ""),
        "Filter: to": str(until or ""),
    }
    return table_workbook(log, about, sheet_name="Audit log")


# built on click, so no file exists until an admin asks for one; the export is on record too
auth.download(
    "Download the audit log (Excel)",
    _log_workbook,
    file_name=f"audit-log-{today.isoformat()}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="audit_download",
    what="audit log",
    rows=len(log),
    filters={
        "user contains": who or "(any)",
        "action": what or "(any)",
        "from": str(since or ""),
        "to": str(until or ""),
    },
)
