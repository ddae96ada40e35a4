"""School-supplied text on a page, always as text: never Markdown, never HTML.

``st.title``/``st.header``/``st.caption``/``st.markdown`` render Markdown, so a
register name such as ``[x](http://evil)`` would become a live link and
``![t](http://evil/t.png)`` an image the browser fetches. These helpers escape
the text and place it in a fixed element instead. Tables (st.dataframe) and
st.text already show text as text.
"""

from __future__ import annotations

import string
from html import escape

import streamlit as st


def heading(text: object) -> None:
    """A section heading (the size of st.header) showing ``text`` literally."""
    st.html(f'<h2 style="margin: 0.5rem 0 0.25rem 0; font-weight: 600">{escape(str(text))}</h2>')


def caption(text: object) -> None:
    """A caption line (the look of st.caption) showing ``text`` literally."""
    st.html(f'<p style="margin: 0; font-size: 0.875rem; color: #4a4a55">{escape(str(text))}</p>')


# CommonMark lets any ASCII punctuation be backslash-escaped; escaping all of it also
# covers Streamlit's own syntax (:red[...], :material/icon:, $LaTeX$) and stops a bare
# "www." or "http://" becoming a link.
_MARKDOWN_PUNCTUATION = frozenset(string.punctuation)


def md(text: object) -> str:
    """``text`` escaped for a Markdown element (st.caption, st.error, ...): shown as typed.

    For the supplied part of a message (a district, setting or file name, an error
    from a file); the fixed words around it may keep their own Markdown.
    """
    flat = " ".join(str(text).split())  # a newline would start a new Markdown block
    return "".join("\\" + ch if ch in _MARKDOWN_PUNCTUATION else ch for ch in flat)


def error(text: object) -> None:
    """An error box (st.error) whose message, often naming an uploaded file, shows as typed."""
    st.error(md(text))
