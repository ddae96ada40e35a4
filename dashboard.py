"""The e-safety oversight dashboard: `streamlit run dashboard.py`.

Every run: hold one version of the database for the whole run, pass the
sign-in gate (ui.auth.gate: sign-in when configured, otherwise 127.0.0.1
only), then st.navigation over the pages in ui.app.PAGE_SPECS (own titles and
URL paths, plus the admin page for admins), the global filters and the
presentation-mode switch, rendered once here so every page shares them.
A page that fails unexpectedly shows one line and its trace goes to the log.
"""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from ui import app, auth
from ui.projector import presentation_mode

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
_log = logging.getLogger("esafety.dashboard")

# a file shipped with the app: ":material/shield:" made every browser fetch the icon from
# the internet, which council networks block
PAGE_ICON = str(Path(__file__).resolve().parent / "ui" / "assets" / "shield.png")

st.set_page_config(
    page_title="School e-safety oversight",
    page_icon=PAGE_ICON,
    layout="wide",
    initial_sidebar_state="expanded",
)

with app.run_snapshot():
    user = auth.gate()
    pages = app.app_pages()
    if user.can("admin"):
        pages.append(
            st.Page(
                "pages/admin.py",
                title="Admin",
                url_path="admin",
                icon=":material/admin_panel_settings:",
            )
        )
    page = st.navigation(pages)
    app.mark_entry()
    try:
        app.bench_marker("start")
        app.sidebar_filters()
        # after the filters: the toggle sits below them in the sidebar
        presentation_mode(app.PAGE_SPECS)
        page.run()
        app.bench_marker("end")
    except Exception:  # never a traceback on a page: one line for the reader, the trace for the log
        _log.exception("page %s failed", getattr(page, "url_path", "?"))
        st.error(
            "Something went wrong showing this page. Refresh to try again; the error is logged."
        )
