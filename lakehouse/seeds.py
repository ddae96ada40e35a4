"""The seed CSVs: where they are, reading and checking them, and the values Python needs.

Every word and number a council might change is a row in a CSV under
``lakehouse/seeds/``. The build loads them into schema ``seeds`` for the SQL
models; Python reads the same files through this module only: ``rule(name)``
for a rule number, ``vocabulary(kind)`` for codes, labels and their order.

The folder is ``$ESAFETY_SEEDS`` when set (a council's own copy, or a test's),
else the one shipped with the project.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lakehouse.errors import SeedError
from lakehouse.rounds import RoundError, parse_round

if TYPE_CHECKING:  # the return reader's pool workers import this module, and need no DuckDB
    import duckdb
    import pyarrow as pa

SEEDS_DIR = Path(__file__).resolve().parent / "seeds"
SEEDS_ENV = "ESAFETY_SEEDS"
_SHIPPED = str(SEEDS_DIR)

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def seeds_dir(folder: str | Path | None = None) -> Path:
    """The seed folder in force: ``folder``, else ``$ESAFETY_SEEDS``, else the shipped one."""
    return Path(folder or os.environ.get(SEEDS_ENV) or SEEDS_DIR)


@cache
def _read(path: str, _stamp: tuple[int, int]) -> tuple[dict[str, str], ...]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return tuple(csv.DictReader(fh))


def _seed_file(name: str, folder: str | Path | None) -> tuple[str, tuple[int, int]]:
    # plain strings and one stat: pages and exports ask per cell, and pathlib costs more
    path = os.path.join(folder or os.environ.get(SEEDS_ENV) or _SHIPPED, f"{name}.csv")
    stat = os.stat(path)
    return path, (stat.st_mtime_ns, stat.st_size)


def read_seed(name: str, folder: str | Path | None = None) -> tuple[dict[str, str], ...]:
    """Rows of ``<name>.csv`` as dicts of strings; cached until the file changes."""
    return _read(*_seed_file(name, folder))


def rule(name: str, folder: str | Path | None = None) -> float:
    """One number from ``rules.csv`` (the one reader every rule value goes through)."""
    for row in read_seed("rules", folder):
        if row.get("rule") == name:
            return float(row["value"])
    raise SeedError(f"rules.csv: rule '{name}' is missing")


def small_group_threshold() -> int:
    """Groups of fewer schools than this are marked on comparisons and suppressed in public
    packs (rule ``public_suppress_below``, the official-statistics disclosure threshold)."""
    return int(rule("public_suppress_below"))


# kind -> (seed, code column); codes are what the SQL and the URL use, labels what people read
VOCABULARIES: dict[str, tuple[str, str]] = {
    "area": ("areas", "area"),
    "grade": ("grade_bands", "grade"),
    "filtering": ("filtering_approaches", "filtering"),
    "return_status": ("return_statuses", "status"),
    "freshness": ("freshness_status", "status"),
    "priority": ("priorities", "priority"),
    "cap": ("caps", "cap"),
    "setting": ("settings", "setting"),
    "blank": ("blank_labels", "blank"),
    "flag": ("flags", "flag"),
    "flag_kind": ("flag_kinds", "kind"),
    "support_type": ("support_types", "type"),
    "action_status": ("action_statuses", "status"),
    "reminder_method": ("reminder_methods", "method"),
    "contact_role": ("contact_roles", "role"),
    "fm_status": ("fm_statuses", "status"),
    "fm_standard": ("fm_standards", "standard"),
    "return_version": ("return_versions", "version"),
}
# kinds whose codes are whole numbers (grades, standards, versions)
_INTEGER_CODES = frozenset({"grade", "fm_standard", "return_version"})


def vocabulary(kind: str, folder: str | Path | None = None) -> dict[Any, str]:
    """Code -> label for one kind, in the seed's order (grades are whole numbers, best first)."""
    if kind not in VOCABULARIES:
        raise ValueError(f"unknown vocabulary {kind!r}; expected one of {', '.join(VOCABULARIES)}")
    # a copy: callers may add their own entries (a legend's "no value" class)
    return dict(_vocabulary(kind, *_seed_file(VOCABULARIES[kind][0], folder)))


@cache
def _vocabulary(kind: str, path: str, stamp: tuple[int, int]) -> dict[Any, str]:
    # pages and exports ask per cell: worked out once per version of the file
    key = VOCABULARIES[kind][1]
    rows = list(_read(path, stamp))
    if kind in _INTEGER_CODES:
        return {int(r[key]): r["label"] for r in sorted(rows, key=lambda r: int(r[key]))}
    if rows and "sort_order" in rows[0]:
        rows.sort(key=lambda r: int(r["sort_order"]))
    return {r[key]: r["label"] for r in rows}


def order(kind: str) -> tuple[Any, ...]:
    """The codes of one kind in the seed's order."""
    return tuple(vocabulary(kind))


def label(kind: str, code: Any, default: str | None = None) -> str:
    """The label of one code; ``default`` (else the code itself) for one the seed lacks."""
    labels = vocabulary(kind)
    if kind in _INTEGER_CODES and code is not None and not isinstance(code, str):
        try:
            code = int(code)
        except (TypeError, ValueError):
            code = None
    return labels.get(code, default if default is not None else str(code))


def blank_label(blank: str) -> str:
    """What a page shows where a value is absent (``insufficient_evidence`` -> its label)."""
    return vocabulary("blank")[blank]


def report_text(key: str) -> str:
    """One piece of report wording from ``report_text.csv`` (the council contact, say)."""
    for row in read_seed("report_text"):
        if row.get("key") == key:
            return row["text"]
    raise SeedError(f"report_text.csv: row '{key}' is missing")


def grade_label(grade: Any) -> str:
    """The label of a grade (1-4); the insufficient-evidence label for no grade."""
    try:
        return vocabulary("grade")[int(grade)]
    except (TypeError, ValueError, KeyError):
        # None, NaN and pd.NA all mean the area could not be graded
        return blank_label("insufficient_evidence")


def grade_labels() -> list[str]:
    """Every grade label best first, then the insufficient-evidence label (table columns)."""
    return [*vocabulary("grade").values(), blank_label("insufficient_evidence")]


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
    "incomplete_unanswered_share",
    "deadline_month",
    "deadline_day",
    "fm_window_days",
    "fm_filtering_cap_grade",
    "fm_review_cap_grade",
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
    "fm_standard_not_met",
    "fm_standard_partly",
    "old_template",
)
REQUIRED_FRESHNESS = ("fresh", "due_soon", "overdue", "missing")
REQUIRED_AREAS = ("overall", "outcomes", "provision", "leadership", "training")
REQUIRED_FILTERING = ("managed", "locked_down")
REQUIRED_RETURN_STATUSES = ("received", "late", "awaiting", "missing", "not_expected")
REQUIRED_BLANKS = (
    "insufficient_evidence",
    "no_return",
    "no_grade",
    "not_flagged",
    "not_known",
    "any_filtering",
)
# overall's two caps are worked out in SQL; each other capped area has exactly one cap row
REQUIRED_CAPS = (
    "locked_down",
    "training_group_below_50",
    "policy_overdue",
    "leadership",
    "inadequate_area",
    "fm_filtering_not_met",
    "fm_review_not_met",
)
REQUIRED_FM_STATUSES = ("met", "partly", "not_met", "unknown")
REQUIRED_FM_CHECKS = (
    "fm_senior_leader",
    "fm_governor",
    "fm_review",
    "fm_review_recorded",
    "filter_provider",
    "filter_all_connections",
    "filter_illegal_blocked",
    "filter_test",
    "monitor_provider",
    "monitor_dsl_alerts",
    "monitor_all_devices",
)
REQUIRED_V2_MESSAGES = (
    "evidence_mismatch",
    "evidence_mismatch_label",
    "version_without_sheet",
    "version_one_with_sheet",
    "version_unreadable",
    "old_template",
)

# the wording the grade explanations (gold.grade_explanations) and the governor report read
REQUIRED_REPORT_TEXT = (
    "band_sentence",
    "capped_sentence",
    "insufficient_sentence",
    "band_range",
    "band_range_top",
    "area_graded",
    "council_contact",
    "board_none",
    "board_lead",
    "board_theme_note",
    "county_name",
    "impact_supported",
    "impact_flagged_unsupported",
)

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
    "flag_kinds": {"kind": "text", "label": "text", "sort_order": "int", "description": "text"},
    "support_types": {"type": "text", "label": "text", "sort_order": "int"},
    "action_statuses": {"status": "text", "label": "text", "is_open": "bool", "sort_order": "int"},
    "reminder_methods": {"method": "text", "label": "text", "sort_order": "int"},
    "contact_roles": {
        "role": "text",
        "label": "text",
        "chase_order": "int",
        "salutation": "text",
        "also_called": "",
    },
    "return_sections": {"section": "text", "label": "text", "sort_order": "int", "warning": "text"},
    "setting_rules": {"rule_order": "int", "setting": "text", "phase_like": "", "type_like": ""},
    "independence_rules": {"field": "text", "pattern": "text"},
    "open_status_rules": {"status": "text", "is_open": "bool"},
    "indicators": {
        "indicator_id": "text",
        "area": "text",
        "weight": "number",
        "version": "int",
        "standard": "",
    },
    "response_labels": {"response": "text", "label": "text", "points": "int?", "sort_order": "int"},
    "areas": {"area": "text", "label": "text", "sort_order": "int"},
    "policies": {
        "policy": "text",
        "label": "text",
        "sort_order": "int",
        "version": "int",
        "required_from_round": "",
    },
    "school_fields": {"field": "text", "label": "text", "sort_order": "int", "version": "int"},
    "return_versions": {
        "version": "int",
        "label": "text",
        "expected_from_round": "",
        "description": "text",
    },
    "fm_standards": {
        "standard": "int",
        "label": "text",
        "description": "text",
        "sort_order": "int",
    },
    "fm_statuses": {
        "status": "text",
        "label": "text",
        "sort_order": "int",
        "description": "text",
        "detail": "text",
    },
    "fm_checks": {
        "check_key": "text",
        "label": "text",
        "standard": "int",
        "answer_kind": "text",
        "has_date": "bool",
        "judged_as": "text",
        "short": "text",
        "sort_order": "int",
    },
    "fm_evidence_pairs": {"indicator_id": "text", "check_key": "text", "description": "text"},
    "statement_sources": {"source": "text", "label": "text", "sort_order": "int"},
    "v2_messages": {"message": "text", "text": "text", "description": "text"},
    "staff_groups": {"staff_group": "text", "label": "text", "sort_order": "int"},
    "incident_categories": {"category": "text", "label": "text", "sort_order": "int"},
    "filtering_approaches": {"filtering": "text", "label": "text", "sort_order": "int"},
    "return_statuses": {"status": "text", "label": "text", "sort_order": "int"},
    "blank_labels": {"blank": "text", "label": "text"},
    "caps": {"cap": "text", "area": "text", "label": "text", "sort_order": "int"},
    "report_text": {"key": "text", "text": "text"},
}


def read_seeds(folder: Path | None = None) -> dict[str, list[dict[str, str]]]:
    """Every seed CSV as rows of strings, checked; raises SeedError naming file, row and column."""
    folder_path = seeds_dir(folder)
    if not folder_path.is_dir():
        raise SeedError(f"seed folder {folder_path} does not exist")
    seeds: dict[str, list[dict[str, str]]] = {}
    for path in sorted(folder_path.glob("*.csv")):
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
            raise SeedError(f"{name}.csv is missing from {folder_path}")
    _check_consistency(seeds)
    return seeds


def _check_seed(path: Path, columns: Sequence[str], rows: list[dict[str, str]]) -> None:
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
        ("filtering_approaches", "filtering", REQUIRED_FILTERING),
        ("return_statuses", "status", REQUIRED_RETURN_STATUSES),
        ("blank_labels", "blank", REQUIRED_BLANKS),
        ("caps", "cap", REQUIRED_CAPS),
        # a contact list's unlisted roles are kept as 'other'; 'head' greets by default
        ("contact_roles", "role", ("other", "head")),
        ("report_text", "key", REQUIRED_REPORT_TEXT),
        ("fm_statuses", "status", REQUIRED_FM_STATUSES),
        ("fm_checks", "check_key", REQUIRED_FM_CHECKS),
        ("v2_messages", "message", REQUIRED_V2_MESSAGES),
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
    for number, row in enumerate(seeds["caps"], start=2):
        if row["area"] not in areas:
            raise SeedError(
                f"caps.csv row {number}, column area: '{row['area']}' is not in areas.csv"
            )
    _check_version_two(seeds)
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


def _check_version_two(seeds: dict[str, list[dict[str, str]]]) -> None:
    """The version 2 seeds refer to each other and to the return's rounds and versions."""
    versions = {int(r["version"]) for r in seeds["return_versions"]}
    if 1 not in versions:
        raise SeedError("return_versions.csv: row '1' is missing")
    for seed in ("indicators", "policies", "school_fields"):
        for number, row in enumerate(seeds[seed], start=2):
            if int(row["version"]) not in versions:
                raise SeedError(
                    f"{seed}.csv row {number}, column version: '{row['version']}' is not in "
                    "return_versions.csv"
                )
    for seed, column in (("policies", "required_from_round"),
                         ("return_versions", "expected_from_round")):  # fmt: skip
        for number, row in enumerate(seeds[seed], start=2):
            value = row[column]
            if value:
                try:
                    canonical = parse_round(value)
                except RoundError as exc:
                    raise SeedError(f"{seed}.csv row {number}, column {column}: {exc}") from None
                if canonical != value:
                    raise SeedError(
                        f"{seed}.csv row {number}, column {column}: write the round as {canonical}"
                    )
    standards = {int(r["standard"]) for r in seeds["fm_standards"]}
    if standards != {1, 2, 3, 4}:
        raise SeedError("fm_standards.csv: rows must be exactly the standards 1, 2, 3 and 4")
    kinds = ("text", "yesno", "pass_fail", "date")
    checks = {r["check_key"] for r in seeds["fm_checks"]}
    for number, row in enumerate(seeds["fm_checks"], start=2):
        if row["answer_kind"] not in kinds:
            raise SeedError(
                f"fm_checks.csv row {number}, column answer_kind: '{row['answer_kind']}' must be "
                f"one of {', '.join(kinds)}"
            )
        if row["judged_as"] not in ("essential", "criterion", "none"):
            raise SeedError(
                f"fm_checks.csv row {number}, column judged_as: '{row['judged_as']}' must be "
                "essential, criterion or none"
            )
    indicator_ids = {r["indicator_id"] for r in seeds["indicators"]}
    sources = {r["source"] for r in seeds["statement_sources"]}
    for number, row in enumerate(seeds["indicators"], start=2):
        if row["standard"] and row["standard"] not in sources:
            raise SeedError(
                f"indicators.csv row {number}, column standard: '{row['standard']}' is not in "
                "statement_sources.csv"
            )
    for number, row in enumerate(seeds["fm_evidence_pairs"], start=2):
        if row["indicator_id"] not in indicator_ids:
            raise SeedError(
                f"fm_evidence_pairs.csv row {number}: '{row['indicator_id']}' is not in "
                "indicators.csv"
            )
        if row["check_key"] not in checks:
            raise SeedError(
                f"fm_evidence_pairs.csv row {number}: '{row['check_key']}' is not in fm_checks.csv"
            )


# DuckDB's reading of each seed file, kept for the process by the file's bytes: a build
# loads every seed, the test suite builds some 180 databases, and creating a table from the
# rows already read (as Arrow) costs a third of reading and sniffing the CSV again. Keyed
# by content, not by path and modification time, so a file rewritten within one clock tick
# is never taken for the old one; the types are those read_csv gave the first time.
_SEED_TABLES: dict[bytes, pa.Table] = {}


def load_seeds(
    con: duckdb.DuckDBPyConnection, folder: Path | None = None
) -> dict[str, list[dict[str, str]]]:
    """Check every seed CSV, then load each into ``seeds.<name>`` (path bound as a parameter)."""
    folder_path = seeds_dir(folder)
    seeds = read_seeds(folder_path)
    con.execute("DROP SCHEMA IF EXISTS seeds CASCADE")
    con.execute("CREATE SCHEMA seeds")
    for name in seeds:
        # name is a checked identifier from the folder listing, never user text
        path = folder_path / f"{name}.csv"
        content = path.read_bytes()
        seed_rows = _SEED_TABLES.get(content)
        if seed_rows is not None:
            # DuckDB finds the Arrow table by its variable name (a replacement scan): a third
            # cheaper than the relation API's from_arrow().create()
            con.execute(f'CREATE TABLE seeds."{name}" AS SELECT * FROM seed_rows')
            continue
        con.execute(
            f'CREATE TABLE seeds."{name}" AS SELECT * FROM read_csv(?, header = true, '
            "sample_size = -1, encoding = 'utf-8')",
            [str(path)],
        )
        _SEED_TABLES[content] = con.sql(f'SELECT * FROM seeds."{name}"').to_arrow_table()
    return seeds


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
