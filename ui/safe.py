"""School-supplied text on a page, always as text: never Markdown, never HTML.

``st.title``/``st.header``/``st.caption``/``st.markdown`` render Markdown, so a
register name such as ``[x](http://evil)`` would become a live link and
``![t](http://evil/t.png)`` an image the browser fetches. These helpers escape
the text and place it in a fixed element instead. Tables (st.dataframe) and
st.text already show text as text.
"""

from __future__ import annotations

import re
from html import escape

import streamlit as st


def heading(text: object) -> None:
    """A section heading (the size of st.header) showing ``text`` literally."""
    st.html(f'<h2 style="margin: 0.5rem 0 0.25rem 0; font-weight: 600">{escape(str(text))}</h2>')


def caption(text: object) -> None:
    """A caption line (the look of st.caption) showing ``text`` literally."""
    st.html(f'<p style="margin: 0; font-size: 0.875rem; color: #4a4a55">{escape(str(text))}</p>')


# Characters that can start Markdown or Streamlit syntax anywhere in a line: links and
# images ([ ] !), emphasis (* ~, and _ at a word's edge), code, HTML, LaTeX ($) and
# Streamlit's directives (:red[...], :material/icon:, and "http:" autolinks). Other
# punctuation stays as it is, so a file path reads the same in the page's source.
_ANYWHERE = frozenset("\\`*~[]<>$:!{}|&")
_EDGE_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
_BARE_WWW = re.compile(r"(?i)\b(www)\.")
_LINE_START = re.compile(r"^(\d*)([-+#>=.)])")


def md(text: object) -> str:
    """``text`` escaped for a Markdown element (st.caption, st.error, ...): shown as typed.

    For the supplied part of a message (a district, setting or file name, an error
    from a file); the fixed words around it may keep their own Markdown.
    """
    flat = " ".join(str(text).split())  # a newline would start a new Markdown block
    out = "".join("\\" + ch if ch in _ANYWHERE else ch for ch in flat)
    out = _EDGE_UNDERSCORE.sub(r"\\_", out)
    out = _BARE_WWW.sub(r"\1\\.", out)  # GFM links a bare www.host without a scheme
    # a list item or heading at the start: "- x", "# x", "1. x"
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), out, count=1)


def error(text: object) -> None:
    """An error box (st.error) whose message, often naming an uploaded file, shows as typed."""
    st.error(md(text))
