"""Streamlit glue shared by dashboard.py and the pages.

The cached read-only connection, cached query frames keyed on the database
file version, the sidebar filters (session state <-> URL query string), the
empty-database message. Presentation mode (``?present=1``) lives in
ui.projector alone. Business logic stays in lakehouse.reads and the
other ui modules.
"""

from __future__ import annotations

import inspect
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st

from lakehouse import explain, reads, standards
from lakehouse.db import ReadOnlyDatabase, Snapshot, db_path
from lakehouse.filters import QP_KEYS, Filters
from presentation import headers
from presentation.exports import csv_bytes
from presentation.formatting import MISSING, council_date
from presentation.standards import version_note
from ui import auth
from ui.safe import md

T = TypeVar("T")
_log = logging.getLogger("esafety.app")

K_ROUND, K_DISTRICTS, K_SETTINGS, K_FILTERING = (
    "f_round",
    "f_districts",
    "f_settings",
    "f_filtering",
)
_K_INITIALISED = "_filters_initialised"
_K_FILTERS = "filters"

# every command here answers --help (tests/test_suggested_commands.py runs each one)
LOAD_SAMPLE_COMMANDS = """make sample

# or, step by step:
.venv/bin/python -m samplecounty --out data/sample
.venv/bin/python -m ingest register data/sample/register.csv
.venv/bin/python -m ingest boundaries data/sample/districts.geojson
.venv/bin/python -m ingest returns data/sample/returns"""


# (file in pages/, title, icon). Each URL path is the file's stem, and the first page is
# the default, served at "/". Why the stems: on a fresh server Streamlit also
# auto-discovers pages/ until the first st.navigation call, and it runs a deep link
# to /county_map as the bare file; page_context then hands over to the app's own
# navigation (see _recover_bare_run). Any other URL would show "Page not found".
PAGE_SPECS: tuple[tuple[str, str, str], ...] = (
    # Material icons ship with Streamlit, so they draw offline and without emoji fonts
    ("pages/overview.py", "Overview", ":material/dashboard:"),
    ("pages/county_map.py", "County map", ":material/map:"),
    ("pages/setting_comparison.py", "Setting comparison", ":material/bar_chart:"),
    ("pages/standards.py", "DfE standards", ":material/verified_user:"),
    ("pages/flagged_schools.py", "Flagged schools", ":material/flag:"),
    ("pages/school_profile.py", "School profile", ":material/school:"),
    ("pages/returns_quality.py", "Returns and data quality", ":material/inbox:"),
    ("pages/packs.py", "Meeting packs", ":material/slideshow:"),
)
_run = threading.local()  # per script-runner thread: did dashboard.py run in this run?


def app_pages() -> list[Any]:
    """The st.Page list for st.navigation, the first one the default."""
    return [
        st.Page(path, title=title, url_path=Path(path).stem, icon=icon, default=(i == 0))
        for i, (path, title, icon) in enumerate(PAGE_SPECS)
    ]


def mark_entry() -> None:
    """dashboard.py ran in this script run, so the page runs inside the app's navigation."""
    _run.entry = True


def _recover_bare_run(script: str) -> None:
    """A page run without dashboard.py (Streamlit's pages/ auto-discovery on a fresh server).

    Register the app's own navigation, which ends the auto-discovery for the
    process, and switch to the same page through it so the sidebar shows the
    app's titles and filters.
    """
    pages = app_pages()
    target = next(
        (
            p
            for p, (path, *_rest) in zip(pages, PAGE_SPECS, strict=True)
            if Path(path).name == Path(script).name
        ),
        pages[0],
    )
    # keep a bookmarked filter set (?district=...) across the hand-over
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    st.navigation(pages, position="hidden")
    st.switch_page(target, query_params=params)


@dataclass(frozen=True)
class PageContext:
    """What a page needs: the filters (their round resolved), the choices and the build facts."""

    filters: Filters
    options: reads.base.FilterOptions
    info: dict[str, str]

    @property
    def round(self) -> str | None:
        return self.filters.round  # resolved by page_context

    @property
    def is_current_round(self) -> bool:
        return self.round == self.options.current_round


@st.cache_resource(show_spinner=False)
def _database(path: str) -> ReadOnlyDatabase:
    return ReadOnlyDatabase(path)


def get_db() -> ReadOnlyDatabase | Snapshot:
    """The database this script run reads: its snapshot, else the process-wide reader.

    Inside :func:`run_snapshot` (dashboard.py wraps every run in it) this is the
    one file version the run started with, so a swap mid-run never mixes two
    versions on a page nor closes the connection under it.
    """
    snap = getattr(_run, "snapshot", None)
    if snap is not None:
        return snap
    return _database(str(db_path()))


@contextmanager
def run_snapshot() -> Iterator[None]:
    """Hold one version of the database for the whole script run (none if there is no file)."""
    db = _database(str(db_path()))
    try:
        snap = db.acquire()
    except FileNotFoundError:
        snap = None
    except Exception:  # a corrupt file: pages say so through database_state
        _log.exception("could not open %s", db.path)
        snap = None
    _run.snapshot = snap
    try:
        yield
    finally:
        _run.snapshot = None
        if snap is not None:
            db.release(snap)


def bench_marker(stage: str) -> None:
    """For bench/concurrency.py (``$ESAFETY_BENCH_MARKERS``): the version this run reads.

    A hidden element with the run's file version and ``built_at`` read afresh
    through the run's database, at the start and at the end of the run: a page
    whose two markers differ mixed two versions.
    """
    if not os.environ.get("ESAFETY_BENCH_MARKERS"):
        return
    db = get_db()
    built, version = "", ""
    if isinstance(db, Snapshot):
        cur = db.cursor()
        try:
            row = cur.execute("SELECT value FROM gold.build_info WHERE key = 'built_at'").fetchone()
        finally:
            cur.close()
        built, version = (row[0] if row else ""), (db.version[0] if db.version else "")
    st.html(
        f'<div class="esafety-marker" data-stage="{stage}" data-version="{version}" '
        f'data-built="{built}" hidden></div>'
    )


@st.cache_data(show_spinner=False, max_entries=1024)
def _cached(
    name: str, path: str, version: tuple[int, int] | None, args: tuple[Any, ...], _snap: Snapshot
) -> Any:
    module, _, attr = name.rpartition(".")
    fn = getattr(_QUERY_MODULES[module], attr)
    cur = _snap.cursor()
    try:
        return fn(cur, *args)
    finally:
        cur.close()


# the modules whose functions frame() may run: gold queries only, cursor first
_QUERY_MODULES = {
    m.__name__: m
    for m in (
        reads.base,
        reads.grades,
        reads.schools,
        reads.returns,
        reads.triage,
        reads.casework,
        explain,
        standards,
    )
}


def frame(fn: Callable[..., T], *args: Any) -> T:
    """Run a ``lakehouse.reads``, ``explain`` or ``standards`` function, cached per file version."""
    module = _QUERY_MODULES.get(getattr(fn, "__module__", ""))
    if module is None or getattr(module, fn.__name__, None) is not fn:
        raise ValueError(f"{fn.__name__} is not a lakehouse.reads, explain or standards function")
    name = f"{module.__name__}.{fn.__name__}"
    db = get_db()
    if isinstance(db, Snapshot):
        return _cached(name, str(db.path), db.version, args, db)
    with db.snapshot() as snap:
        return _cached(name, str(snap.path), snap.version, args, snap)


def database_state() -> tuple[str, str | None]:
    """('ready', None), ('empty', None) or ('error', one-line reason)."""
    db = get_db()
    if not db.exists():
        return "empty", None
    try:
        if not frame(reads.base.has_data):
            return "empty", None
        why = frame(reads.base.outdated)
    except Exception as exc:  # a corrupt or foreign file: say so in one line, never a traceback
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return "error", f"Could not read {db.path}: {first}"
    if why:
        # built before the pages took their words from it: every page would fail on it
        return "error", f"{db.path}: {why}."
    return "ready", None


def show_empty_state(title: str) -> None:
    """The 'no data yet' page: what happened and the command that fixes it (admins only: a
    reader is told whom to ask, never where the files are)."""
    st.title(title)
    state, reason = database_state()
    if auth.current_user().role != "admin":
        # where the files live is for the people who look after them, not every reader
        if state == "error":
            st.error("The database cannot be read.")
        else:
            st.info("**No data yet.**", icon="ℹ️")
        st.markdown("Ask your council's e-safety lead (an admin of this dashboard).")
        return
    if state == "error":
        st.error(md(reason))  # names the database file
        st.markdown("Rebuild it from the returns, or point `ESAFETY_DB` at another database.")
        return
    st.info(f"**No data yet.** There is no loaded data in `{get_db().path}`.", icon="ℹ️")
    st.markdown("Load the bundled sample county from the project folder:")
    st.code(LOAD_SAMPLE_COMMANDS, language="bash")
    st.markdown(
        "Then refresh this page. Real returns load with `.venv/bin/python -m ingest returns PATH`."
    )


# --- sidebar filters -------------------------------------------------------------------


def _initialise_from_url(options: reads.base.FilterOptions) -> None:
    """First run of a session: take the filters from the query string (a bookmark)."""
    params = {k: st.query_params.get_all(k) for k in QP_KEYS}
    f = Filters.from_query_params(params).restricted_to(
        options.rounds, options.districts, options.settings
    )
    st.session_state[K_ROUND] = f.round or options.current_round
    st.session_state[K_DISTRICTS] = list(f.districts)
    st.session_state[K_SETTINGS] = list(f.settings)
    st.session_state[K_FILTERING] = f.filtering or ""
    st.session_state[_K_INITIALISED] = True


def _sync_url(f: Filters, options: reads.base.FilterOptions) -> None:
    """Mirror the filters into the query string, leaving other parameters (present=1) alone."""
    # the current round is the default, so it stays out of the URL unless chosen explicitly
    wanted = f.with_(round=None if f.round == options.current_round else f.round).to_query_params()
    for key in QP_KEYS:
        value = wanted.get(key)
        have = st.query_params.get_all(key)
        if value is None:
            if have:
                del st.query_params[key]
        elif (list(value) if isinstance(value, list) else [value]) != have:
            st.query_params[key] = value


def sidebar_filters() -> Filters | None:
    """Render the global filters once (in dashboard.py); None when there is no data."""
    if database_state()[0] != "ready":
        return None
    options = frame(reads.base.filter_options)
    if not st.session_state.get(_K_INITIALISED):
        _initialise_from_url(options)
    # an old value (a district gone after a reload of boundaries) would break the widget
    st.session_state[K_DISTRICTS] = [
        d for d in st.session_state.get(K_DISTRICTS, []) if d in options.districts
    ]
    st.session_state[K_SETTINGS] = [
        s for s in st.session_state.get(K_SETTINGS, []) if s in options.settings
    ]
    if st.session_state.get(K_ROUND) not in options.rounds:
        st.session_state[K_ROUND] = options.current_round

    with st.sidebar:
        st.header("Filters")
        st.selectbox(
            "Collection round",
            options.rounds,
            key=K_ROUND,
            format_func=lambda r: f"{r} (current)" if r == options.current_round else r,
        )
        # no "Select all" entry: it would be the first option, the one Enter takes
        st.multiselect(
            "Districts",
            options.districts,
            key=K_DISTRICTS,
            placeholder="All districts",
            select_all=False,
        )
        st.multiselect(
            "Settings",
            options.settings,
            key=K_SETTINGS,
            placeholder="All settings",
            select_all=False,
        )
        # the approaches as the database names them (gold), so the choice reads as its figures
        approaches = frame(reads.base.filtering_labels)
        any_approach = frame(reads.base.blank_labels)["any_filtering"]
        st.selectbox(
            "Filtering approach",
            ["", *approaches],
            key=K_FILTERING,
            format_func=lambda v: approaches.get(v, any_approach),
        )
        st.button(
            "Clear filters", on_click=clear_filters, args=(options.current_round,), width="stretch"
        )
    f = Filters(
        round=st.session_state[K_ROUND],
        districts=tuple(st.session_state[K_DISTRICTS]),
        settings=tuple(st.session_state[K_SETTINGS]),
        filtering=st.session_state[K_FILTERING] or None,
    )
    st.session_state[_K_FILTERS] = f
    _sync_url(f, options)
    return f


def clear_filters(current_round: str | None) -> None:
    """Callback: back to the whole county, current round."""
    st.session_state[K_ROUND] = current_round
    st.session_state[K_DISTRICTS] = []
    st.session_state[K_SETTINGS] = []
    st.session_state[K_FILTERING] = ""


def set_districts(districts: list[str]) -> None:
    """Set the global district filter (call from a widget callback, before the sidebar renders)."""
    st.session_state[K_DISTRICTS] = list(districts)


def page_context(title: str) -> PageContext:
    """Start a page: the filters, or the empty-database message and stop."""
    entered, _run.entry = getattr(_run, "entry", False), False
    if not entered:
        _recover_bare_run(inspect.stack()[1].filename)
    auth.require("read")  # dashboard.py's gate ran already; a page never relies on that alone
    if database_state()[0] != "ready" or _K_FILTERS not in st.session_state:
        show_empty_state(title)
        st.stop()
    options = frame(reads.base.filter_options)
    return PageContext(
        # "no round chosen" becomes the current round here, once; queries get a concrete round
        filters=reads.base.resolve_round(st.session_state[_K_FILTERS], options),
        options=options,
        info=frame(reads.base.build_info),
    )


def filter_summary(f: Filters) -> dict[str, str]:
    """:func:`presentation.headers.filter_summary` in the open database's words."""
    return headers.filter_summary(
        f, frame(reads.base.filtering_labels), frame(reads.base.blank_labels)["any_filtering"]
    )


def page_header(title: str, ctx: PageContext, note: str | None = None) -> None:
    """Title and one caption line saying what the page is showing."""
    st.title(title)
    f = filter_summary(ctx.filters)
    bits = [f"Round **{ctx.round}**" + ("" if ctx.is_current_round else " (not the current round)")]
    if ctx.info.get("as_of"):
        bits.append(f"as of {council_date(ctx.info['as_of'])}")  # 1 Dec 2026, as everywhere
    # district names come from the boundaries file and settings from the register: as typed
    bits += [md(f["Districts"]), md(f["Settings"])]
    if ctx.filters.filtering:
        bits.append(f"{md(f['Filtering approach'])} filtering")
    # a round holding both return versions says how many of each (RETURN-v2.md)
    versions = version_note(frame(standards.version_counts, ctx.filters))
    notes = [n for n in (versions, note) if n]
    st.caption(" · ".join(bits) + "".join(f"  \n{n}" for n in notes))


def numbers_expander(label: str, df: Any, file_name: str, key: str) -> None:
    """The numbers behind a chart: the table and a CSV download, folded away."""
    with st.expander(f"Numbers: {label}"):
        st.dataframe(df, hide_index=True, width="stretch", placeholder=MISSING)
        shown = st.session_state.get(_K_FILTERS)
        auth.download(
            "Download CSV",
            lambda: csv_bytes(df),  # built on click, not on every rerun
            file_name=file_name,
            mime="text/csv",
            key=f"csv_{key}",
            what=f"numbers: {label}",
            rows=len(df),
            filters=filter_summary(shown) if shown is not None else None,
        )
