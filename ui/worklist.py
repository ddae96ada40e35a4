"""The worklist's tables and the full text of a school's flags (Streamlit glue).

Each worklist row has its own *Open profile* button (a button column pinned at
the left), so one click opens the school on that row, in the same tab. A row
ticked shows its concerns, themes and actions in full under the table; the
profile shows a school's flags the same way. The capacity cut-off is drawn
as a line between the rows within this round's capacity and those beyond it.
"""

from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st

from presentation.formatting import MISSING, STREAMLIT_DATE_FORMAT
from ui import safe

PROFILE_PAGE = "pages/school_profile.py"
OPEN_LABEL = "Open profile"


def _open_clicked(key: str, table: pd.DataFrame) -> None:
    """A row's Open profile button was clicked in this run: go to that row's school."""
    click = st.session_state.get(key)
    if click is None:
        return
    row = int(click["row"])
    if 0 <= row < len(table):
        st.switch_page(PROFILE_PAGE, query_params={"urn": str(int(table.iloc[row]["URN"]))})


def table(rows: pd.DataFrame, columns: list[str], key: str, height: int) -> pd.Series | None:
    """One worklist table; returns the ticked row (None when none is ticked).

    The button column's click names the row it was on, so the profile it opens is
    always the school on that row, whatever else is selected on the page.
    """
    shown = rows[columns].reset_index(drop=True)
    shown.insert(0, "Open", OPEN_LABEL)
    picked = st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=height,
        key=key,
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            "Open": st.column_config.ButtonColumn(
                "Profile",
                key=f"{key}_open",
                pinned=True,
                type="tertiary",
                width="small",
                help="Open this school's profile",
            ),
            "URN": st.column_config.NumberColumn(format="%d", width="small"),
            "Rank": st.column_config.NumberColumn(format="%d", width="small"),
            "Concerns": st.column_config.TextColumn(width="large"),
            "Themes": st.column_config.TextColumn(width="large"),
            "Suggested actions": st.column_config.TextColumn(width="large"),
            "Casework": st.column_config.TextColumn(width="medium"),
            "Return date": st.column_config.DateColumn(format=STREAMLIT_DATE_FORMAT),
        },
        placeholder=MISSING,
    )
    _open_clicked(f"{key}_open", shown)
    chosen = picked.selection.rows if picked is not None else []
    return shown.iloc[int(chosen[0])] if chosen else None


def cutoff_line(capacity: int, sentence: str) -> None:
    """The visible line between the schools within capacity and those beyond it."""
    st.html(
        '<div role="separator" aria-label="Capacity cut-off" style="border-top: 3px dashed '
        "#b3261e; margin: 0.75rem 0 0.25rem 0; padding-top: 0.25rem; font-weight: 600; "
        f'color: #8c1d18">Capacity cut-off: the team can take on {int(capacity)} schools this '
        f"round. {escape(sentence)}.</div>"
    )


def flag_list(flags: pd.DataFrame) -> None:
    """A school's flags in full, one block each: kind and flag, the reason, the action.

    ``flags`` is :func:`lakehouse.reads.triage.school_flags`. The text wraps to the page, so
    nothing is cut off at any width; it is shown as typed (never Markdown).
    """
    for _, f in flags.iterrows():
        with st.container(border=True):
            st.markdown(f"**{safe.md(f['kind_label'])}: {safe.md(f['flag_label'])}**")
            st.text(f"Reason: {f['reason']}")
            if isinstance(f["suggested_action"], str) and f["suggested_action"]:
                st.text(f"Suggested action: {f['suggested_action']}")


def detail(row: pd.Series, flags: pd.DataFrame) -> None:
    """The ticked row in full: the school, each flag's reason and action, and its casework."""
    with st.container(border=True, key="worklist_detail"):
        safe.caption(f"{row['School']} (URN {int(row['URN'])}) · rank {int(row['Rank'])}")
        st.page_link(
            PROFILE_PAGE,
            label=f"{OPEN_LABEL}: {safe.md(row['School'])}",  # a label reads Markdown
            icon=":material/school:",
            query_params={"urn": str(int(row["URN"]))},
        )
        flag_list(flags)
        if isinstance(row.get("Casework"), str) and row["Casework"]:
            st.text(f"Casework: {row['Casework']}")
