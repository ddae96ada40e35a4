"""Forms that save once, however often the button is clicked.

A double-click on a Streamlit form's submit button sends two submissions. With
``clear_on_submit`` the browser empties the fields after the first, so the
second carried empty values: a second, empty record (*Save support record*),
or, when the second interrupted the first run before it saved, nothing saved
and "A reason is needed" (*Save caseload change*).

Here a form is drawn in *generations*. Every widget key and the submit button
carry the generation (the first one bare, so keys stay readable), which is the
submission's one-time token. The browser keeps what was typed until the save
succeeds (no ``clear_on_submit``); then :meth:`OnceForm.saved` marks the token
used and moves to the next generation, whose widgets are new and empty. So:

- a repeat that arrives before the first run saved replaces that run with the
  same values and saves once;
- a repeat that arrives after the save names the old generation's button,
  which no longer exists: Streamlit ignores it, and the page shows the saved
  message;
- a click that lands on the *next* generation's button (a slow double-click, or a
  second click because the officer was not sure) would save that form's defaults: a
  second, empty record of the same day. So a submission of a form left exactly as it
  was drawn, while the last save's confirmation still shows
  (:data:`CONFIRMATION_SECONDS`), is taken for the same click again: nothing is saved
  and the page says "Already saved". A form the officer has filled in saves as usual.

While the page runs, form submit buttons take no click at all (the CSS in
``ui/projector.py``), so most repeats never leave the browser.

A repeat that reaches the server while the first run is still going stops that run at
its next Streamlit call (reading or writing ``st.session_state`` included). So nothing
between the write and the end of :meth:`OnceForm.saved` calls Streamlit: the spent token
and the confirmation to show go into dicts taken from the session before the save.
Before, the confirmation was written after the save with ``st.session_state[...] = ...``,
where a double-click's second submission stopped the run: the record was saved and the
page never said so.
"""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

ALREADY_SAVED = "Already saved: a repeated click was ignored."
_CONFIRMATIONS = "_form_confirmations"  # session key: {confirmation key: (saved at, text)}


def _confirmations() -> dict[str, tuple[float, str]]:
    held: dict[str, tuple[float, str]] = st.session_state.setdefault(_CONFIRMATIONS, {})
    return held


class OnceForm:
    """One form's generations: ``key()`` for each widget, ``submitted()`` for the button."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._state: dict[str, Any] = st.session_state.setdefault(
            f"_once_{name}", {"generation": 0, "used": set(), "saved_at": None, "drawn": None}
        )
        self._keys: list[str] = []  # this run's widget keys, in order
        self._confirmations = _confirmations()  # taken now: saved() makes no Streamlit call

    @property
    def token(self) -> str:
        return f"{self.name}:{self._state['generation']}"

    def key(self, widget: str) -> str:
        """The widget's key in this generation (bare in the first, so tests can name it)."""
        generation = self._state["generation"]
        key = widget if generation == 0 else f"{widget}~{generation}"
        self._keys.append(key)
        return key

    def form(self) -> Any:
        """The ``st.form`` for this generation (never ``clear_on_submit``: see the module)."""
        return st.form(self.key(self.name), clear_on_submit=False)

    def _values(self) -> tuple[str, tuple[Any, ...]]:
        """This generation's widget values as the server has them."""
        return self.token, tuple(repr(st.session_state.get(k)) for k in self._keys)

    def submitted(self, label: str, **button: Any) -> bool:
        """The submit button; True once per token, and never for the untouched form drawn
        by the save's own rerun while its confirmation shows (a repeated click)."""
        values = self._values()  # before the button: its own value is no field's
        pressed = st.form_submit_button(label, key=self.key(f"{self.name}_submit"), **button)
        if not pressed:
            # a form's fields reach the server only with its submission: these are the
            # values it was drawn with
            self._state["drawn"] = values
            return False
        saved_at = self._state["saved_at"]
        repeat = (
            saved_at is not None
            and time.monotonic() - saved_at <= CONFIRMATION_SECONDS
            and values == self._state["drawn"]
        )
        if self.token in self._state["used"] or repeat:
            st.info(ALREADY_SAVED)
            return False
        return True

    def saved(self, confirm: tuple[str, str]) -> None:
        """Call straight after the write commits: the token is spent, the next form is empty and
        ``confirm`` (key, text) is held for :func:`confirmation` to show. No Streamlit call in
        here (see the module): a stopped run must not lose any of the three."""
        self._state["used"].add(self.token)
        self._state["generation"] += 1
        self._state["saved_at"] = time.monotonic()
        key, text = confirm
        self._confirmations[key] = (self._state["saved_at"], text)


# How long a form's "saved" message outlives its save. A repeated click's submission can
# arrive after the save's own rerun has shown the message; popping it then would leave
# the page with no confirmation at all, and the officer would type it all again.
CONFIRMATION_SECONDS = 20.0


def confirmation(key: str) -> str | None:
    """The save's confirmation while it is fresh (every run for a few seconds), else None."""
    confirmations = _confirmations()
    held = confirmations.get(key)
    if held is None:
        return None
    saved_at, text = held
    if time.monotonic() - saved_at > CONFIRMATION_SECONDS:
        del confirmations[key]
        return None
    return str(text)
