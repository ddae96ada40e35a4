"""The build: seeds, SQL models in dependency order, data tests and ``gold.build_info``.

No framework: each model is one ``CREATE OR REPLACE TABLE`` file under
``models/``; its dependencies are the ``silver.``/``gold.``/``seeds.`` tables
it mentions. Rule numbers live in the seed CSVs, which a council officer edits.
"""

from __future__ import annotations

import functools
import graphlib
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from lakehouse.contracts import contracts, data_tests
from lakehouse.db import ensure_bronze
from lakehouse.errors import BuildError, DataTestFailure, SeedError
from lakehouse.methodology import method_lines
from lakehouse.rounds import RoundError, parse_round
from lakehouse.seeds import load_seeds, seed_values
from lakehouse.sql import one

LAKEHOUSE_DIR = Path(__file__).resolve().parent
MODELS_DIR = LAKEHOUSE_DIR / "models"
DATA_TESTS_DIR = LAKEHOUSE_DIR / "data_tests"

_REFERENCE = re.compile(r"\b(silver|gold|seeds)\.([a-z_][a-z0-9_]*)\b", re.IGNORECASE)
_CREATES = re.compile(
    r"CREATE\s+OR\s+REPLACE\s+TABLE\s+(silver|gold)\.([a-z_][a-z0-9_]*)\s+AS\b", re.IGNORECASE
)
_LINE_COMMENT = re.compile(r"--[^\n]*")


@dataclass
class BuildResult:
    """What a build did: its inputs, the tables it wrote and how long it took."""

    as_of: date
    current_round: str | None
    previous_round: str | None
    seconds: float
    row_counts: dict[str, int] = field(default_factory=dict)
    models: list[str] = field(default_factory=list)
    data_tests: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Model:
    """One SQL model file and the tables it reads."""

    name: str  # 'silver.returns'
    path: Path
    sql: str
    depends_on: frozenset[str]  # silver./gold. tables
    seeds: frozenset[str]  # seeds. tables


# --------------------------------------------------------------------------- models


def discover_models(models_dir: Path = MODELS_DIR) -> list[Model]:
    """Every ``models/{silver,gold}/*.sql`` with the tables it references."""
    models: list[Model] = []
    for schema in ("silver", "gold"):
        for path in sorted((models_dir / schema).glob("*.sql")):
            models.append(_model(schema, path, path.read_text(encoding="utf-8")))
    return models


@functools.cache
def _model(schema: str, path: Path, sql: str) -> Model:
    # read once per text of the file: the test suite builds some 180 databases a run, and
    # finding each model's references again took a tenth of a small build's own work
    name = f"{schema}.{path.stem}"
    code = _LINE_COMMENT.sub("", sql)
    created = {f"{s.lower()}.{t.lower()}" for s, t in _CREATES.findall(code)}
    if created != {name}:
        raise BuildError(f"{path.name}: must create exactly the table {name}")
    refs = {(s.lower(), t.lower()) for s, t in _REFERENCE.findall(code)}
    return Model(
        name=name,
        path=path,
        sql=sql,
        depends_on=frozenset(f"{s}.{t}" for s, t in refs if s != "seeds" and f"{s}.{t}" != name),
        seeds=frozenset(t for s, t in refs if s == "seeds"),
    )


def model_order(models: Iterable[Model]) -> list[Model]:
    """Models sorted so each runs after every model it reads (stable for equal standing)."""
    by_name = {m.name: m for m in models}
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for name in sorted(by_name):
        model = by_name[name]
        unknown = sorted(d for d in model.depends_on if d not in by_name)
        if unknown:
            raise BuildError(f"{model.path.name}: reads {unknown[0]}, which no model creates")
        sorter.add(name, *sorted(model.depends_on))
    try:
        sorter.prepare()
    except graphlib.CycleError as exc:
        raise BuildError(
            f"models depend on each other in a cycle: {' -> '.join(exc.args[1])}"
        ) from None
    order: list[str] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready())
        order.extend(ready)
        sorter.done(*ready)
    return [by_name[n] for n in order]


# --------------------------------------------------------------------------- build


def build(
    con: duckdb.DuckDBPyConnection,
    as_of: date | None = None,
    round: str | None = None,
    *,
    seeds_dir: Path | None = None,
    with_data_tests: bool = True,
) -> BuildResult:
    """Rebuild seeds, silver and gold on an open read-write connection, then test the result.

    ``as_of`` (default today) drives policy freshness; ``round`` (default the
    latest round with a current return) drives the flags. Raises SeedError or
    BuildError when it cannot run and DataTestFailure when a data test finds rows.
    ``with_data_tests=False`` leaves the data tests out: only for the test suite's
    hand-made databases, built a few rows at a time some hundred times a run
    (tests/lakehouse_factory.py; tests/test_build.py keeps them). Every command
    that builds runs them.
    """
    started = time.perf_counter()
    as_of = as_of or date.today()
    if round is not None:
        try:
            round = parse_round(round)
        except RoundError as exc:
            raise BuildError(f"--round: {exc}") from None

    ensure_bronze(con)
    seeds = load_seeds(con, seeds_dir)
    con.execute("CREATE TABLE seeds.build_params (as_of DATE, requested_round VARCHAR)")
    con.execute("INSERT INTO seeds.build_params VALUES (?, ?)", [as_of, round])

    models = model_order(discover_models())
    for model in models:
        missing = sorted(s for s in model.seeds if s not in seeds and s != "build_params")
        if missing:
            raise SeedError(
                f"{model.path.name} reads seeds.{missing[0]}, but {missing[0]}.csv is missing"
            )
        try:
            con.execute(model.sql)
        except duckdb.Error as exc:
            first_line = str(exc).splitlines()[0]
            raise BuildError(
                f"model {model.name} ({model.path.name}) failed: {first_line}"
            ) from None

    context = one(con, "SELECT as_of, current_round, previous_round FROM silver.run_context")
    tests = run_data_tests(con) if with_data_tests else []
    row_counts = _row_counts(con, models)
    seconds = time.perf_counter() - started
    _write_build_info(con, context, seeds, row_counts, seconds)
    return BuildResult(
        as_of=context[0],
        current_round=context[1],
        previous_round=context[2],
        seconds=seconds,
        row_counts=row_counts,
        models=[m.name for m in models],
        data_tests=tests,
    )


def run_data_tests(con: duckdb.DuckDBPyConnection, tests_dir: Path = DATA_TESTS_DIR) -> list[str]:
    """Run every data test: the SQL files, then those each model's contract implies.

    Raises DataTestFailure naming each failing test with up to 5 of its rows.
    """
    tests: list[tuple[str, str, list[Any]]] = [
        (path.stem, path.read_text(encoding="utf-8").strip().rstrip(";"), [])
        for path in sorted(tests_dir.glob("*.sql"))
    ]
    for contract in contracts().values():
        tests += data_tests(contract)
    failures: list[str] = []
    for name, body, params in tests:
        try:
            cursor = con.execute(body, params)
            columns = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
        except duckdb.Error as exc:
            failures.append(f"{name}: could not run ({str(exc).splitlines()[0]})")
            continue
        if rows:
            shown = "; ".join(
                ", ".join(f"{c}={v}" for c, v in zip(columns, row, strict=True)) for row in rows[:5]
            )
            failures.append(f"{name}: {len(rows)} offending row(s): {shown}")
    if failures:
        raise DataTestFailure("data tests failed: " + " | ".join(failures))
    return [name for name, _body, _params in tests]


def _row_counts(con: duckdb.DuckDBPyConnection, models: list[Model]) -> dict[str, int]:
    # identifiers come from the model file listing, checked by discover_models; one query,
    # not one a model: each round trip costs more than counting a small table
    counts = " UNION ALL ".join(
        f'SELECT {i} AS model, count(*) AS n FROM {schema}."{table}"'
        for i, (schema, table) in enumerate(m.name.split(".") for m in models)
    )
    found = dict(con.execute(counts).fetchall())
    return {model.name: found[i] for i, model in enumerate(models)}


def _write_build_info(
    con: duckdb.DuckDBPyConnection,
    context: tuple,
    seeds: dict[str, list[dict[str, str]]],
    row_counts: dict[str, int],
    seconds: float,
) -> None:
    as_of, current_round, previous_round = context
    facts: list[tuple[str, str | None]] = [
        ("as_of", as_of.isoformat()),
        ("current_round", current_round),
        ("previous_round", previous_round),
        ("built_at", datetime.now().isoformat(timespec="seconds")),
        ("build_seconds", f"{seconds:.3f}"),
    ]
    facts += sorted(seed_values(seeds).items())
    # the method in words as these seeds make it: a pack describes the database it counts
    facts += [(f"method:{i:02d}", line) for i, line in enumerate(method_lines(seeds), start=1)]
    facts += [(f"rows:{name}", str(n)) for name, n in sorted(row_counts.items())]
    con.execute("CREATE OR REPLACE TABLE gold.build_info (key VARCHAR PRIMARY KEY, value VARCHAR)")
    # one statement, not one INSERT per fact: there are hundreds, and each costs a round trip
    keys, values = zip(*facts, strict=True)
    con.execute(
        "INSERT INTO gold.build_info SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[])",
        [list(keys), list(values)],
    )
