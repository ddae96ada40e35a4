"""The one small helper every read and the build run SQL through.

Values are always bound as parameters; identifiers come from allow-lists in
the callers. Results are read whole (``fetchall``/``df``): a half-read result
blocks the next query on a DuckDB 2 cursor.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb
import pandas as pd

Con = duckdb.DuckDBPyConnection


def frame(con: Con, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
    """The query's rows as a DataFrame."""
    return con.execute(sql, list(params)).df()


def rows(con: Con, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """The query's rows as tuples."""
    return con.execute(sql, list(params)).fetchall()


def scalar(con: Con, sql: str, params: Sequence[Any] = ()) -> Any:
    """The first column of the first row, or None when there is no row."""
    found = rows(con, sql, params)
    return found[0][0] if found else None


def one(con: Con, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...]:
    """The single row a query must return (an aggregate, a build fact); none is a bug."""
    found = rows(con, sql, params)
    if not found:
        raise LookupError(f"no row from: {' '.join(sql.split())[:120]}")
    return found[0]


def cursor_of(db: object) -> Con:
    """A fresh cursor from a ReadOnlyDatabase, a DuckDB connection or a cursor factory."""
    if hasattr(db, "cursor"):
        return db.cursor()
    if callable(db):
        return db()
    raise TypeError("db must be a ReadOnlyDatabase, a DuckDB connection or a cursor factory")
