"""School-supplied text on a page, always as text: never Markdown, never HTML.

``st.title``/``st.header``/``st.caption``/``st.markdown`` render Markdown, so a
register name such as ``[x](http://evil)`` would become a live link and
``![t](http://evil/t.png)`` an image the browser fetches. These helpers escape
the text and place it in a fixed element instead. Tables (st.dataframe) and
st.text already show text as text.
"""

from __future__ import annotations

from html import escape

import streamlit as st


def heading(text: object) -> None:
    """A section heading (the size of st.header) showing ``text`` literally."""
    st.html(f'<h2 style="margin: 0.5rem 0 0.25rem 0; font-weight: 600">{escape(str(text))}</h2>')


def caption(text: object) -> None:
    """A caption line (the look of st.caption) showing ``text`` literally."""
    st.html(f'<p style="margin: 0; font-size: 0.875rem; color: #4a4a55">{escape(str(text))}</p>')
