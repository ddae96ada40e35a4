"""Every model's contract: the YAML file beside its SQL.

``models/<layer>/<name>.yml`` gives the table's grain, its unique key (or
``one_row: true``, or ``null`` for a log), every column with a one-line
description in the table's column order, and the accepted values of its code
columns (a list, or ``seeds.<table>.<column>``). The build runs the data tests
generated from it (:func:`data_tests`); ``tests/test_contracts.py`` checks each
built table's columns against it; ``python -m lakehouse docs`` writes the column
tables of docs/ARCHITECTURE.md from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from lakehouse.errors import BuildError

MODELS_DIR = Path(__file__).resolve().parent / "models"
LAYERS = ("silver", "gold")
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
_SEED_COLUMN = re.compile(r"^seeds\.([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)$")


@dataclass(frozen=True)
class SeedColumn:
    """Accepted values read from a seed table's column (``seeds.<table>.<column>``)."""

    table: str
    column: str


@dataclass(frozen=True)
class Contract:
    """One model's promise: what a row is, what identifies it, and what it holds."""

    table: str  # schema.name
    grain: str
    columns: dict[str, str]  # name -> one-line description, in the table's order
    unique_key: tuple[str, ...] | None  # None: rows may repeat (a log)
    one_row: bool
    accepted_values: dict[str, tuple[Any, ...] | SeedColumn]
    path: Path


def _identifier(name: object, where: Path) -> str:
    if not isinstance(name, str) or not _IDENTIFIER.match(name):
        raise BuildError(f"{where.name}: '{name}' is not a column name")
    return name


def _read(path: Path, layer: str) -> Contract:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise BuildError(f"{path.name}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("columns"), dict):
        raise BuildError(f"{path.name}: needs 'grain' and a 'columns' mapping")
    columns = {_identifier(k, path): str(v) for k, v in raw["columns"].items()}
    key = raw.get("unique_key")
    unique_key = None if key is None else tuple(_identifier(k, path) for k in key)
    accepted: dict[str, tuple[Any, ...] | SeedColumn] = {}
    for column, values in (raw.get("accepted_values") or {}).items():
        _identifier(column, path)
        if isinstance(values, list):
            accepted[column] = tuple(values)
        elif isinstance(values, str) and (m := _SEED_COLUMN.match(values)):
            accepted[column] = SeedColumn(m[1], m[2])
        else:
            raise BuildError(f"{path.name}: accepted_values of {column} is a list or seeds.t.c")
    for column in [*(unique_key or ()), *accepted]:
        if column not in columns:
            raise BuildError(f"{path.name}: '{column}' is not one of its columns")
    return Contract(
        table=f"{layer}.{path.stem}",
        grain=str(raw.get("grain") or ""),
        columns=columns,
        unique_key=unique_key,
        one_row=bool(raw.get("one_row")),
        accepted_values=accepted,
        path=path,
    )


@cache
def _cached(models_dir: Path, stamp: tuple[tuple[str, float], ...]) -> dict[str, Contract]:
    found: dict[str, Contract] = {}
    for layer in LAYERS:
        for path in sorted((models_dir / layer).glob("*.yml")):
            contract = _read(path, layer)
            found[contract.table] = contract
    return found


def contracts(models_dir: Path = MODELS_DIR) -> dict[str, Contract]:
    """``schema.name`` -> its contract for every model that has one (re-read when files change)."""
    stamp = tuple(
        (str(p), p.stat().st_mtime) for layer in LAYERS for p in (models_dir / layer).glob("*.yml")
    )
    return _cached(models_dir, stamp)


def data_tests(contract: Contract) -> list[tuple[str, str, list[Any]]]:
    """(name, sql, params) for each test the contract implies; each must return no rows.

    Identifiers come from the checked contract file; listed values are bound.
    """
    table = contract.table
    stem = table.split(".", 1)[1]
    tests: list[tuple[str, str, list[Any]]] = []
    if contract.one_row:
        tests.append(
            (f"{stem}_one_row", f"SELECT count(*) AS n FROM {table} HAVING count(*) > 1", [])
        )
    if contract.unique_key:
        key = ", ".join(contract.unique_key)
        tests.append(
            (
                f"{stem}_unique",
                f"SELECT {key}, count(*) AS n FROM {table} GROUP BY ALL HAVING count(*) > 1",
                [],
            )
        )
    for column, values in contract.accepted_values.items():
        name = f"{stem}_{column}_accepted"
        if isinstance(values, SeedColumn):
            sql = (
                f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL "
                f"AND {column} NOT IN (SELECT {values.column} FROM seeds.{values.table})"
            )
            tests.append((name, sql, []))
        else:
            sql = (
                f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL "
                f"AND NOT list_contains(?, {column})"
            )
            tests.append((name, sql, [list(values)]))
    return tests


def markdown_table(layer: str, models_dir: Path = MODELS_DIR) -> str:
    """The layer's tables as a Markdown table: table, one row per, unique key, columns."""
    rows = ["| table | one row per | key | columns |", "|---|---|---|---|"]
    for table, c in contracts(models_dir).items():
        if not table.startswith(f"{layer}."):
            continue
        grain = c.grain.removeprefix("one row per ").removeprefix("one row")
        key = "one row" if c.one_row else ", ".join(f"`{k}`" for k in c.unique_key or ()) or "—"
        columns = ", ".join(f"`{n}`" for n in c.columns)
        rows.append(f"| `{table}` | {grain or 'build'} | {key} | {columns} |")
    return "\n".join(rows)


ARCHITECTURE = MODELS_DIR.parent.parent / "docs" / "ARCHITECTURE.md"


def render_architecture(text: str, models_dir: Path = MODELS_DIR) -> str:
    """``text`` with each layer's block (``<!-- contracts:<layer>:begin/end -->``) regenerated."""
    for layer in LAYERS:
        begin, end = f"<!-- contracts:{layer}:begin -->", f"<!-- contracts:{layer}:end -->"
        start, stop = text.find(begin), text.find(end)
        if start < 0 or stop < start:
            raise BuildError(f"docs/ARCHITECTURE.md has no {begin} ... {end} block")
        text = (
            text[: start + len(begin)]
            + "\n"
            + markdown_table(layer, models_dir)
            + "\n"
            + text[stop:]
        )
    return text
