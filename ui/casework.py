"""Streamlit glue for casework: the store connection per script run, and who is writing.

The store is SQLite (lakehouse.store): one short-lived connection per use,
because a connection must stay on the thread that opened it and Streamlit runs
each session on its own. Reads are quick enough not to cache, so a record
saved in one session shows in another on its next rerun.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pandas as pd

from lakehouse import casework, store
from ui import auth


@contextmanager
def connection() -> Iterator[sqlite3.Connection]:
    """The casework store beside the app's database (``$ESAFETY_STORE`` overrides)."""
    con = store.connect(path=store.store_path())
    try:
        yield con
    finally:
        con.close()


def writer() -> str:
    """The e-mail to record for a casework write; stops the page for a role that may not."""
    return auth.require("casework").email


def summary(today: date | None = None) -> pd.DataFrame:
    with connection() as con:
        return casework.summary(con, today or date.today())


def caseload(round: str | None) -> pd.DataFrame:  # noqa: A002
    if not round:
        return pd.DataFrame(columns=["urn", "reason", "since", "by"])
    with connection() as con:
        return casework.caseload(con, round)
