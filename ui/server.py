"""The HTTP guard in front of the dashboard (ASGI middleware for ``serve.py``).

With sign-in configured (``[auth]`` in secrets.toml), every HTTP request and
websocket passes :class:`SignedInOnly`, which keeps sign-in on the server:

- At the end of sign-in (``/oauth2callback``) it opens a session row in the
  store (``lakehouse.sessions``; the ``sign_in`` audit row is in the same
  transaction: if the store cannot record it, the sign-in is refused with a
  message) and replaces Streamlit's cookies: the browser keeps only a signed
  random session id. The provider's ID and access tokens are never sent to
  the browser.
- On every request and websocket it looks the session up. An unknown, ended,
  idle or expired session is treated as no sign-in: its cookies are removed
  from the request before Streamlit sees them (so the websocket opens the
  sign-in page) and the browser is told to delete them.
- ``/auth/logout`` ends the session before Streamlit clears the cookies.
- Media (``/media/``) needs a live session with a role, and a download among
  them a role that may export. Uploads (``/_stcore/upload_file``) need a role
  that may upload, must be PUT from the signed-in session that owns the
  Streamlit session named in the URL, and stay within the per-session count
  and size of seed ``security_limits.csv``. ``/_stcore/metrics`` is closed.

Without sign-in it only adds the security headers (no framing, no MIME
sniffing, no caching of media). Streamlit's internals it relies on are
private names, so streamlit is pinned in requirements.txt and
tests/test_security.py fails if they move.

Importing this module also stops Streamlit from looking up the server's
external IP address on the internet (:func:`keep_off_the_network`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from http.cookies import SimpleCookie
from typing import Any

from lakehouse import roles, sessions, store

GUARD_ENV = "ESAFETY_HTTP_GUARD"
MEDIA = "/media/"
UPLOAD = "/_stcore/upload_file/"
CLOSED = ("/_stcore/metrics",)
PUBLIC = ("/static/", "/_stcore/health", "/_stcore/host-config", "/favicon")
# paths below the app root that hand out or take in data without a script run
GUARDED_PREFIXES = (MEDIA, UPLOAD.rstrip("/"), "/_stcore/agent")
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
)
_ROLE_ORDER = roles.ROLES
_log = logging.getLogger("esafety.server")

# Streamlit session id -> the stored key of the sign-in that opened it (set by ui.auth.gate)
_owners: dict[str, str] = {}
_owners_lock = threading.Lock()


def keep_off_the_network() -> None:
    """Stop Streamlit asking the internet for this machine's address.

    ``streamlit.net_util.get_external_ip`` GETs checkip.amazonaws.com the first
    time a websocket arrives with an Origin that is not the server's (and for
    the startup banner); ``get_internal_ip`` opens a UDP socket towards
    8.8.8.8. Both cache their answer in a module variable: setting the
    loopback address there first means neither ever runs. The address is
    only used to allow cross-origin requests from the machine itself, which
    127.0.0.1 already is.
    """
    from streamlit import net_util

    if net_util._external_ip is None:
        net_util._external_ip = "127.0.0.1"
    if net_util._internal_ip is None:
        net_util._internal_ip = "127.0.0.1"


keep_off_the_network()


def _sign_in_configured() -> bool:
    from streamlit.auth_util import get_secrets_auth_section

    try:
        return bool(get_secrets_auth_section())
    except Exception:
        return False


def _relative_path(path: str) -> str:
    from streamlit import config

    base = "/" + (config.get_option("server.baseUrlPath") or "").strip("/")
    if base != "/" and path.startswith(base):
        return path[len(base) :] or "/"
    return path


def _user_cookie_names() -> tuple[str, str]:
    from streamlit.web.server.starlette.starlette_server_config import (
        TOKENS_COOKIE_NAME,
        USER_COOKIE_NAME,
    )

    return USER_COOKIE_NAME, TOKENS_COOKIE_NAME


def _is_auth_cookie(name: str) -> bool:
    user, tokens = _user_cookie_names()
    return any(
        name == n or (name.startswith(n + "_") and name[len(n) + 1 :].isdigit())
        for n in (user, tokens)
    )


def session_id_from(cookies: dict[str, str]) -> str | None:
    """The session id in a validly signed user cookie, else None."""
    from streamlit.web.server.starlette.starlette_websocket import (
        _get_signed_cookie_with_chunks,
    )

    raw = _get_signed_cookie_with_chunks(cookies, _user_cookie_names()[0])
    if not raw:
        return None
    try:
        payload: dict[str, Any] = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    sid = payload.get("sid")
    return sid if payload.get("is_logged_in") and isinstance(sid, str) else None


def _lookup(session_id: str | None) -> tuple[sessions.Session | None, str]:
    """(live session, its role) for a cookie's session id; (None, 'none') otherwise."""
    if not session_id:
        return None, roles.NO_ACCESS
    con = store.connect()
    try:
        found = sessions.lookup(con, session_id)
        if found is None:
            _free_uploads(sessions.stored_key(session_id))
            return None, roles.NO_ACCESS
        return found, found.role(con)
    finally:
        con.close()


def _reaches(role: str, least: str) -> bool:
    return role in _ROLE_ORDER and _ROLE_ORDER.index(role) >= _ROLE_ORDER.index(least)


# --- uploads bound to their session -------------------------------------------------------


def bind_streamlit_session(streamlit_session: str, session_key: str) -> None:
    """Record which sign-in opened a Streamlit session (uploads to it need that sign-in)."""
    with _owners_lock:
        _owners[streamlit_session] = session_key


def _owner(streamlit_session: str) -> str | None:
    with _owners_lock:
        return _owners.get(streamlit_session)


def _uploaded_files():  # the runtime's in-memory upload store, or None outside a server
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return None
    return Runtime.instance().uploaded_file_mgr


def _free_uploads(session_key: str) -> None:
    """Drop the files waiting in every Streamlit session that sign-in opened."""
    with _owners_lock:
        mine = [s for s, k in _owners.items() if k == session_key]
        for s in mine:
            del _owners[s]
    manager = _uploaded_files()
    if manager is not None:
        for s in mine:
            manager.remove_session_files(s)


def end_session(session_id: str) -> None:
    """Sign out: end the session row (recording ``sign_out``) and free its uploads."""
    con = store.connect()
    try:
        sessions.sign_out(con, session_id)
    finally:
        con.close()
    _free_uploads(sessions.stored_key(session_id))


def _upload_refusal(
    path: str, method: str, headers: dict[str, str], found: sessions.Session | None, role: str
) -> int | None:
    """The HTTP status refusing an upload request, or None to let it through."""
    if found is None or not _reaches(role, "officer"):
        return 404
    parts = path[len(UPLOAD) :].split("/")
    if len(parts) != 2 or _owner(parts[0]) != found.key:
        return 404  # someone else's Streamlit session: as if it did not exist
    if method != "PUT":
        return None
    try:
        size = int(headers.get("content-length", ""))
    except ValueError:
        return 411
    manager = _uploaded_files()
    pending = getattr(manager, "file_storage", {}).get(parts[0], {}) if manager else {}
    limit = sessions.limits()
    others = [f for fid, f in pending.items() if fid != parts[1]]
    if len(others) + 1 > limit.upload_files or sum(len(f.data) for f in others) + size > (
        limit.upload_bytes
    ):
        return 413
    return None


# --- the middleware ---------------------------------------------------------------------


async def _respond(scope: dict, receive: Any, send: Any, status: int, text: str) -> None:
    from starlette.responses import PlainTextResponse

    response = PlainTextResponse(text, status_code=status)
    response.raw_headers.extend(SECURITY_HEADERS)
    await response(scope, receive, send)


def _cookies(scope: dict) -> dict[str, str]:
    from starlette.requests import HTTPConnection

    return dict(HTTPConnection(scope).cookies)


def _without_auth_cookies(scope: dict) -> dict:
    """The same request with Streamlit's auth cookies taken out of its Cookie header."""
    headers = []
    for name, value in scope["headers"]:
        if name == b"cookie":
            kept = [
                part
                for part in value.decode("latin-1").split(";")
                if part.strip() and not _is_auth_cookie(part.split("=", 1)[0].strip())
            ]
            if not kept:
                continue
            value = ";".join(kept).encode("latin-1")
        headers.append((name, value))
    return dict(scope, headers=headers)


def _cookie_deletions(names: list[str]) -> list[tuple[bytes, bytes]]:
    from starlette.responses import Response
    from streamlit.web.server.starlette.starlette_auth_routes import _get_cookie_path

    response = Response()
    for name in names:
        response.delete_cookie(name, path=_get_cookie_path())
    return [(k, v) for k, v in response.raw_headers if k == b"set-cookie"]


def _session_cookie(session_id: str, claims: dict[str, Any]) -> list[tuple[bytes, bytes]]:
    """The one cookie a signed-in browser keeps: signed, holding the session id and no token."""
    from starlette.responses import Response
    from streamlit.web.server.starlette.starlette_auth_routes import _set_single_cookie

    response = Response()
    value = {
        "is_logged_in": True,
        "sid": session_id,
        "provider": claims.get("provider"),
        "origin": claims.get("origin"),
    }
    _set_single_cookie(response, _user_cookie_names()[0], json.dumps(value))
    return [(k, v) for k, v in response.raw_headers if k == b"set-cookie"]


def _set_cookies(headers: list[tuple[bytes, bytes]]) -> dict[str, str]:
    jar: dict[str, str] = {}
    for name, value in headers:
        if name.lower() == b"set-cookie":
            parsed: SimpleCookie = SimpleCookie()
            parsed.load(value.decode("latin-1"))
            for key, morsel in parsed.items():
                if morsel.value and morsel["max-age"] not in ("0", 0):
                    jar[key] = morsel.value
    return jar


class SignedInOnly:
    """Server-side sessions, guarded media and uploads, and security headers."""

    def __init__(self, app: Any) -> None:
        self.app = app
        os.environ[GUARD_ENV] = "1"
        keep_off_the_network()
        try:  # an edit of the role list file since the last start goes on record
            con = store.connect()
            try:
                roles.check_list(con, "server start")
            finally:
                con.close()
        except Exception:
            _log.exception("could not check the role list file for changes")

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path = _relative_path(scope["path"])
        if scope["type"] == "http" and path.startswith(CLOSED):
            await _respond(scope, receive, send, 404, "Not found")
            return
        # the app's own scripts, styles and health answer everyone: no session to look up
        if not _sign_in_configured() or (scope["type"] == "http" and path.startswith(PUBLIC)):
            await self.app(scope, receive, _with_headers(send, path))
            return
        try:
            await self._guarded(scope, receive, send, path)
        except Exception:  # a guard that cannot decide refuses
            _log.exception("could not check the session")
            if scope["type"] == "http":
                await _respond(scope, receive, send, 503, "The dashboard cannot check sign-in.")
            else:
                await send({"type": "websocket.close", "code": 1011})

    async def _guarded(self, scope: dict, receive: Any, send: Any, path: str) -> None:
        if scope["type"] == "http" and path == "/oauth2callback":
            await self.app(scope, receive, _SignInRecorder(scope, receive, send).send)
            return
        cookies = _cookies(scope)
        session_id = session_id_from(cookies)
        if scope["type"] == "http" and path == "/auth/logout":
            # ended first; Streamlit still reads the cookie (which provider to sign out of)
            if session_id:
                await asyncio.to_thread(end_session, session_id)
            await self.app(scope, receive, _with_headers(send, path))
            return
        found, role = await asyncio.to_thread(_lookup, session_id)
        stale = [n for n in cookies if _is_auth_cookie(n)] if found is None else []
        if stale:  # Streamlit must not see a cookie whose session has ended
            scope = _without_auth_cookies(scope)
        if scope["type"] == "websocket":
            await self.app(scope, receive, send if found else _told_nothing(send))
            return
        if path.startswith(GUARDED_PREFIXES):
            status = None
            if path.startswith(UPLOAD):
                headers = {
                    k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]
                }
                status = _upload_refusal(path, scope["method"], headers, found, role)
            elif found is None or not _reaches(role, "viewer"):
                status = 404
            if status is not None:
                await _respond(
                    scope,
                    receive,
                    send,
                    status,
                    "Not found" if status == 404 else "Upload refused: over this session's limit",
                )
                return
        if path.startswith(MEDIA):
            send = _downloads_for_exporters(send, _reaches(role, "officer"))
        await self.app(scope, receive, _with_headers(send, path, _cookie_deletions(stale)))


def _told_nothing(send: Any) -> Any:
    """``send`` for a websocket with no sign-in: Streamlit's session message loses the
    script's path on the server and the Streamlit, Python and OS versions."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    async def wrapped(message: dict) -> None:
        data = message.get("bytes") if message.get("type") == "websocket.send" else None
        if data:
            msg = ForwardMsg()
            msg.ParseFromString(data)
            if msg.WhichOneof("type") == "new_session":
                msg.new_session.main_script_path = ""
                info = msg.new_session.initialize.environment_info
                info.streamlit_version = info.python_version = info.server_os = ""
                message = dict(message, bytes=msg.SerializeToString())
        await send(message)

    return wrapped


def _with_headers(send: Any, path: str, extra: list[tuple[bytes, bytes]] | None = None) -> Any:
    """``send`` adding the security headers (and no-store on media) to the response."""

    async def wrapped(message: dict) -> None:
        if message["type"] == "http.response.start":
            headers = [
                (k, v)
                for k, v in message.get("headers", [])
                if k.lower() not in {h for h, _ in SECURITY_HEADERS}
            ]
            headers += list(SECURITY_HEADERS) + list(extra or [])
            if path.startswith(MEDIA):
                headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                headers.append((b"cache-control", b"no-store"))
            message = dict(message, headers=headers)
        await send(message)

    return wrapped


def _downloads_for_exporters(send: Any, may_export: bool) -> Any:
    """A download (``Content-Disposition: attachment``) becomes a 404 for roles that may not
    export; images and other inline media pass."""
    state = {"refused": False}

    async def wrapped(message: dict) -> None:
        if message["type"] == "http.response.start" and not may_export:
            disposition = dict((k.lower(), v) for k, v in message.get("headers", [])).get(
                b"content-disposition", b""
            )
            if disposition.startswith(b"attachment"):
                state["refused"] = True
                await send(
                    {
                        "type": "http.response.start",
                        "status": 404,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8")],
                    }
                )
                await send({"type": "http.response.body", "body": b"Not found"})
                return
        if state["refused"]:
            return
        await send(message)

    return wrapped


class _SignInRecorder:
    """Wraps ``send`` for ``/oauth2callback``: Streamlit's cookies in, a session cookie out."""

    def __init__(self, scope: dict, receive: Any, send: Any) -> None:
        self.scope, self.receive, self._send = scope, receive, send
        self.replaced = False

    async def send(self, message: dict) -> None:
        if self.replaced:
            return
        if message["type"] != "http.response.start":
            await self._send(message)
            return
        headers = list(message.get("headers", []))
        user_cookie, tokens_cookie = _user_cookie_names()
        jar = _set_cookies(headers)
        if user_cookie not in jar:  # a failed or refused sign-in: pass Streamlit's answer on
            await _with_headers(self._send, "/")(message)
            return
        claims = self._claims(jar)
        kept = [
            (k, v)
            for k, v in headers
            if k.lower() != b"set-cookie"
            or not _is_auth_cookie(v.decode("latin-1").split("=", 1)[0].strip())
        ]
        try:
            session_id = await asyncio.to_thread(_open_session, claims)
        except Exception:
            _log.exception("could not record a sign-in; refused")
            self.replaced = True
            await _respond(
                self.scope,
                self.receive,
                self._send,
                503,
                "Sign-in could not be recorded in the audit log, so it was refused. "
                "Try again in a minute; if it keeps happening, tell your council's "
                "e-safety lead.",
            )
            return
        stale = [n for n in _cookies(self.scope) if _is_auth_cookie(n)] + [tokens_cookie]
        headers = (
            kept
            + _cookie_deletions(sorted(set(stale) - {user_cookie}))
            + _session_cookie(session_id, claims)
        )
        await _with_headers(self._send, "/")(dict(message, headers=headers))

    @staticmethod
    def _claims(jar: dict[str, str]) -> dict[str, Any]:
        from streamlit.web.server.starlette.starlette_websocket import (
            _get_signed_cookie_with_chunks,
        )

        raw = _get_signed_cookie_with_chunks(jar, _user_cookie_names()[0])
        return json.loads(raw.decode("utf-8")) if raw else {}


def _open_session(claims: dict[str, Any]) -> str:
    con = store.connect()
    try:
        session_id, _ = sessions.start(con, claims)
    finally:
        con.close()
    return session_id


def guard_installed() -> bool:
    """True when this process serves the app through ``serve.py`` (the guard is in front)."""
    return os.environ.get(GUARD_ENV) == "1"
