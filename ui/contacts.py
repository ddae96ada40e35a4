"""The council's contact list for an officer to review (a section of the Returns page)."""

from __future__ import annotations

import streamlit as st

from lakehouse import reads
from presentation import headers
from presentation.formatting import MISSING
from ui import app
from ui.safe import md


def contacts_section() -> None:
    """How many expected schools can be e-mailed, the list as loaded, and who is missing."""
    st.subheader("School contacts")
    cover = app.frame(reads.returns.contact_coverage)
    people = app.frame(reads.returns.contact_list)
    schools, with_email = cover["schools"], cover["with_email"]
    c1, c2, c3 = st.columns(3)
    c1.metric("Schools with an e-mail contact", f"{with_email} of {schools}", border=True)
    c2.metric("Without an e-mail contact", f"{schools - with_email}", border=True)
    c3.metric("Without any contact", f"{schools - cover['with_contact']}", border=True)
    if schools and with_email < schools:
        st.warning(
            f"{schools - with_email} of the {schools} schools expected to return have no "
            "e-mail contact, so a chase cannot e-mail them. GIAS publishes no e-mail "
            "addresses: load the council's contact list with `python -m ingest contacts "
            "FILE.csv` (URN, role, name, e-mail, telephone).",
            icon=":material/contact_mail:",
        )
    problems = app.frame(reads.returns.contact_problems)
    if not problems.empty:
        # each problem names the file, row and column, as the loader wrote it
        with st.expander(f"Problems in the latest contact list ({len(problems)})"):
            st.dataframe(
                headers.table(problems, headers.CONTACT_PROBLEM_HEADERS),
                hide_index=True,
                width="stretch",
                key="contact_problems",
            )
    if people.empty:
        st.caption("No council contact list is loaded.")
        return
    unknown = int((~people["in_register"]).sum())
    source = people["source_file"].iloc[0]
    st.caption(
        f"{len(people):,} {'person' if len(people) == 1 else 'people'} from {md(source)}; "
        "*Chased* marks the one each chase goes to (an e-mail first, then by role)."
        + (f" {unknown} name a URN that is not in the register." if unknown else "")
    )
    shown = headers.table(people, headers.CONTACT_HEADERS)
    # a blank, not the word None, where a person has no e-mail or telephone
    text = ["School", "District", "Role", "Name", "E-mail", "Telephone"]
    shown[text] = shown[text].fillna("")
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config={"URN": st.column_config.NumberColumn(format="%d")},
        key="contact_list",
        placeholder=MISSING,
    )
