"""A page's own choices kept in the address bar, so a bookmark or a shared link keeps them.

The sidebar filters have their own round trip (``ui.app``); this is for a page's
options (the map's colouring, shading and view). A value is read from the URL
once per session, when the widget has no state yet, and only values on the
widget's list are taken; the default is left out of the URL to keep links short.
"""

from __future__ import annotations

from collections.abc import Sequence


def start_from_url(key: str, param: str, choices: Sequence[str], default: str) -> None:
    """Give widget ``key`` the URL's ``param`` (when it is one of ``choices``) or ``default``."""
    import streamlit as st

    if key in st.session_state:
        return
    wanted = st.query_params.get(param)
    st.session_state[key] = wanted if wanted in choices else default


def keep_in_url(param: str, value: str, default: str) -> None:
    """Write ``value`` to ``param`` (removed when it is the default); only when it differs."""
    import streamlit as st

    if value == default:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get_all(param) != [value]:
        st.query_params[param] = value
