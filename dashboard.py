"""The e-safety oversight dashboard: `streamlit run dashboard.py`.

st.navigation over the pages in ui.app.PAGE_SPECS (own titles and URL paths),
then the global filters and the presentation-mode switch, rendered once here
so every page shares them.
"""

from __future__ import annotations

import streamlit as st

from ui import app
from ui.projector import presentation_mode

st.set_page_config(
    page_title="School e-safety oversight",
    page_icon=":material/shield:",
    layout="wide",
    initial_sidebar_state="expanded",
)

page = st.navigation(app.app_pages())
app.mark_entry()
app.sidebar_filters()
presentation_mode(app.PAGE_SPECS)  # after the filters: the toggle sits below them in the sidebar
page.run()
