"""Shared pytest fixtures: test databases and the browser launch settings.

Keep it tidy: one section per concern, each fixture with a docstring.
"""

from __future__ import annotations

import io
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from streamlit.testing.v1 import AppTest

    from lakehouse.db import ReadOnlyDatabase

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")


# --- test databases ------------------------------------------------------------------


@pytest.fixture(scope="session")
def gold_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DuckDB file holding the hand-made gold tables of tests/gold_fixture.py."""
    from tests.gold_fixture import build_gold_db

    # not "gold.duckdb": DuckDB names the catalog after the file, which would clash with schema gold
    return build_gold_db(tmp_path_factory.mktemp("gold") / "fixture.duckdb")


@pytest.fixture(scope="module")
def gold_reader(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ReadOnlyDatabase]:
    """The gold fixture behind a ReadOnlyDatabase, as the packs read it.

    Its own file per test module, not the session's ``gold_db``: DuckDB refuses
    to open one file with two configurations in a process, and other tests
    open ``gold_db`` their own way.
    """
    from lakehouse.db import ReadOnlyDatabase
    from tests.gold_fixture import build_gold_db

    folder = tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])
    database = ReadOnlyDatabase(build_gold_db(folder / "county.duckdb"))
    yield database
    database.close()


def _run_command(main: Callable[[list[str]], int], args: list[str]) -> None:
    """One command's ``main`` run in this process, as ``python -m`` would run it."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(args)
    if code != 0:
        raise RuntimeError(f"{' '.join(args)} exited {code}: {err.getvalue().strip()}")


def build_sample_db(folder: Path, schools: int = 60, as_of: date | None = None) -> Path:
    """A sample county database built by the real commands, run in this process.

    The same ``main`` functions as ``python -m samplecounty`` and ``python -m
    ingest`` (the CLI tests start them as processes); here they save four
    interpreter start-ups. ``as_of`` dates the final model build.
    """
    from ingest.cli import main as ingest_main
    from samplecounty.__main__ import main as sample_main

    db = folder / "sample.duckdb"
    sample = folder / "sample"
    _run_command(sample_main, ["--out", str(sample), "--schools", str(schools)])
    _run_command(ingest_main, ["register", str(sample / "register.csv"), "--db", str(db)])
    _run_command(ingest_main, ["boundaries", str(sample / "districts.geojson"), "--db", str(db)])
    _run_command(ingest_main, ["contacts", str(sample / "contacts.csv"), "--db", str(db)])
    returns = ["returns", str(sample / "returns"), "--db", str(db)]
    _run_command(ingest_main, returns + (["--as-of", as_of.isoformat()] if as_of else []))
    return db


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 60-school sample county from the samplecounty and ingest commands (read, never write)."""
    return build_sample_db(tmp_path_factory.mktemp("sample"))


# the bundled county's returns go to 2026-11-20; its deadline is 31 December
BUNDLED_AS_OF = date(2026, 12, 1)


@pytest.fixture(scope="session")
def bundled_county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 600-school county `make run` loads, built once, as of a month before the deadline."""
    return build_sample_db(tmp_path_factory.mktemp("bundled"), schools=600, as_of=BUNDLED_AS_OF)


@pytest.fixture(params=["gold_fixture", "sample_county"])
def any_db(request: pytest.FixtureRequest) -> Path:
    """Each test database in turn: the hand-made gold layer and the real sample county."""
    name = "gold_db" if request.param == "gold_fixture" else "sample_db"
    return request.getfixturevalue(name)


# --- AppTest ---------------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _scan_streamlit_components_once() -> Iterator[None]:
    """Streamlit's component scan runs once a session, not once per AppTest.

    Each new AppTest scans every installed distribution for Streamlit component
    manifests before its first run (about 0.08 s of CPU, a quarter of a page
    run, and the fast loop opens some 200 AppTests). Nothing is installed while
    the tests run, so the first scan's answer holds for the rest; a server
    started by the browser tests scans once at start-up as before.
    """
    import functools

    try:
        from streamlit.components.v2 import manifest_scanner
    except ImportError:  # a Streamlit without v2 components scans nothing
        yield
        return
    scan = manifest_scanner.scan_component_manifests
    manifest_scanner.scan_component_manifests = functools.cache(scan)
    yield
    manifest_scanner.scan_component_manifests = scan


DASHBOARD = PROJECT_ROOT / "dashboard.py"
DEFAULT_PAGE = "pages/overview.py"


def open_app(
    page: str | None = None,
    query: Mapping[str, str | list[str]] | None = None,
    timeout: float = 60,
) -> AppTest:
    """The dashboard through AppTest on ``ESAFETY_DB``, opened straight on ``page``.

    As a bookmarked link to a page opens: the page's file runs, hands over to the
    app's navigation (ui.app) and the page draws, with no run of the overview first.
    The overview is the default page, which the first run shows anyway (AppTest's
    switch_page to it would resolve to the bare pages/ file, not the app).
    """
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(DASHBOARD), default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if page and page != DEFAULT_PAGE:
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(scope="session")
def shown_page() -> Callable[[Path, str], AppTest]:
    """A page as first shown on a database, opened once a session for the tests that only look.

    Several tests read every page of each test database (no exception, no "None",
    the council's date format) without a click: one AppTest run serves them all.
    A test that clicks, types or sets other settings opens its own with ``open_app``.
    """
    shown: dict[tuple[Path, str], AppTest] = {}

    def show(db: Path, page: str) -> AppTest:
        if (db, page) not in shown:
            with pytest.MonkeyPatch.context() as env:
                env.setenv("ESAFETY_DB", str(db))
                shown[(db, page)] = open_app(page)
        return shown[(db, page)]

    return show


# --- browser (pytest-playwright with Debian's chromium) ----------------------------------


# The app's root element carries the script run's state (Streamlit's own end-to-end tests
# wait on it): "running" from the moment the server starts a run. The status widget shows
# only after half a second of running, so a wait on it alone missed a short run; it still
# counts (with it alone, axe never found a faded caption; with the state alone it did).
# Polled in the page, not by a round trip per look. Each wait starts its own quiet window
# (``token``): after a click the rerun may not have started yet, and an old window would
# let it through.
# A download button shows a spinner while the server makes its file (a deferred download):
# the page is not quiet until it is done (the click no longer reruns the page, see
# ui/auth.download), so a test's next step never starts while the file is being made.
_QUIET_RUN_STATE = """
({token, quietMs}) => {
  const PENDING_DOWNLOAD = '[data-testid="stDownloadButton"] [data-testid="stSpinnerIcon"]';
  const app = document.querySelector('[data-testid="stApp"]');
  const idle = app !== null
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && document.querySelector('[data-testid="stStatusWidget"]') === null
    && document.querySelector(PENDING_DOWNLOAD) === null;
  const now = performance.now();
  if (window.__waitReadyToken !== token || !idle) {
    window.__waitReadyToken = token;
    window.__waitReadyQuietSince = idle ? now : null;
    return false;
  }
  if (window.__waitReadyQuietSince === null) window.__waitReadyQuietSince = now;
  return now - window.__waitReadyQuietSince >= quietMs;
}
"""
_wait_tokens = itertools.count()


def wait_ready(page: Page, quiet_ms: int = 1000) -> None:
    """The app view is there, connected, and no script run has been going for ``quiet_ms``.

    The quiet second catches a rerun that a click asked for but the server has not started
    yet, and a page that hands over to another (each a run of its own).
    """
    from playwright.sync_api import Error as PlaywrightError

    for attempt in range(3):
        page.wait_for_selector('[data-testid="stAppViewContainer"]')
        arg = {"token": next(_wait_tokens), "quietMs": quiet_ms}
        try:
            page.wait_for_function(_QUIET_RUN_STATE, arg=arg, polling=50)
            return
        except PlaywrightError as exc:
            # a redirect still landing (sign-in) replaces the document being watched
            if "context was destroyed" not in str(exc) or attempt == 2:
                raise


def require_chromium() -> None:
    """Skip without chromium, except under CI where a missing browser is a failure."""
    if CHROMIUM.exists() or shutil.which("chromium"):
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is missing: install the Debian package 'chromium'")
    pytest.skip(f"{CHROMIUM} is not installed")


@pytest.fixture
def page(page: Page) -> Page:
    """Playwright's page, with a minute for each wait instead of its default 30 s.

    On the shared two-core machine a script run can outlast the default with nothing
    wrong in the app. A module sets the window size with pytest-playwright's own
    marker, ``pytest.mark.browser_context_args(viewport={"width": ..., "height": ...})``.
    """
    page.set_default_timeout(60_000)
    return page


# Root in a sandbox with no network: without the networking flags Chromium keeps
# trying (and failing) to reach Google's services. bench/pages.py uses these too.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Launch Debian's chromium (Playwright cannot download its own browser offline).

    Only browser tests get here, and ``pytest_runtest_setup`` has checked for chromium
    before their fixtures start.
    """
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url(pytestconfig: pytest.Config) -> str | None:
    """``--base-url`` or the ``base_url`` ini value, as pytest-playwright reads them.

    Overrides the plugin's fallback, a session fixture defined as a method on a
    plugin object, which pytest 9 warns is deprecated (PytestRemovedIn10Warning).
    """
    return pytestconfig.getoption("--base-url", None) or pytestconfig.getini("base_url") or None


# --- a live streamlit server (browser tests and bench/pages.py) ------------------------


def free_port() -> int:
    """A TCP port nobody is listening on right now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(
    db: Path,
    script: str = "dashboard.py",
    wait_seconds: float = 60.0,
    extra_args: Sequence[str] = (),
    extra_env: Mapping[str, str] | None = None,
) -> Iterator[str]:
    """`streamlit run` on a free port against ``db``; yields the base URL, stops it after.

    ``extra_args`` are more ``--option value`` pairs (the sign-in tests pass
    ``--secrets.files``); ``extra_env`` more environment variables.
    """
    port = free_port()
    env = dict(os.environ, ESAFETY_DB=str(db), **(extra_env or {}))
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            script,
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
            *extra_args,
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"streamlit did not start: {log.read().decode()[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def app_server(sample_db: Path) -> Iterator[str]:
    """One dashboard server on the sample county, shared by every browser test that only reads.

    Tests that need a fresh server (a first page load), a database they write
    to, or other settings start their own with ``streamlit_server``.
    """
    with streamlit_server(sample_db) as url:
        yield url


@pytest.fixture(scope="session")
def gold_server(gold_db: Path) -> Iterator[str]:
    """One dashboard server on the hand-made gold fixture, shared like ``app_server``."""
    with streamlit_server(gold_db) as url:
        yield url


@pytest.fixture(scope="module")
def county(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test module's own copy of the sample county, for browser tests that write.

    Casework is written to a store beside the database, so each module's records
    stay its own.
    """
    db = tmp_path_factory.mktemp("county") / "esafety.duckdb"
    shutil.copy(sample_db, db)
    return db


@pytest.fixture(scope="module")
def server(county: Path) -> Iterator[str]:
    """The test module's own dashboard server, on its own ``county``.

    For browser tests that write; those that only read use ``app_server``, and a
    module that needs other settings defines its own ``server``.
    """
    with streamlit_server(county) as url:
        yield url


# --- markers ---------------------------------------------------------------------------


BROWSER_RERUNS = 1


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that drives a Playwright page is a browser test, marked or not.

    ``make test-fast`` leaves browser tests out by their marker; this keeps a
    test that asks for ``page`` from slipping into the fast loop.
    """
    for item in items:
        # a parameter that happens to be called "page" (a page of the app) is no browser
        callspec = getattr(item, "callspec", None)
        params = set(callspec.params) if callspec is not None else set()
        fixtures = set(getattr(item, "fixturenames", ())) - params
        if {"page", "browser", "context"} & fixtures:
            item.add_marker(pytest.mark.browser)
        if item.get_closest_marker("browser") is not None:
            # A browser test waits on a real Chromium and a real server; on a loaded two-core
            # machine a wait can run out once with nothing wrong in the app. One rerun
            # (pytest-rerunfailures; the summary lists every rerun) tells that apart from a
            # failure, which fails twice.
            item.add_marker(pytest.mark.flaky(reruns=BROWSER_RERUNS, reruns_delay=2))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """The one chromium check of every browser test (marked by its module, by itself, or
    above for asking for a page), before any of its fixtures starts a database or a server:
    skipped without chromium, failed under CI."""
    if item.get_closest_marker("browser") is not None:
        require_chromium()
