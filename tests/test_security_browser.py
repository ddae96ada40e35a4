"""Server-side sessions, identity and uploads in Debian's chromium (marker: browser).

The dashboard runs through ``serve.py`` with sign-in against ``oidc-provider-mock``
on 127.0.0.1 (fixtures as in tests/test_auth_browser.py). These are the
browser halves of docs/SECURITY.md: a copied cookie stops working at sign-out,
sessions expire, an unverified e-mail gets no role, and uploads go only to
the officer's own session. Screenshots: test-artifacts/screenshots/security-*.png.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests.conftest import PROJECT_ROOT, streamlit_server, wait_ready
from tests.test_auth_browser import DATA, OFFICER, VIEWER, provider, sign_in, sign_out

__all__ = ["provider"]  # a fixture, used by name

pytestmark = pytest.mark.browser

SHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
ADMIN = "ada.admin@council.gov.uk"
SECRET = "s" * 48


@pytest.fixture(scope="module")
def site(provider: str, gold_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    folder = tmp_path_factory.mktemp("secure")
    db = folder / "county.duckdb"
    db.write_bytes(gold_db.read_bytes())
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{SECRET}"\n'
        'client_id = "esafety-dashboard"\n'
        'client_secret = "test-only"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    roles = folder / "roles.csv"
    roles.write_text(
        f"email,role\n{VIEWER},viewer\n{OFFICER},officer\n{ADMIN},admin\n", encoding="utf-8"
    )
    store = folder / "store.sqlite"
    env = {"ESAFETY_ROLES": str(roles), "ESAFETY_STORE": str(store)}
    with streamlit_server(
        db, script="serve.py", extra_args=["--secrets.files", str(secrets)], extra_env=env
    ) as url:
        yield {"url": url, "store": store, "provider": provider}


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1400}, accept_downloads=True)
    ctx.set_default_timeout(60_000)
    yield ctx
    ctx.close()


def _fresh(browser: Browser) -> BrowserContext:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1400})
    ctx.set_default_timeout(60_000)
    return ctx


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"security-{name}.png"))


def _signed_out_view(page: Page) -> None:
    page.get_by_role("button", name="Sign in").wait_for()
    assert page.locator(DATA).count() == 0
    assert page.get_by_text("Signed in as").count() == 0


def _download_url(page: Page, url: str) -> str:
    page.goto(f"{url}/returns_quality")
    wait_ready(page)
    with page.expect_download() as got:
        page.get_by_role("button", name="Chase list (CSV)").click()
    return got.value.url


def test_the_browser_holds_a_session_id_and_no_token(site: dict, context: BrowserContext) -> None:
    from streamlit.web.server.starlette.starlette_app_utils import decode_signed_value

    sign_in(context, site["url"], OFFICER)
    cookies = {c["name"]: c for c in context.cookies()}
    assert not any(n.startswith("_streamlit_user_tokens") for n in cookies)
    raw = decode_signed_value(
        SECRET, "_streamlit_user", cookies["_streamlit_user"]["value"].encode("latin-1")
    )
    payload = json.loads(raw)
    assert set(payload) == {"is_logged_in", "sid", "provider", "origin"}
    assert OFFICER not in raw.decode() and "token" not in raw.decode()
    assert cookies["_streamlit_user"]["httpOnly"]


def test_cookies_copied_before_sign_out_are_refused_after_it(
    site: dict, context: BrowserContext, browser: Browser
) -> None:
    url = site["url"]
    page = sign_in(context, url, OFFICER)
    media = _download_url(page, url)
    copied = context.cookies()

    thief = _fresh(browser)
    try:
        thief.add_cookies(copied)
        # before sign-out the copy works: that is what a stolen cookie is
        assert thief.request.get(media).status == 200
        other = thief.new_page()
        other.goto(f"{url}/flagged_schools")
        wait_ready(other)
        other.get_by_text(f"Signed in as {OFFICER} (officer)").wait_for()

        sign_out(page, url)

        for path in ("", "flagged_schools", "returns_quality", "school_profile?urn=900004"):
            other.goto(f"{url}/{path}")
            wait_ready(other)
            _signed_out_view(other)  # the websocket opened as no one
        _shot(other, "copied-cookie-after-sign-out")
        # refused by the guard ("Not found"), not by Streamlit ("File not found"): the
        # download file itself may be gone by now
        for response in (
            thief.request.get(media),
            thief.request.get(f"{url}/media/0123456789abcdef.csv"),
            thief.request.put(f"{url}/_stcore/upload_file/x/y"),
        ):
            assert (response.status, response.text()) == (404, "Not found")
    finally:
        thief.close()


def _age_sessions(store: Path, email: str, column: str, hours: float) -> None:
    moment = (datetime.now(UTC) - timedelta(hours=hours)).isoformat(timespec="seconds")
    con = sqlite3.connect(store)
    try:
        con.execute(
            f"UPDATE sessions SET {column} = ? WHERE email = ? AND ended_at IS NULL",
            [moment, email],
        )
        con.commit()
    finally:
        con.close()


@pytest.mark.parametrize(("column", "hours"), [("last_seen", 8.5), ("started_at", 12.5)])
def test_a_session_expires_after_the_idle_timeout_and_the_lifetime(
    site: dict, context: BrowserContext, column: str, hours: float
) -> None:
    page = sign_in(context, site["url"], VIEWER)
    page.get_by_text(f"Signed in as {VIEWER} (viewer)").wait_for()
    _age_sessions(site["store"], VIEWER, column, hours)
    page.reload()
    wait_ready(page)
    _signed_out_view(page)
    if column == "last_seen":
        _shot(page, "session-expired")


def test_an_unverified_email_never_gets_a_role(site: dict, context: BrowserContext) -> None:
    claims = json.dumps({"email": ADMIN, "email_verified": False}).encode()
    request = urllib.request.Request(
        f"{site['provider']}/users/mallory",
        data=claims,
        method="PUT",
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=10).close()
    page = sign_in(context, site["url"], "mallory")
    page.get_by_text("Your account has no access to this dashboard.").wait_for()
    page.get_by_text("has not verified your e-mail address").wait_for()
    assert page.locator(DATA).count() == 0
    _shot(page, "unverified-email")
    con = sqlite3.connect(site["store"])
    try:
        user, issuer, subject, details = con.execute(
            "SELECT user, issuer, subject, details FROM audit_log "
            "WHERE action = 'sign_in' AND subject = 'mallory'"
        ).fetchone()
    finally:
        con.close()
    assert (user, issuer, subject) == (ADMIN, site["provider"], "mallory")
    assert json.loads(details)["role"] == "none"


def _officer_upload_url(page: Page, url: str, tmp_path: Path) -> str:
    page.goto(f"{url}/returns_quality")
    wait_ready(page)
    puts: list[tuple[str, int]] = []
    page.on(
        "response",
        lambda r: puts.append((r.url, r.status)) if r.request.method == "PUT" else None,
    )
    sample = tmp_path / "return.xlsx"
    sample.write_bytes(b"PK\x03\x04 not really a workbook")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(sample))
    page.get_by_text("return.xlsx").first.wait_for()
    deadline = time.monotonic() + 30
    while not puts and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert puts and "/_stcore/upload_file/" in puts[0][0]
    assert puts[0][1] in (200, 204), "the officer's own browser uploads"
    return puts[0][0]


def test_a_viewers_upload_put_is_refused_and_no_one_replaces_anothers_file(
    site: dict, context: BrowserContext, browser: Browser, tmp_path: Path
) -> None:
    url = site["url"]
    officer = sign_in(context, url, OFFICER)
    target = _officer_upload_url(officer, url, tmp_path)
    files = {
        "file": {"name": "return.xlsx", "mimeType": "application/octet-stream", "buffer": b"x"}
    }
    for who in (VIEWER, ADMIN):  # a viewer may not upload; an admin may, but not into this one
        ctx = _fresh(browser)
        try:
            sign_in(ctx, url, who)
            response = ctx.request.put(target, multipart=files)
            # the guard's answer, before Streamlit's own checks
            assert (response.status, response.text()) == (404, "Not found"), who
        finally:
            ctx.close()


def test_uploads_and_sign_ins_are_refused_when_the_audit_cannot_be_written(
    site: dict, context: BrowserContext, browser: Browser, tmp_path: Path
) -> None:
    url = site["url"]
    officer = sign_in(context, url, OFFICER)
    _officer_upload_url(officer, url, tmp_path)
    before = _count(site["store"], "upload")
    with _store_locked(site["store"]):
        officer.get_by_role("button", name="Load these returns").click()
        officer.get_by_text("The upload was refused: the audit log cannot be written").wait_for(
            timeout=60_000
        )
        _shot(officer, "upload-refused-no-audit")
        ctx = _fresh(browser)
        try:
            page = ctx.new_page()
            page.goto(url)
            wait_ready(page)
            page.get_by_role("button", name="Sign in").click()
            page.locator('input[name="sub"]').fill(VIEWER)
            page.get_by_role("button", name="Authorize").click()
            page.get_by_text("Sign-in could not be recorded in the audit log").wait_for(
                timeout=60_000
            )
            assert not any(c["name"] == "_streamlit_user" for c in ctx.cookies())
        finally:
            ctx.close()
    assert _count(site["store"], "upload") == before


def _count(store: Path, action: str) -> int:
    con = sqlite3.connect(store)
    try:
        return con.execute("SELECT COUNT(*) FROM audit_log WHERE action = ?", [action]).fetchone()[
            0
        ]
    finally:
        con.close()


class _store_locked:
    """Another process's write lock on the store (what a long write elsewhere does)."""

    def __init__(self, store: Path) -> None:
        self.store = store
        self.ready, self.release = threading.Event(), threading.Event()

    def _hold(self) -> None:
        con = sqlite3.connect(self.store, isolation_level=None)
        con.execute("BEGIN IMMEDIATE")
        self.ready.set()
        self.release.wait(120)
        con.execute("ROLLBACK")
        con.close()

    def __enter__(self) -> None:
        self.thread = threading.Thread(target=self._hold, daemon=True)
        self.thread.start()
        self.ready.wait(10)

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.thread.join(10)


def test_the_anonymous_websocket_names_no_script_path_and_no_version(
    site: dict, context: BrowserContext
) -> None:
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    sessions: list = []

    def frames(ws) -> None:
        def got(payload: bytes | str) -> None:
            if isinstance(payload, bytes):
                msg = ForwardMsg()
                msg.ParseFromString(payload)
                if msg.WhichOneof("type") == "new_session":
                    sessions.append(msg.new_session)

        ws.on("framereceived", got)

    page = context.new_page()
    page.on("websocket", frames)
    page.goto(site["url"])
    wait_ready(page)
    page.get_by_role("button", name="Sign in").wait_for()
    assert sessions, "the sign-in page came over the websocket"
    for new in sessions:
        info = new.initialize.environment_info
        assert new.main_script_path == "" and "serve.py" not in str(new)
        assert (info.streamlit_version, info.python_version, info.server_os) == ("", "", "")
