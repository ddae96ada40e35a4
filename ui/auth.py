"""Who is using the app and what they may do (Streamlit glue).

Pages call :func:`current_user` for the name to record (casework, audit) and
:func:`require` before any action beyond reading; the check runs on the
server in the same script run as the action, so hiding a button is never the
only guard. Without sign-in configured the app runs for one local user on
127.0.0.1, who may do everything.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

ROLES: tuple[str, ...] = ("viewer", "officer", "admin")
# action -> the least role that may do it
ACTIONS: dict[str, str] = {
    "read": "viewer",
    "export": "officer",
    "upload": "officer",
    "casework": "officer",
    "admin": "admin",
}


@dataclass(frozen=True)
class User:
    """The person behind this session."""

    email: str
    name: str
    role: str

    def can(self, action: str) -> bool:
        """True when this user's role reaches ``action`` (unknown actions: never)."""
        least = ACTIONS.get(action)
        if least is None or self.role not in ROLES:
            return False
        return ROLES.index(self.role) >= ROLES.index(least)


LOCAL_USER = User(email="local user", name="Local user", role="admin")


def current_user() -> User:
    """The signed-in user, or the local user when sign-in is not configured."""
    return LOCAL_USER


def require(action: str) -> User:
    """The current user if they may do ``action``; otherwise say so on the page and stop."""
    user = current_user()
    if not user.can(action):
        st.error(f"Your role ({user.role}) does not allow this: {action}.")
        st.stop()
    return user
