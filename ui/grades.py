"""The school profile's "How each grade was reached" section.

It reads ``gold.grade_explanations`` and ``gold.statements_lost`` through
``lakehouse.explain``, the same rows the governor report prints, so the page and
the PDF explain a grade in the same words.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lakehouse import explain
from presentation.formatting import MISSING
from ui import app, safe

HEADING = "How each grade was reached"


def explanation_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The table the section shows: one row per area (the sentences follow it in full)."""
    return pd.DataFrame(
        {
            "Area": rows["area_label"],
            "Score": rows["score_text"],
            "The score's band": rows["band_label"],
            "Grade": rows["grade_label"],
            "Limited by": rows["cap_label"].fillna(""),
            "Statements that cost points": rows["statements_lost"].astype(int),
        }
    )


def grade_explanations_section(urn: int, round: str | None) -> None:
    """Every area's score, band, any cap that changed the grade, and the statements that
    cost points (Not in place / Partly in place), for the school's return in ``round``."""
    st.subheader(HEADING)
    rows = app.frame(explain.grade_explanations, int(urn), round)
    if rows.empty:
        st.info("No grades to explain: the school has no return for this round.")
        return
    st.caption(
        "Each area's score gives a grade band; a limit on grades (a cap) can only make the "
        "grade worse. Statements answered Partly in place or Not in place cost points."
    )
    st.dataframe(
        explanation_table(rows),
        hide_index=True,
        width="stretch",
        key="profile_grade_explanations",
        column_config={
            "Limited by": st.column_config.TextColumn(width="large"),
            "Statements that cost points": st.column_config.NumberColumn(format="%d"),
        },
        placeholder=MISSING,
    )
    # each sentence in full (a table cell shows only what fits); seed words, escaped anyway
    for label, sentence in zip(rows["area_label"], rows["explanation"], strict=True):
        st.markdown(f"**{safe.md(label)}**: {safe.md(sentence)}")
    lost = app.frame(explain.statements_lost, int(urn), round)
    for area, label in zip(rows["area"], rows["area_label"], strict=True):
        statements = lost[lost["area"] == area]
        if statements.empty:
            continue
        n = len(statements)
        with st.expander(f"{label}: {n} statement{'' if n == 1 else 's'} that cost points"):
            # statements are seed text, but shown as a table of text all the same
            st.dataframe(
                statements[["response_label", "statement"]].rename(
                    columns={"response_label": "Answer", "statement": "Statement"}
                ),
                hide_index=True,
                width="stretch",
                column_config={"Statement": st.column_config.TextColumn(width="large")},
                placeholder=MISSING,
            )
