"""Nothing leaves the machine: the served dashboard makes no connection beyond loopback.

The server runs with a ``sitecustomize`` that wraps ``socket.connect``,
``connect_ex`` and ``getaddrinfo`` in every Python process it starts (the
upload loader's child included) and writes each non-loopback address or
name to a file. Then a websocket handshake with a foreign ``Origin`` (which
made Streamlit GET checkip.amazonaws.com before ui/server.py stopped it),
every page and every download on it run in Debian's chromium. The file must
stay empty. Chromium's own traffic (kaleido's chart renderer) is outside
Python and is not seen here; it runs with networking off (FIELD-NOTES).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.conftest import PROJECT_ROOT, streamlit_server, wait_ready

pytestmark = pytest.mark.browser

RECORDER = """
import ipaddress
import os
import re
import socket

_LOG = os.environ.get("ESAFETY_OUTBOUND_LOG")


def _local(host):
    if host in ("localhost", "", None):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _note(kind, host, port):
    if not _local(host):
        with open(_LOG, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()} {kind} {host} {port}\\n")


if _LOG:
    _connect, _connect_ex, _getaddrinfo = (
        socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo
    )

    def connect(self, address):
        if isinstance(address, tuple):
            _note("connect", address[0], address[1])
        return _connect(self, address)

    def connect_ex(self, address):
        if isinstance(address, tuple):
            _note("connect", address[0], address[1])
        return _connect_ex(self, address)

    def getaddrinfo(host, port, *args, **kwargs):
        _note("lookup", host, port)
        return _getaddrinfo(host, port, *args, **kwargs)

    socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
    socket.getaddrinfo = getaddrinfo
"""

PAGES = (
    "",
    "county_map",
    "setting_comparison",
    "flagged_schools",
    "school_profile?urn=900004",
    "returns_quality",
    "packs",
    "admin",
)


@pytest.fixture(scope="module")
def recorder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("recorder")
    (folder / "sitecustomize.py").write_text(RECORDER, encoding="utf-8")
    return folder, folder / "outbound.log"


def _recorded_env(recorder: tuple[Path, Path]) -> dict[str, str]:
    folder, log = recorder
    path = os.pathsep.join(p for p in (str(folder), os.environ.get("PYTHONPATH", "")) if p)
    return {"PYTHONPATH": path, "ESAFETY_OUTBOUND_LOG": str(log)}


def test_the_recorder_sees_the_lookup_streamlit_would_make(recorder) -> None:
    """Without ui.server, Streamlit's external-IP lookup shows up in the log: the probe works."""
    _, log = recorder
    subprocess.run(
        [sys.executable, "-c", "from streamlit import net_util; net_util.get_external_ip()"],
        env={**os.environ, **_recorded_env(recorder)},
        cwd=PROJECT_ROOT,
        timeout=60,
        check=True,
    )
    assert "checkip.amazonaws.com" in log.read_text(encoding="utf-8")
    log.unlink()


@pytest.fixture(scope="module")
def site(recorder, gold_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("offline")
    db = folder / "county.duckdb"
    db.write_bytes(gold_db.read_bytes())
    env = {**_recorded_env(recorder), "ESAFETY_STORE": str(folder / "store.sqlite")}
    with streamlit_server(
        db, script="serve.py", extra_args=["--server.address", "127.0.0.1"], extra_env=env
    ) as url:
        yield url


def _foreign_origin_handshake(url: str) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(
            (
                "GET /_stcore/stream HTTP/1.1\r\n"
                f"Host: {host}:{port}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                "Origin: https://elsewhere.example\r\n\r\n"
            ).encode()
        )
        return s.recv(4096)


def _download_everything(page: Page) -> int:
    for summary in page.locator('[data-testid="stExpander"] summary').all():
        summary.click()
    wait_ready(page)
    buttons = page.locator('[data-testid="stDownloadButton"] button')
    clicked = 0
    for i in range(buttons.count()):
        button = buttons.nth(i)
        if not button.is_visible() or button.is_disabled():
            continue  # in a tab not shown, or waiting for a choice
        try:
            with page.expect_download(timeout=60_000):
                button.click()
        except PlaywrightTimeout:  # a click lost while the machine is busy: once more
            wait_ready(page)
            with page.expect_download(timeout=120_000):
                button.click()
        wait_ready(page)  # the click reruns the page: the next button must be the new one
        clicked += 1
    return clicked


def test_no_connection_leaves_the_machine_on_a_foreign_origin_every_page_and_export(
    site: str, recorder, browser: Browser
) -> None:
    _, log = recorder
    answer = _foreign_origin_handshake(site)
    assert not answer.startswith(b"HTTP/1.1 101"), "a foreign Origin must not open a websocket"
    context = browser.new_context(viewport={"width": 1400, "height": 1400}, accept_downloads=True)
    context.set_default_timeout(120_000)
    downloads = 0
    try:
        page = context.new_page()
        for path in PAGES:
            page.goto(f"{site}/{path}")
            wait_ready(page)
            assert page.locator('[data-testid="stException"]').count() == 0, path
            downloads += _download_everything(page)
            if path == "packs":  # the packs are made on request, then offered for download
                makers = page.get_by_role("button", name=re.compile(r"^Make "))
                for name in [makers.nth(i).inner_text() for i in range(makers.count())]:
                    page.get_by_role("button", name=name).click()
                    wait_ready(page)
                downloads += _download_everything(page)
    finally:
        context.close()
    _foreign_origin_handshake(site)
    assert downloads >= 3, "the pages offer their exports"
    outbound = log.read_text(encoding="utf-8") if log.exists() else ""
    assert outbound == "", f"connections beyond loopback:\n{outbound}"
