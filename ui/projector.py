"""Presentation mode: the dashboard on a projector.

Hides the sidebar, header, toolbar and Streamlit's own chrome, enlarges text
and metrics, and makes charts taller. Turned on by the ``?present=1`` URL
parameter (so a bookmarked link opens ready to present) or by a toggle kept
in session state; the toggle writes the parameter back so the URL can be
shared.

The lead wires it in ``dashboard.py`` with one call before the pages run::

    from ui.projector import presentation_mode
    presentation_mode()          # toggle in the sidebar, CSS, exit button

and pages size charts with ``chart_height(420)`` (or ``sized(fig)`` for a
plotly figure that carries its own height).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

QUERY_PARAM = "present"
SESSION_KEY = "presentation_mode"
_TRUE = {"1", "true", "yes", "on"}

# Projector rooms are deep: charts half again as tall, type about 1.35x.
CHART_SCALE = 1.5
MIN_CHART_HEIGHT = 480
DEFAULT_CHART_HEIGHT = 450  # plotly's own default, for figures that set no height
TEXT_SCALE = 1.35
PLOTLY_FONT_SIZE = 12  # plotly's own default, for figures that set no font size

_CSS = """
<style>
/* presentation mode: hide the chrome an audience does not need */
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stSidebarCollapseButton"], [data-testid="stExpandSidebarButton"],
[data-testid="stSidebarNav"], [data-testid="stHeader"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
[data-testid="stMainMenu"], [data-testid="stAppDeployButton"], #MainMenu, footer {
    display: none !important;
}
[data-testid="stMainBlockContainer"], .block-container {
    padding-top: 1.25rem !important;
    max-width: 100% !important;
    padding-left: 2.5rem !important;
    padding-right: 2.5rem !important;
}
[data-testid="stAppViewContainer"] { font-size: 1.35rem; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li,
[data-testid="stCaptionContainer"], [data-testid="stTable"], [data-testid="stDataFrame"] {
    font-size: 1.35rem !important;
}
h1 { font-size: 3.2rem !important; }
h2 { font-size: 2.5rem !important; }
h3 { font-size: 2.0rem !important; }
/* a metric's value sized to its own box (container query units), so "533 of 589" stays on
   one line in five columns at 1024 px and grows to 4rem on a wide screen */
[data-testid="stMetric"] { container-type: inline-size; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] p {
    font-size: clamp(1.6rem, 17cqi, 4rem) !important; line-height: 1.15 !important;
}
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] p {
    font-size: clamp(1.2rem, 11cqi, 1.6rem) !important;
}
[data-testid="stMetricDelta"] { font-size: 1.4rem !important; }
/* tables and widgets grow with the text, not only the prose */
[data-testid="stDataFrame"] canvas + div, [data-testid="stDataFrameResizable"] {
    font-size: 1.35rem !important;
}
[data-testid="stTable"] td, [data-testid="stTable"] th { font-size: 1.35rem !important; }
[data-testid="stWidgetLabel"] p, [data-baseweb="select"] div, [data-baseweb="input"] input,
[data-testid="stCheckbox"] label p, [data-testid="stRadio"] label p,
.stButton button p, .stDownloadButton button p {
    font-size: 1.35rem !important;
}
/* the strip of page links: each link as wide as its name, the strip wrapping onto a second
   row on a narrow screen; a name breaks only between words ("Overview", never "Overvie w") */
.st-key-present_nav [data-testid="stHorizontalBlock"] {
    flex-wrap: wrap !important; row-gap: 0.25rem !important; column-gap: 0.5rem !important;
}
.st-key-present_nav [data-testid="stColumn"] {
    flex: 0 1 auto !important; width: auto !important; min-width: 0 !important;
}
[data-testid="stPageLink"] a, [data-testid="stPageLink"] p, [data-testid="stPageLink"] span,
.st-key-present_nav .stButton button p {
    white-space: nowrap !important; overflow: visible !important; text-overflow: clip !important;
    overflow-wrap: normal !important; word-break: keep-all !important;
    font-size: 1.2rem !important; line-height: 1.25 !important;
}
</style>
"""

# Always on, in both modes.
_BASE_CSS = """
<style>
/* WCAG 2.2 AA: Streamlit's captions and help text are 60% grey (about 4:1 on white);
   #555555 is 7.5:1 and still reads as secondary text */
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] p,
[data-testid="stWidgetLabel"] small, [data-testid="stTooltipHoverTarget"],
[data-testid="stMarkdownContainer"] small, [data-testid="stSidebarNavSeparator"],
[data-testid="stMetricDelta"] div {
    color: #555555 !important; opacity: 1 !important;
}
/* a row of pills (the priority buttons) wraps rather than scrolling its last choice out of
   a narrow column */
[data-testid="stButtonGroup"] [role="toolbar"] {
    flex-wrap: wrap !important; overflow: visible !important; row-gap: 0.25rem;
}
/* a metric shows its whole value: wrap, never an ellipsis ("529 of 589", not "529 of ...") */
[data-testid="stMetricValue"], [data-testid="stMetricValue"] > div,
[data-testid="stMetricValue"] p {
    white-space: normal !important; overflow: visible !important;
    text-overflow: clip !important; overflow-wrap: anywhere;
}
[data-testid="stMetricLabel"] p, [data-testid="stMetricLabel"] div {
    white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}

/* a form saves once: while the page runs (a save in progress) its submit button takes no
   click (ui/forms.py); Streamlit marks the running app on its root element */
.stApp[data-test-script-state="running"] [data-testid="stFormSubmitButton"] button {
    pointer-events: none !important; opacity: 0.6;
}

/* Print: A4 landscape, no sidebar, header or toolbars, nothing cut off at the right */
@page { size: A4 landscape; margin: 12mm; }
@media print {
    [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
    [data-testid="stSidebarCollapseButton"], [data-testid="stExpandSidebarButton"],
    [data-testid="stHeader"], header[data-testid="stHeader"], [data-testid="stToolbar"],
    [data-testid="stDecoration"], [data-testid="stStatusWidget"], [data-testid="stMainMenu"],
    [data-testid="stElementToolbar"], [data-testid="stAppDeployButton"], #MainMenu, footer,
    [data-testid="stPageLink"], .stButton, .stDownloadButton, [data-testid="stFileUploader"] {
        display: none !important;
    }
    html, body, .stApp, [data-testid="stApp"], [data-testid="stAppViewContainer"],
    [data-testid="stMain"], section.main, [data-testid="stMainBlockContainer"],
    .block-container {
        width: 100% !important; max-width: 100% !important; min-width: 0 !important;
        margin: 0 !important; padding: 0 !important; overflow: visible !important;
        height: auto !important; position: static !important;
    }
    [data-testid="stAppViewContainer"] { display: block !important; }
    [data-testid="stHorizontalBlock"] { flex-wrap: wrap !important; }
    [data-testid="stHorizontalBlock"] > div { min-width: 0 !important; }
    .js-plotly-plot, .plot-container, .svg-container, [data-testid="stPlotlyChart"] {
        max-width: 100% !important; break-inside: avoid; page-break-inside: avoid;
    }
    [data-testid="stDataFrame"], [data-testid="stTable"] { max-width: 100% !important; }
    * { -webkit-print-color-adjust: exact !important; print-color-adjust: exact !important; }
}
</style>
"""


def is_truthy(value: object) -> bool:
    """Whether a query-string value turns presentation mode on (``1``, ``true``, ``yes``...)."""
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return str(value or "").strip().lower() in _TRUE


def enabled_from(query_params: Mapping[str, object], session: Mapping[str, object]) -> bool:
    """The decision, kept pure for tests: a session toggle wins over the URL."""
    if SESSION_KEY in session:
        return bool(session[SESSION_KEY])
    return is_truthy(query_params.get(QUERY_PARAM))


def presentation_css() -> str:
    """The ``<style>`` block injected in presentation mode."""
    return _CSS


def scaled_height(default: int, enabled: bool) -> int:
    """A chart height for normal or presentation mode."""
    if not enabled:
        return int(default)
    return max(int(round(default * CHART_SCALE)), MIN_CHART_HEIGHT)


def presentation_enabled() -> bool:
    """Whether this session is presenting (session toggle, else ``?present=1``)."""
    import streamlit as st

    return enabled_from(st.query_params, st.session_state)


def chart_height(default: int) -> int:
    """Height for a chart: ``default`` normally, taller when presenting."""
    return scaled_height(default, presentation_enabled())


def sized(fig: Any, default: int = DEFAULT_CHART_HEIGHT) -> Any:
    """A plotly figure at :func:`chart_height` of its own height (``default`` when unset).

    When presenting, its text is enlarged too: the page CSS cannot reach inside a chart.
    """
    enabled = presentation_enabled()
    fig.update_layout(height=scaled_height(int(fig.layout.height or default), enabled))
    if enabled:
        enlarge_text(fig)
    return fig


def enlarge_text(fig: Any, scale: float = TEXT_SCALE) -> Any:
    """Scale a plotly figure's base font and any fixed trace text sizes by ``scale``."""
    size = round((fig.layout.font.size or PLOTLY_FONT_SIZE) * scale)
    fig.update_layout(font_size=size, legend_font_size=size, title_font_size=round(size * 1.2))
    # Streamlit's chart theme sets axis and legend sizes itself, so the base font misses them
    fig.update_xaxes(tickfont_size=size, title_font_size=size)
    fig.update_yaxes(tickfont_size=size, title_font_size=size)
    for trace in fig.data:
        textfont = getattr(trace, "textfont", None)
        if textfont is not None and textfont.size:  # a fixed size ignores the base font
            textfont.size = round(textfont.size * scale)
    return fig


def base_css() -> str:
    """The ``<style>`` block on every page: readable captions, whole metrics, print layout."""
    return _BASE_CSS


def apply_presentation_mode(enabled: bool) -> None:
    """Inject the always-on CSS, and the presentation CSS when ``enabled``."""
    import streamlit as st

    st.markdown(base_css(), unsafe_allow_html=True)
    if not enabled:
        return
    st.markdown(presentation_css(), unsafe_allow_html=True)


def _sync_url() -> None:
    """Mirror the session's mode into ``?present=`` (only when it differs, to spare reruns)."""
    import streamlit as st

    if st.session_state.get(SESSION_KEY):
        if st.query_params.get_all(QUERY_PARAM) != ["1"]:
            st.query_params[QUERY_PARAM] = "1"
    elif QUERY_PARAM in st.query_params:
        del st.query_params[QUERY_PARAM]


def _exit() -> None:
    import streamlit as st

    st.session_state[SESSION_KEY] = False
    _sync_url()


def presentation_toggle(label: str = "Presentation mode") -> bool:
    """A toggle (render it in the sidebar) that starts from the URL and writes it back."""
    import streamlit as st

    if SESSION_KEY not in st.session_state:
        st.session_state[SESSION_KEY] = is_truthy(st.query_params.get(QUERY_PARAM))
    on = bool(
        st.toggle(
            label,
            key=SESSION_KEY,
            on_change=_sync_url,
            help="Hide the sidebar and menus and enlarge text and charts for a projector. "
            "Add ?present=1 to a link to open in this mode.",
        )
    )
    # every run, not only on change: a change of page clears the query string, and
    # ?present=1 has to come back like the filters do (ui.app._sync_url)
    _sync_url()
    return on


def presentation_mode(pages: Sequence[tuple[str, str, str]] = ()) -> bool:
    """Everything in one call: sidebar toggle, CSS, and page links plus an exit while presenting.

    ``pages`` are (script path, title, icon) for the strip of page links that stands in
    for the hidden sidebar, so a presenter can move between pages on the projector.
    Returns whether presentation mode is on, for callers that lay out differently.
    """
    import streamlit as st

    with st.sidebar:
        enabled = presentation_toggle()
    apply_presentation_mode(enabled)
    if enabled:
        # The sidebar (and its toggle) is hidden, so offer the pages and a way back on the page.
        # keyed, so the page CSS can let this strip wrap (.st-key-present_nav)
        with st.container(key="present_nav"):
            cols = st.columns([1] * len(pages) + [1], vertical_alignment="center")
            for col, (path, title, icon) in zip(cols, pages, strict=False):
                col.page_link(path, label=title, icon=icon)
            cols[-1].button(
                "Exit presentation", key="_exit_presentation", on_click=_exit, type="tertiary"
            )
    return enabled


# --- meeting packs on pages --------------------------------------------------------------


def governor_report_button(
    urn: int, round: str | None = None, key: str = "governor_pdf", name: str | None = None
) -> None:
    """A "Make governor report (PDF)" button for the school profile page.

    The first click builds the PDF (about half a second with the chart
    browser warm); the download button then hands it over. ``name`` (the
    school's) goes into the file name. Errors show as a one-line message,
    never a traceback.
    """
    import streamlit as st

    from packs.governor import ReportError, governor_report_pdf, report_filename
    from packs.render import RenderError
    from ui import auth, safe
    from ui.app import get_db

    if not auth.may("export"):
        return  # reports are exports: officers and admins only
    db = get_db()
    # one slot per key: a report is for this school, round and database file only
    ident = (int(urn), round, db.version)
    state_key = f"_{key}_made"
    if st.button("Make governor report (PDF)", key=f"{key}_make", icon=":material/description:"):
        auth.require("export")
        try:
            with st.spinner("Drawing the report…"):
                st.session_state[state_key] = (ident, governor_report_pdf(db, int(urn), round))
        except (ReportError, RenderError) as exc:
            safe.error(exc)
    made = st.session_state.get(state_key)
    if made and made[0] == ident:
        auth.download(
            "Download governor report",
            made[1],
            what=f"governor report for URN {int(urn)}",
            file_name=report_filename({"urn": urn, "name": name or f"school-{urn}"}, round),
            mime="application/pdf",
            key=f"{key}_download",
            icon=":material/download:",
        )
