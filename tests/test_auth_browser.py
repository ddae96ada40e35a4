"""Sign-in in Debian's chromium against a real local OIDC provider (marker: browser).

``oidc-provider-mock`` serves an OpenID Connect provider on 127.0.0.1; the
dashboard runs through ``serve.py`` with an ``[auth]`` section pointing at it
(``--secrets.files``, so the project's own .streamlit/ is never touched). On
the mock's authorize page the e-mail typed as ``sub`` becomes ``st.user.email``.
Screenshots go to test-artifacts/screenshots/sign-in-*.png.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests.conftest import PROJECT_ROOT, free_port, streamlit_server, wait_ready

pytestmark = pytest.mark.browser

SHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
VIEWER = "vera.viewer@council.gov.uk"
OFFICER = "olly.officer@council.gov.uk"
STRANGER = "someone@elsewhere.org"
DATA = '[data-testid="stDataFrame"], [data-testid="stMetric"], .js-plotly-plot'


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A local OIDC provider; yields its issuer URL."""
    port = free_port()
    log = (tmp_path_factory.mktemp("oidc") / "mock.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    issuer = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=1)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("oidc-provider-mock did not start") from None
                time.sleep(0.1)
        yield issuer
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def site(provider: str, gold_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The dashboard with sign-in on a copy of the gold fixture; its URL and its store."""
    folder = tmp_path_factory.mktemp("signed")
    db = folder / "county.duckdb"
    db.write_bytes(gold_db.read_bytes())  # uploads write: never the shared fixture
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{"s" * 48}"\n'
        'client_id = "esafety-dashboard"\n'
        'client_secret = "test-only"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    roles = folder / "roles.csv"
    roles.write_text(f"email,role\n{VIEWER},viewer\n{OFFICER},officer\n", encoding="utf-8")
    store = folder / "store.sqlite"
    env = {"ESAFETY_ROLES": str(roles), "ESAFETY_STORE": str(store)}
    with streamlit_server(
        db, script="serve.py", extra_args=["--secrets.files", str(secrets)], extra_env=env
    ) as url:
        yield {"url": url, "store": store}


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1400}, accept_downloads=True)
    ctx.set_default_timeout(60_000)
    yield ctx
    ctx.close()


def sign_in(context: BrowserContext, url: str, email: str) -> Page:
    page = context.new_page()
    page.goto(url)
    wait_ready(page)
    page.get_by_role("button", name="Sign in").click()
    page.locator('input[name="sub"]').fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**")
    wait_ready(page)
    return page


def sign_out(page: Page, url: str) -> None:
    """Sign out; the provider's end-session page (the mock asks for a click) sends us back."""
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/end_session**")
    assert "_streamlit_user" not in {c["name"] for c in page.context.cookies()}
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{url}/**")
    wait_ready(page)


def events(store: Path, action: str) -> list[tuple[str, str]]:
    con = sqlite3.connect(store)
    try:
        return con.execute(
            "SELECT user, details FROM audit_log WHERE action = ? ORDER BY id", [action]
        ).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize(
    "path",
    ["", "flagged_schools", "county_map", "school_profile?urn=900004", "returns_quality", "admin"],
)
def test_without_signing_in_no_page_shows_data(
    site: dict, context: BrowserContext, path: str
) -> None:
    page = context.new_page()
    page.goto(f"{site['url']}/{path}")
    wait_ready(page)
    page.get_by_role("button", name="Sign in").wait_for()
    assert page.locator(DATA).count() == 0
    assert (
        page.locator('[data-testid="stDownloadButton"], [data-testid="stFileUploader"]').count()
        == 0
    )
    for text in ("Damson", "Flagged", "Filters"):
        assert page.get_by_text(text).count() == 0, text
    if not path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "sign-in-required.png"))


def test_a_download_url_answers_only_the_signed_in_browser(
    site: dict, context: BrowserContext, browser: Browser
) -> None:
    page = sign_in(context, site["url"], OFFICER)
    page.goto(f"{site['url']}/returns_quality")
    wait_ready(page)
    with page.expect_download() as got:
        page.get_by_role("button", name="Chase list (CSV)").click()
    download = got.value
    assert "/media/" in download.url
    assert context.request.get(download.url).status == 200
    stranger = browser.new_context()
    try:
        response = stranger.request.get(download.url)
        assert response.status == 404 and b"Chase" not in response.body()
        # nor does any other media or upload path answer without a session
        assert stranger.request.get(f"{site['url']}/media/0123456789abcdef.csv").status == 404
        assert stranger.request.put(f"{site['url']}/_stcore/upload_file/x/y").status == 404
    finally:
        stranger.close()


def test_a_viewer_reads_but_cannot_export_or_upload(site: dict, context: BrowserContext) -> None:
    page = sign_in(context, site["url"], VIEWER)
    page.get_by_text(f"Signed in as {VIEWER} (viewer)").wait_for()
    assert page.locator('[data-testid="stMetric"]').count() > 0, "a viewer reads the overview"
    page.goto(f"{site['url']}/returns_quality")
    wait_ready(page)
    page.get_by_text("Uploading returns is for officers and admins (your role: viewer)").wait_for()
    assert page.locator('[data-testid="stFileUploader"]').count() == 0
    assert page.locator('[data-testid="stDownloadButton"]').count() == 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "sign-in-viewer-returns.png"))


def test_an_officer_exports_and_uploads_and_the_audit_log_records_both(
    site: dict, context: BrowserContext, tmp_path: Path
) -> None:
    page = sign_in(context, site["url"], OFFICER)
    page.goto(f"{site['url']}/returns_quality")
    wait_ready(page)
    with page.expect_download() as got:
        page.get_by_role("button", name="Chase list (CSV)").click()
    assert Path(got.value.path()).read_bytes().startswith(b"\xef\xbb\xbfURN,School")
    bad = tmp_path / "scanned-return.xlsx"
    bad.write_bytes(b"%PDF-1.4 a scan, not a workbook")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(bad))
    page.get_by_role("button", name="Load these returns").click()
    wait_ready(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    # (the gold fixture has no bronze layer, so the rebuild after the upload leaves the
    # page empty: the outcome is read from the audit log, which is the point here)
    deadline = time.monotonic() + 60
    while not events(site["store"], "upload") and time.monotonic() < deadline:
        time.sleep(0.5)

    exports = [d for u, d in events(site["store"], "export") if u == OFFICER]
    assert any('"what": "chase list"' in d and '"rows":' in d for d in exports)
    assert all("School" not in d for d in exports), "never the exported data itself"
    uploads = [d for u, d in events(site["store"], "upload") if u == OFFICER]
    assert uploads and '"name": "scanned-return.xlsx"' in uploads[-1]
    assert '"sha256": "' in uploads[-1] and '"rejected": 1' in uploads[-1]


def test_a_stranger_signed_in_sees_no_data_and_can_sign_out(
    site: dict, context: BrowserContext
) -> None:
    page = sign_in(context, site["url"], STRANGER)
    page.get_by_text("Your account has no access to this dashboard.").wait_for()
    assert page.locator(DATA).count() == 0
    sign_out(page, site["url"])
    page.get_by_role("button", name="Sign in").wait_for()


def test_sign_out_ends_the_session(site: dict, context: BrowserContext) -> None:
    page = sign_in(context, site["url"], VIEWER)
    sign_out(page, site["url"])
    page.get_by_role("button", name="Sign in").wait_for()
    page.goto(f"{site['url']}/flagged_schools")
    wait_ready(page)
    page.get_by_role("button", name="Sign in").wait_for()
    assert page.locator(DATA).count() == 0
    assert (VIEWER, "{}") in events(site["store"], "sign_out")


def test_the_download_guard_uses_streamlits_cookie_helpers() -> None:
    """ui.server reads Streamlit's private cookie helpers: fail loudly if they move."""
    from streamlit.web.server.starlette.starlette_server_config import USER_COOKIE_NAME
    from streamlit.web.server.starlette.starlette_websocket import (
        _get_signed_cookie_with_chunks,
    )

    assert USER_COOKIE_NAME == "_streamlit_user" and callable(_get_signed_cookie_with_chunks)
