"""The build: seeds, SQL models in dependency order, data tests and ``gold.build_info``.

No framework: each model is one ``CREATE OR REPLACE TABLE`` file under
``models/``; its dependencies are the ``silver.``/``gold.``/``seeds.`` tables
it mentions. Rule numbers live in the seed CSVs, which a council officer edits.
"""

from __future__ import annotations

import csv
import graphlib
import json
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb

from lakehouse.db import ensure_bronze
from lakehouse.rounds import RoundError, parse_round
from lakehouse.spec import SEEDS_DIR

LAKEHOUSE_DIR = Path(__file__).resolve().parent
MODELS_DIR = LAKEHOUSE_DIR / "models"
DATA_TESTS_DIR = LAKEHOUSE_DIR / "data_tests"
METHODOLOGY = LAKEHOUSE_DIR.parent / "docs" / "methodology.md"

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
_REFERENCE = re.compile(r"\b(silver|gold|seeds)\.([a-z_][a-z0-9_]*)\b", re.IGNORECASE)
_CREATES = re.compile(
    r"CREATE\s+OR\s+REPLACE\s+TABLE\s+(silver|gold)\.([a-z_][a-z0-9_]*)\s+AS\b", re.IGNORECASE
)
_LINE_COMMENT = re.compile(r"--[^\n]*")

# Scalar rules the models read from seeds/rules.csv (silver.rules pivots exactly these).
REQUIRED_RULES = (
    "min_answered_share",
    "outcomes_indicator_share",
    "outcomes_survey_share",
    "training_indicator_share",
    "training_coverage_share",
    "overall_areas_share",
    "overall_ovr_share",
    "training_group_min_coverage_pct",
    "training_group_cap_grade",
    "locked_down_cap_grade",
    "inadequate_grade",
    "inadequate_area_cap_grade",
    "training_gap_grade",
    "priority_high_concerns",
    "priority_medium_concerns",
    "casework_capacity",
    "deadline_month",
    "deadline_day",
)
# Keys the SQL names; the seeds may add wording but must keep these rows.
REQUIRED_FLAGS = (
    "inadequate_area",
    "training_gap",
    "policy_overdue",
    "locked_down",
    "offsite_unprotected",
    "incidents_not_logged",
    "no_return",
    "declining",
)
REQUIRED_FRESHNESS = ("fresh", "due_soon", "overdue", "missing")
REQUIRED_AREAS = ("overall", "outcomes", "provision", "leadership", "training")

# Column checks per seed: 'text' non-blank, 'number', 'int', 'int?' (blank allowed), 'bool'.
SEED_COLUMNS: dict[str, dict[str, str]] = {
    "rules": {"rule": "text", "value": "number"},
    "grade_bands": {"grade": "int", "label": "text", "min_score": "number"},
    "freshness_status": {
        "status": "text",
        "label": "text",
        "max_days": "int?",
        "sort_order": "int",
    },
    "policy_caps": {"min_policies": "int", "cap_grade": "int"},
    "flags": {
        "flag": "text",
        "label": "text",
        "description": "text",
        "suggested_action": "text",
        "kind": "text",
        "weight": "int",
        "forces_high_priority": "bool",
        "county_action": "",
        "sort_order": "int",
    },
    "priorities": {"priority": "text", "label": "text", "sort_order": "int", "description": "text"},
    "setting_rules": {"rule_order": "int", "setting": "text", "phase_like": "", "type_like": ""},
    "independence_rules": {"field": "text", "pattern": "text"},
    "open_status_rules": {"status": "text", "is_open": "bool"},
    "indicators": {"indicator_id": "text", "area": "text", "weight": "number"},
    "response_labels": {"response": "text", "label": "text", "points": "int?", "sort_order": "int"},
    "areas": {"area": "text", "label": "text", "sort_order": "int"},
    "policies": {"policy": "text", "label": "text", "sort_order": "int"},
    "staff_groups": {"staff_group": "text", "label": "text", "sort_order": "int"},
    "incident_categories": {"category": "text", "label": "text", "sort_order": "int"},
}


class BuildError(RuntimeError):
    """The build could not run; the message is one line for the officer."""


class SeedError(BuildError):
    """A seed CSV is missing, malformed or inconsistent."""


class DataTestFailure(BuildError):
    """One or more data tests returned rows."""


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


# --------------------------------------------------------------------------- seeds


def read_seeds(seeds_dir: Path | None = None) -> dict[str, list[dict[str, str]]]:
    """Every seed CSV as rows of strings, checked; raises SeedError naming file, row and column."""
    seeds_dir = Path(seeds_dir or SEEDS_DIR)
    if not seeds_dir.is_dir():
        raise SeedError(f"seed folder {seeds_dir} does not exist")
    seeds: dict[str, list[dict[str, str]]] = {}
    for path in sorted(seeds_dir.glob("*.csv")):
        name = path.stem
        if not _IDENTIFIER.match(name):
            raise SeedError(f"{path.name}: seed file names must be lower_case_with_underscores")
        try:
            with open(path, newline="", encoding="utf-8-sig") as fh:
                reader = csv.DictReader(fh)
                columns = reader.fieldnames or []
                rows = [dict(r) for r in reader]
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise SeedError(f"{path.name}: cannot be read as a UTF-8 CSV ({exc})") from None
        _check_seed(path, columns, rows)
        seeds[name] = rows
    for name in SEED_COLUMNS:
        if name not in seeds:
            raise SeedError(f"{name}.csv is missing from {seeds_dir}")
    _check_consistency(seeds)
    return seeds


def _check_seed(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    spec = SEED_COLUMNS.get(path.stem, {})
    for column in spec:
        if column not in columns:
            raise SeedError(f"{path.name}: column '{column}' is missing")
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        if None in row:
            raise SeedError(f"{path.name} row {number}: more cells than header columns")
        for column, kind in spec.items():
            value = (row.get(column) or "").strip()
            row[column] = value
            problem = _cell_problem(value, kind)
            if problem:
                raise SeedError(f"{path.name} row {number}, column {column}: {problem}")


def _cell_problem(value: str, kind: str) -> str | None:
    if not kind:
        return None
    if value == "":
        return None if kind.endswith("?") else "must not be blank"
    if kind.startswith("int"):
        if not re.fullmatch(r"-?\d+", value):
            return f"'{value}' is not a whole number"
    elif kind == "number":
        try:
            float(value)
        except ValueError:
            return f"'{value}' is not a number"
    elif kind == "bool" and value.lower() not in ("true", "false"):
        return f"'{value}' must be true or false"
    return None


def _check_consistency(seeds: dict[str, list[dict[str, str]]]) -> None:
    rules = [r["rule"] for r in seeds["rules"]]
    for rule in REQUIRED_RULES:
        if rule not in rules:
            raise SeedError(f"rules.csv: rule '{rule}' is missing")
    duplicates = {r for r in rules if rules.count(r) > 1}
    if duplicates:
        raise SeedError(f"rules.csv: rule '{sorted(duplicates)[0]}' appears more than once")
    for seed, key, required in (
        ("flags", "flag", REQUIRED_FLAGS),
        ("freshness_status", "status", REQUIRED_FRESHNESS),
        ("areas", "area", REQUIRED_AREAS),
    ):
        present = [r[key] for r in seeds[seed]]
        for value in required:
            if value not in present:
                raise SeedError(f"{seed}.csv: row '{value}' is missing")
    grades = sorted(int(r["grade"]) for r in seeds["grade_bands"])
    if grades != list(range(1, len(grades) + 1)):
        raise SeedError("grade_bands.csv: grades must be 1, 2, 3, ... with no gaps")
    if not any(float(r["min_score"]) <= 0 for r in seeds["grade_bands"]):
        raise SeedError(
            "grade_bands.csv: the lowest band must start at 0 so every score has a grade"
        )
    areas = {r["area"] for r in seeds["areas"]}
    for number, row in enumerate(seeds["indicators"], start=2):
        if row["area"] not in areas:
            raise SeedError(
                f"indicators.csv row {number}, column area: '{row['area']}' is not in areas.csv"
            )
    for number, row in enumerate(seeds["flags"], start=2):
        if row["kind"] not in ("concern", "theme"):
            raise SeedError(
                f"flags.csv row {number}, column kind: '{row['kind']}' must be concern or theme"
            )
    if sorted(r["priority"] for r in seeds["priorities"]) != ["high", "low", "medium"]:
        raise SeedError("priorities.csv: rows must be exactly high, medium and low")
    for number, row in enumerate(seeds["independence_rules"], start=2):
        if row["field"] not in ("type_group", "establishment_type"):
            raise SeedError(
                f"independence_rules.csv row {number}, column field: "
                f"'{row['field']}' must be type_group or establishment_type"
            )


def load_seeds(
    con: duckdb.DuckDBPyConnection, seeds_dir: Path | None = None
) -> dict[str, list[dict[str, str]]]:
    """Check every seed CSV, then load each into ``seeds.<name>`` (path bound as a parameter)."""
    seeds_dir = Path(seeds_dir or SEEDS_DIR)
    seeds = read_seeds(seeds_dir)
    con.execute("DROP SCHEMA IF EXISTS seeds CASCADE")
    con.execute("CREATE SCHEMA seeds")
    for name in seeds:
        # name is a checked identifier from the folder listing, never user text
        con.execute(
            f'CREATE TABLE seeds."{name}" AS SELECT * FROM read_csv(?, header = true, '
            "sample_size = -1, encoding = 'utf-8')",
            [str(seeds_dir / f"{name}.csv")],
        )
    return seeds


# --------------------------------------------------------------------------- models


def discover_models(models_dir: Path = MODELS_DIR) -> list[Model]:
    """Every ``models/{silver,gold}/*.sql`` with the tables it references."""
    models: list[Model] = []
    for schema in ("silver", "gold"):
        for path in sorted((models_dir / schema).glob("*.sql")):
            sql = path.read_text(encoding="utf-8")
            name = f"{schema}.{path.stem}"
            code = _LINE_COMMENT.sub("", sql)
            created = {f"{s.lower()}.{t.lower()}" for s, t in _CREATES.findall(code)}
            if created != {name}:
                raise BuildError(f"{path.name}: must create exactly the table {name}")
            refs = {(s.lower(), t.lower()) for s, t in _REFERENCE.findall(code)}
            models.append(
                Model(
                    name=name,
                    path=path,
                    sql=sql,
                    depends_on=frozenset(
                        f"{s}.{t}" for s, t in refs if s != "seeds" and f"{s}.{t}" != name
                    ),
                    seeds=frozenset(t for s, t in refs if s == "seeds"),
                )
            )
    return models


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
    round: str | None = None,  # noqa: A002 - the public CLI and contract call it round
    *,
    seeds_dir: Path | None = None,
) -> BuildResult:
    """Rebuild seeds, silver and gold on an open read-write connection, then test the result.

    ``as_of`` (default today) drives policy freshness; ``round`` (default the
    latest round with a current return) drives the flags. Raises SeedError or
    BuildError when it cannot run and DataTestFailure when a data test finds rows.
    """
    started = time.perf_counter()
    as_of = as_of or date.today()
    if round is not None:
        try:
            round = parse_round(round)  # noqa: A001
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

    context = con.execute(
        "SELECT as_of, current_round, previous_round FROM silver.run_context"
    ).fetchone()
    tests = run_data_tests(con)
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
    """Run every data test; raise DataTestFailure naming each failing one with up to 5 rows."""
    failures: list[str] = []
    names: list[str] = []
    for path in sorted(tests_dir.glob("*.sql")):
        names.append(path.stem)
        body = path.read_text(encoding="utf-8").strip().rstrip(";")
        try:
            cursor = con.execute(body)
            columns = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
        except duckdb.Error as exc:
            failures.append(f"{path.stem}: could not run ({str(exc).splitlines()[0]})")
            continue
        if rows:
            shown = "; ".join(
                ", ".join(f"{c}={v}" for c, v in zip(columns, row, strict=True)) for row in rows[:5]
            )
            failures.append(f"{path.stem}: {len(rows)} offending row(s): {shown}")
    if failures:
        raise DataTestFailure("data tests failed: " + " | ".join(failures))
    return names


def _row_counts(con: duckdb.DuckDBPyConnection, models: list[Model]) -> dict[str, int]:
    counts = {}
    for model in models:
        schema, table = model.name.split(".")
        # identifiers come from the model file listing, checked by discover_models
        counts[model.name] = con.execute(f'SELECT count(*) FROM {schema}."{table}"').fetchone()[0]
    return counts


def seed_values(seeds: dict[str, list[dict[str, str]]]) -> dict[str, str]:
    """``seed:<table>:<key>`` -> value text, for every row of every seed."""
    values: dict[str, str] = {}
    for table, rows in sorted(seeds.items()):
        if not rows:
            continue
        columns = list(rows[0])

        def is_unique(width: int, rows=rows, columns=columns) -> bool:
            return len({tuple(r[c] for c in columns[:width]) for r in rows}) == len(rows)

        width = next((w for w in range(1, len(columns) + 1) if is_unique(w)), 0)
        for number, row in enumerate(rows, start=1):
            # the shortest leading set of columns that names the row; else the row number
            key = "|".join(row[c] or "" for c in columns[:width]) if width else str(number)
            rest = {c: row[c] for c in columns[width or 0 :]}
            if table == "rules":
                text = row["value"]
            else:
                text = json.dumps(rest, ensure_ascii=False, sort_keys=False)
            values[f"seed:{table}:{key}"] = text
    return values


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
    facts += [(f"rows:{name}", str(n)) for name, n in sorted(row_counts.items())]
    con.execute("CREATE OR REPLACE TABLE gold.build_info (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.executemany("INSERT INTO gold.build_info VALUES (?, ?)", facts)


# --------------------------------------------------------------------------- methodology


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def methodology_tables(seeds_dir: Path | None = None) -> str:
    """The seed tables rendered as Markdown, as they appear in docs/methodology.md."""
    seeds = read_seeds(seeds_dir)
    areas = {r["area"]: r["label"] for r in seeds["areas"]}
    parts = ["### Points for each response", ""]
    parts.append(
        _table(
            ["Response", "Points"],
            [
                [r["label"], r["points"] or "left out of the score"]
                for r in sorted(seeds["response_labels"], key=lambda r: int(r["sort_order"]))
            ],
        )
    )
    parts += ["", "### Indicator weights", ""]
    parts.append(
        _table(
            ["Indicator", "Area", "Weight", "Statement"],
            [
                [r["indicator_id"], areas[r["area"]], r["weight"], r["statement"]]
                for r in seeds["indicators"]
            ],
        )
    )
    parts += ["", "### Grades", ""]
    parts.append(
        _table(
            ["Grade", "Label", "Score from"],
            [
                [r["grade"], r["label"], r["min_score"]]
                for r in sorted(seeds["grade_bands"], key=lambda r: int(r["grade"]))
            ],
        )
    )
    parts += ["", "### Rule numbers", ""]
    parts.append(
        _table(
            ["Rule", "Value", "Meaning"],
            [[r["rule"], r["value"], r["description"]] for r in seeds["rules"]],
        )
    )
    parts += ["", "### Leadership caps for overdue or missing policies", ""]
    parts.append(
        _table(
            ["Policies overdue or missing (at least)", "Best leadership grade", "Meaning"],
            [[r["min_policies"], r["cap_grade"], r["description"]] for r in seeds["policy_caps"]],
        )
    )
    parts += ["", "### Policy review freshness", ""]
    parts.append(
        _table(
            ["Status", "Label", "Up to days since review", "Meaning"],
            [
                [r["status"], r["label"], r["max_days"] or "-", r["description"]]
                for r in sorted(seeds["freshness_status"], key=lambda r: int(r["sort_order"]))
            ],
        )
    )
    parts += ["", "### Flags for support", ""]
    parts.append(
        _table(
            ["Flag", "Label", "Kind", "Weight", "When", "Suggested action", "Always high priority"],
            [
                [
                    r["flag"],
                    r["label"],
                    r["kind"],
                    r["weight"],
                    r["description"],
                    r["suggested_action"],
                    "yes" if r["forces_high_priority"].lower() == "true" else "no",
                ]
                for r in sorted(seeds["flags"], key=lambda r: int(r["sort_order"]))
            ],
        )
    )
    parts += ["", "### County-wide action for each theme", ""]
    parts.append(
        _table(
            ["Theme", "County-wide action"],
            [
                [r["label"], r["county_action"]]
                for r in sorted(seeds["flags"], key=lambda r: int(r["sort_order"]))
                if r["kind"] == "theme"
            ],
        )
    )
    parts += ["", "### Support priorities", ""]
    parts.append(
        _table(
            ["Priority", "Label", "Meaning"],
            [
                [r["priority"], r["label"], r["description"]]
                for r in sorted(seeds["priorities"], key=lambda r: int(r["sort_order"]))
            ],
        )
    )
    parts += ["", "### Settings from the register", ""]
    parts.append(
        _table(
            ["Order", "Setting", "Phase matches", "Type matches"],
            [
                [r["rule_order"], r["setting"], r["phase_like"] or "any", r["type_like"] or "any"]
                for r in sorted(seeds["setting_rules"], key=lambda r: int(r["rule_order"]))
            ],
        )
    )
    parts += ["", "### Independent schools (not expected to return)", ""]
    parts.append(
        _table(
            ["Register field", "Matches"],
            [[r["field"], r["pattern"]] for r in seeds["independence_rules"]],
        )
    )
    return "\n".join(parts) + "\n"


SEEDS_BEGIN = "<!-- seeds:begin -->"
SEEDS_END = "<!-- seeds:end -->"


def render_methodology(text: str, seeds_dir: Path | None = None) -> str:
    """``text`` with the block between the seed markers replaced by fresh seed tables."""
    start = text.find(SEEDS_BEGIN)
    end = text.find(SEEDS_END)
    if start < 0 or end < start:
        raise BuildError(f"methodology document has no {SEEDS_BEGIN} ... {SEEDS_END} block")
    head = text[: start + len(SEEDS_BEGIN)]
    return head + "\n" + methodology_tables(seeds_dir) + text[end:]
