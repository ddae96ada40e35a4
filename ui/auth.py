"""Who is using the app and what they may do (Streamlit glue).

Sign-in is Streamlit's own OIDC (``st.login``), on when ``.streamlit/secrets.toml``
has an ``[auth]`` section (docs/SIGN-IN.md). Roles come from
``lakehouse.roles`` (the council's list plus the admin page's rows).

With sign-in on, who someone is comes from the session row ``ui/server.py``
opened at sign-in (``lakehouse.sessions``): the browser's cookie holds only
the session id. The row is read again at every script run (at most every few
seconds), so a sign-out, a role change or an expired session ends access in
tabs already open too.

Pages call :func:`current_user` for the name to record (casework, audit) and
:func:`require` before any action beyond reading; the check runs on the
server in the same script run as the action, so hiding a button is never the
only guard. :func:`audit` records an event for the current user.

Without sign-in configured the app runs for one local user on 127.0.0.1, who
may do everything; ``dashboard.py`` refuses to serve on any other address.
For tests only, ``$ESAFETY_TEST_USER`` (an e-mail) stands in for a signed-in
user then, with that e-mail's role; it is ignored whenever sign-in is
configured.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from lakehouse import audit as audit_log
from lakehouse import roles as role_list
from lakehouse import sessions, store

ROLES: tuple[str, ...] = role_list.ROLES
# action -> the least role that may do it
ACTIONS: dict[str, str] = {
    "read": "viewer",
    "export": "officer",
    "upload": "officer",
    "casework": "officer",
    "admin": "admin",
}
LOCAL_ADDRESSES = frozenset({"127.0.0.1", "localhost", "::1"})
TEST_USER_ENV = "ESAFETY_TEST_USER"
_K_SIGNED_IN = "_auth_signed_in_recorded"
_K_USER = "_auth_user_checked"
# how long one check of the session row serves a script run's many questions
RECHECK_SECONDS = 2.0
_log = logging.getLogger("esafety.auth")


@dataclass(frozen=True)
class User:
    """The person behind this session."""

    email: str
    name: str
    role: str
    issuer: str = ""
    subject: str = ""
    session: str = ""  # the stored key of the sign-in session ('' without sign-in)
    why_none: str = ""  # why a signed-in account has no role, for the person

    def can(self, action: str) -> bool:
        """True when this user's role reaches ``action`` (unknown actions, no role: never)."""
        least = ACTIONS.get(action)
        if least is None or self.role not in ROLES:
            return False
        return ROLES.index(self.role) >= ROLES.index(least)


LOCAL_USER = User(email="local user", name="Local user", role="admin")
ANONYMOUS = User(email="", name="", role=role_list.NO_ACCESS)


def sign_in_configured() -> bool:
    """True when ``[auth]`` is in ``.streamlit/secrets.toml``."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _store():
    return store.connect()


def _role_for(email: str) -> str:
    con = _store()
    try:
        return role_list.role_of(email, con)
    finally:
        con.close()


def _claim(name: str) -> str:
    try:
        value = st.user.get(name)
    except Exception:
        return ""
    return str(value) if value else ""


def _session_user() -> User:
    """The user of this browser's live session row (ANONYMOUS when it has none)."""
    session_id = _claim("sid")
    if not session_id:
        return ANONYMOUS
    try:
        cached = st.session_state.get(_K_USER)
    except Exception:  # no script run (a download's click thread)
        cached = None
    if cached and cached[0] == session_id and time.monotonic() - cached[1] < RECHECK_SECONDS:
        return cached[2]
    con = _store()
    try:
        found = sessions.lookup(con, session_id)
        role = found.role(con) if found else role_list.NO_ACCESS
    finally:
        con.close()
    if found is None:
        user = ANONYMOUS
    else:
        email = found.email or found.subject
        user = User(email, email, role, found.issuer, found.subject, found.key, found.why_none)
    with contextlib.suppress(Exception):  # no script run: nothing to cache in
        st.session_state[_K_USER] = (session_id, time.monotonic(), user)
    return user


def current_user() -> User:
    """The signed-in user (role from the list), the local user, or ``ANONYMOUS``."""
    if sign_in_configured():
        try:
            signed_in = bool(st.user.is_logged_in)
        except Exception:
            signed_in = False
        return _session_user() if signed_in else ANONYMOUS
    test_email = os.environ.get(TEST_USER_ENV)
    if test_email:
        email = role_list.normalise_email(test_email)
        return User(email=email, name=email, role=_role_for(email))
    return LOCAL_USER


def audit(action: str, **details: Any) -> None:
    """Record ``action`` for the current user (never the exported data: names and counts only).

    For an action that has already happened: a failed record goes to the server
    log. An action that must not happen unrecorded calls :func:`audit_first`.
    """
    try:
        audit_first(action, **details)
    except Exception:
        _log.exception("could not record %s in the audit log", action)


def audit_first(action: str, **details: Any) -> None:
    """Record ``action`` for the current user or raise: call it before an upload loads, so no
    row means no upload (the caller says so on the page)."""
    user = current_user()
    audit_log.record(user.email, action, issuer=user.issuer, subject=user.subject, **details)


def audit_as(user: User, action: str, **details: Any) -> None:
    """:func:`audit` for a user found before the change: it makes no Streamlit call, so a
    second click, which stops the run at its next Streamlit call, cannot come between a
    saved change and its record."""
    try:
        audit_log.record(user.email, action, issuer=user.issuer, subject=user.subject, **details)
    except Exception:
        _log.exception("could not record %s in the audit log", action)


def require(action: str) -> User:
    """The current user if they may do ``action``; otherwise say so on the page and stop."""
    user = current_user()
    if not user.can(action):
        if user is not ANONYMOUS:
            audit("denied", wanted=action, role=user.role)
        st.error(f"Your role ({user.role}) does not allow this: {action}.")
        st.stop()
    return user


def may(action: str) -> bool:
    """Whether to show a control at all (the action itself still calls :func:`require`)."""
    return current_user().can(action)


def download(
    label: str,
    data: Callable[[], bytes] | bytes,
    *,
    file_name: str,
    mime: str,
    key: str,
    what: str,
    rows: int | None = None,
    filters: Mapping[str, str] | None = None,
    **button: Any,
) -> None:
    """A download button for roles that may export, recorded in the audit log on click.

    The bytes are made only when the button is clicked (a deferred download), so
    no file exists on the server for a session that did not ask for one. The
    click runs on another thread with no session, so the user is taken now and
    their role read again from the list at the click (a revoked role stops it).

    The click does not rerun the page (``on_click="ignore"``). Streamlit sends a
    deferred download's click as two messages, a rerun and a request for the file,
    and a rerun starting at the wrong moment loses the file: it either revokes
    the button's file id before the request is served ("Deferred file ... not
    found" in the server log) or clears the session's outgoing queue while the
    answer, the file's address, still waits in it. Either way the browser never
    downloads, and the spinner stays on the button for three minutes.
    """
    user = current_user()
    if not user.can("export"):
        st.caption(f"Downloads are for officers and admins (your role: {user.role}).")
        return
    where = store.store_path()

    def build() -> bytes:
        if user is not LOCAL_USER:
            con = store.connect(path=where)
            try:
                if user.session:  # signed in: the session must still be live
                    live = sessions.lookup_key(con, user.session)
                    role = live.role(con) if live else role_list.NO_ACCESS
                else:
                    role = role_list.role_of(user.email, con)
            finally:
                con.close()
            if not User(user.email, user.name, role).can("export"):
                audit_log.record(
                    user.email,
                    "denied",
                    path=where,
                    issuer=user.issuer,
                    subject=user.subject,
                    wanted="export",
                    file_name=file_name,
                )
                raise PermissionError(f"{user.email} may not export")
        payload = data() if callable(data) else data
        audit_log.record(
            user.email,
            "export",
            path=where,
            issuer=user.issuer,
            subject=user.subject,
            what=what,
            file_name=file_name,
            rows=rows,
            filters=dict(filters or {}),
            bytes=len(payload),
        )
        return payload

    st.download_button(
        label, build, file_name=file_name, mime=mime, key=key, on_click="ignore", **button
    )


# --- the gate dashboard.py runs before anything else ---------------------------------------


def bound_locally() -> bool:
    """True when the server listens on a loopback address only."""
    address = (st.get_option("server.address") or "").strip().strip("[]")
    return address in LOCAL_ADDRESSES


def _sign_in_page() -> None:
    st.title("School e-safety oversight")
    st.write(
        "This dashboard holds OFFICIAL-SENSITIVE information. Sign in with your council account."
    )
    if st.button("Sign in", type="primary", icon=":material/login:"):
        st.login()


def _sign_out() -> None:
    session_id = _claim("sid")
    if session_id:
        from ui.server import end_session

        # ended here at once, not only when the browser reaches /auth/logout
        end_session(session_id)
    st.logout()


def gate() -> User:
    """Stop the run unless this session may read: not signed in, no role, or a public bind.

    Runs before st.navigation, so no page, chart, table, download or upload
    exists for a session that fails it (and no media file is ever made for it).
    """
    if not sign_in_configured():
        if not bound_locally():
            address = st.get_option("server.address") or "every interface"
            st.error(
                f"Refusing to serve on {address}: sign-in is not configured, so this dashboard "
                "may only listen on 127.0.0.1. Configure sign-in (docs/SIGN-IN.md) or start it "
                "with --server.address 127.0.0.1."
            )
            st.stop()
        user = current_user()
        if user is LOCAL_USER:
            st.sidebar.caption(
                "Running for one local user on this computer (sign-in is not configured)."
            )
            return user
    else:
        from ui.server import guard_installed

        if not guard_installed():
            st.error(
                "Sign-in is configured, so start the dashboard with `streamlit run serve.py` "
                "(or `make run`): served directly, its download links would not check sign-in."
            )
            st.stop()
        user = current_user()
    if user is ANONYMOUS:
        st.navigation(
            [st.Page(_sign_in_page, title="Sign in", default=True)], position="hidden"
        ).run()
        st.stop()
    if not user.can("read"):
        if not st.session_state.get(_K_SIGNED_IN):
            st.session_state[_K_SIGNED_IN] = True
            audit("denied", wanted="read", role=user.role)

        def no_access() -> None:
            st.title("School e-safety oversight")
            st.error("Your account has no access to this dashboard.")
            st.text(f"Signed in as {user.email}.")
            if user.why_none:
                st.text(f"No role can be given: {user.why_none}.")
            st.write(
                "Ask your council's e-safety lead (an admin of this dashboard) to give you a role."
            )
            if sign_in_configured() and st.button("Sign out"):
                _sign_out()

        # its own one-page navigation: not even the app's page names are listed
        st.navigation(
            [st.Page(no_access, title="No access", default=True)], position="hidden"
        ).run()
        st.stop()
    if user.session:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        from ui.server import bind_streamlit_session

        ctx = get_script_run_ctx()
        if ctx is not None:  # uploads into this Streamlit session need this sign-in
            bind_streamlit_session(ctx.session_id, user.session)
    elif not st.session_state.get(_K_SIGNED_IN):
        # with sign-in on, ui/server.py records sign_in once per real sign-in
        st.session_state[_K_SIGNED_IN] = True
        audit("sign_in", role=user.role)
    with st.sidebar:
        # st.text, not a caption: an address is the provider's text, never Markdown
        st.text(f"Signed in as {user.email} ({user.role})")
        if sign_in_configured() and st.button("Sign out", icon=":material/logout:"):
            _sign_out()
    return user
