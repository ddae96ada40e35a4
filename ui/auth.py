"""Who is using the app and what they may do (Streamlit glue).

Sign-in is Streamlit's own OIDC (``st.login``), on when ``.streamlit/secrets.toml``
has an ``[auth]`` section (docs/SIGN-IN.md). Roles come from
``lakehouse.roles`` (the council's list plus the admin page's rows).

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

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from lakehouse import audit as audit_log
from lakehouse import roles as role_list
from lakehouse import store

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
_log = logging.getLogger("esafety.auth")


@dataclass(frozen=True)
class User:
    """The person behind this session."""

    email: str
    name: str
    role: str

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


def current_user() -> User:
    """The signed-in user (role from the list), the local user, or ``ANONYMOUS``."""
    if sign_in_configured():
        try:
            signed_in = bool(st.user.is_logged_in)
        except Exception:
            signed_in = False
        if not signed_in:
            return ANONYMOUS
        # Entra ID puts the address in preferred_username when the mailbox claim is absent
        email = role_list.normalise_email(
            _claim("email") or _claim("preferred_username") or _claim("sub")
        )
        return User(email=email, name=_claim("name") or email, role=_role_for(email))
    test_email = os.environ.get(TEST_USER_ENV)
    if test_email:
        email = role_list.normalise_email(test_email)
        return User(email=email, name=email, role=_role_for(email))
    return LOCAL_USER


def audit(action: str, **details: Any) -> None:
    """Record ``action`` for the current user (never the exported data: names and counts only)."""
    try:
        audit_log.record(current_user().email, action, **details)
    except Exception:  # the action happened; a failed record must show up in the server log
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
                role = role_list.role_of(user.email, con)
            finally:
                con.close()
            if not User(user.email, user.name, role).can("export"):
                audit_log.record(
                    user.email, "denied", path=where, wanted="export", file_name=file_name
                )
                raise PermissionError(f"{user.email} may not export")
        payload = data() if callable(data) else data
        audit_log.record(
            user.email,
            "export",
            path=where,
            what=what,
            file_name=file_name,
            rows=rows,
            filters=dict(filters or {}),
            bytes=len(payload),
        )
        return payload

    st.download_button(label, build, file_name=file_name, mime=mime, key=key, **button)


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
    audit("sign_out")
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
    if not st.session_state.get(_K_SIGNED_IN):
        st.session_state[_K_SIGNED_IN] = True
        audit("sign_in", role=user.role)
    with st.sidebar:
        # st.text, not a caption: an address is the provider's text, never Markdown
        st.text(f"Signed in as {user.email} ({user.role})")
        if sign_in_configured() and st.button("Sign out", icon=":material/logout:"):
            _sign_out()
    return user
