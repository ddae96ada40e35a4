"""The HTTP guard in front of the dashboard (ASGI middleware for ``serve.py``).

Streamlit serves download files and other media at ``/media/<id>`` to any
request that names the id, with no session and no sign-in check: a download
URL from a signed-in officer's browser history or a proxy log would fetch the
file. With sign-in configured this middleware answers 404 to every request for
media or uploads that does not carry a valid signed-in cookie of someone with
a role. It reads Streamlit's own signed auth cookie with Streamlit's helpers
(private names, so streamlit is pinned in requirements.txt; a test fails if
they move).
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

from lakehouse import roles, store

GUARD_ENV = "ESAFETY_HTTP_GUARD"
# paths below the app root that hand out or take in data without a script run
GUARDED_PREFIXES = ("/media/", "/_stcore/upload_file", "/_stcore/agent")
_log = logging.getLogger("esafety.server")


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


def _user_with_a_role(cookies: dict[str, str]) -> str | None:
    """The e-mail in a valid signed-in cookie whose owner has a role, else None."""
    from streamlit.web.server.starlette.starlette_server_config import USER_COOKIE_NAME
    from streamlit.web.server.starlette.starlette_websocket import (
        _get_signed_cookie_with_chunks,
    )

    raw = _get_signed_cookie_with_chunks(cookies, USER_COOKIE_NAME)
    if not raw:
        return None
    try:
        payload: dict[str, Any] = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not payload.get("is_logged_in"):
        return None
    email = roles.normalise_email(
        str(payload.get("email") or payload.get("preferred_username") or payload.get("sub") or "")
    )
    con = store.connect()
    try:
        role = roles.role_of(email, con)
    finally:
        con.close()
    return email if role in roles.ROLES else None


class SignedInOnly:
    """404 for media, uploads and the agent API unless the request is signed in."""

    def __init__(self, app: Any) -> None:
        self.app = app
        os.environ[GUARD_ENV] = "1"

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        guarded = scope["type"] == "http" and _relative_path(scope["path"]).startswith(
            GUARDED_PREFIXES
        )
        if guarded and _sign_in_configured():
            from starlette.requests import Request
            from starlette.responses import PlainTextResponse

            try:
                allowed = _user_with_a_role(dict(Request(scope).cookies)) is not None
            except Exception:  # a guard that cannot decide refuses
                _log.exception("could not check the sign-in cookie")
                allowed = False
            if not allowed:
                await PlainTextResponse("Not found", status_code=404)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def guard_installed() -> bool:
    """True when this process serves the app through ``serve.py`` (the guard is in front)."""
    return os.environ.get(GUARD_ENV) == "1"
