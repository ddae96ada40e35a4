"""What every read shares: the filters as SQL, what is loaded, and the round.

Each read takes an open DuckDB connection (a cursor per call is the caller's job)
and, where it narrows, a ``lakehouse.filters.Filters``. The filters become SQL in one
place, :func:`filter_sql`, every value bound as a parameter; table, column, area and
measure names come from allow-lists, never from the caller's text. Reads return
snake_case frames carrying gold's labels: display headers are presentation's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from lakehouse import spec
from lakehouse.filters import Filters
from lakehouse.sql import Con, rows, scalar

AREAS: tuple[str, ...] = tuple(
    r["area"] for r in sorted(spec.areas(), key=lambda r: int(r["sort_order"]))
)


# gold's lookups: kind -> (table, code column, label column, order column, rows); the
# identifiers are these constants, never a caller's text
_LOOKUPS: dict[str, tuple[str, str, str, str, str]] = {
    "area": ("gold.areas", "area", "area_label", "area_order", "true"),
    "setting": ("gold.settings", "setting", "setting_label", "setting_order", "true"),
    "filtering": (
        "gold.filtering_approaches", "filtering", "filtering_label", "filtering_order", "true"
    ),
    "priority": ("gold.priorities", "priority", "priority_label", "priority_order", "true"),
    "return_status": ("gold.return_statuses", "status", "status_label", "status_order", "true"),
    "freshness": ("gold.freshness_statuses", "status", "status_label", "status_order", "true"),
    "fm_status": ("gold.fm_vocabulary", "code", "label", "sort_order", "vocabulary = 'fm_status'"),
    "fm_standard": (
        "gold.fm_vocabulary", "code", "label", "sort_order", "vocabulary = 'fm_standard'"
    ),
}  # fmt: skip


def _lookup(con: Con, kind: str) -> dict[Any, Any]:
    table, code, label, order, which = _LOOKUPS[kind]
    return dict(rows(con, f"SELECT {code}, {label} FROM {table} WHERE {which} ORDER BY {order}"))


def area_labels(con: Con) -> dict[str, str]:
    """Area code -> label, in order (gold.areas: the words the database was built with)."""
    return _lookup(con, "area")


def setting_labels(con: Con) -> dict[str, str]:
    """Setting code -> label, in the council's order (gold.settings)."""
    return _lookup(con, "setting")


def filtering_labels(con: Con) -> dict[str, str]:
    """Filtering approach code -> label, in order (gold.filtering_approaches)."""
    return _lookup(con, "filtering")


def priority_labels(con: Con) -> dict[str, str]:
    """Priority code -> label, in order (gold.priorities)."""
    return _lookup(con, "priority")


def priority_descriptions(con: Con) -> dict[str, str]:
    """Priority code -> what it means, in order (gold.priorities)."""
    return dict(
        rows(
            con,
            "SELECT priority, priority_description FROM gold.priorities ORDER BY priority_order",
        )
    )


def grade_bands(con: Con) -> list[tuple[int, str, float]]:
    """(grade, label, lowest score that earns it), best first (gold.grades)."""
    return [
        (int(g), str(w), float(m))
        for g, w, m in rows(
            con, "SELECT grade, grade_label, min_score FROM gold.grades ORDER BY grade"
        )
    ]


def return_status_labels(con: Con) -> dict[str, str]:
    """Return status code -> label, in order (gold.return_statuses)."""
    return _lookup(con, "return_status")


def freshness_labels(con: Con) -> dict[str, str]:
    """Policy freshness status -> label, in order (gold.freshness_statuses)."""
    return _lookup(con, "freshness")


def freshness_windows(con: Con) -> dict[str, int | None]:
    """Policy freshness status -> the most days since review it allows (None: no bound)."""
    return dict(rows(con, "SELECT status, max_days FROM gold.freshness_statuses"))


def fm_status_labels(con: Con) -> dict[str, str]:
    """DfE standards status code -> label, in order (gold.fm_vocabulary): Met, Partly met, ..."""
    return _lookup(con, "fm_status")


def fm_standard_labels(con: Con) -> dict[int, str]:
    """DfE standard number -> name, in order (gold.fm_vocabulary)."""
    return {int(code): str(label) for code, label in _lookup(con, "fm_standard").items()}


# SQL for the database's words for a value the data do not give (a school with no district,
# setting or filtering approach), to name that group in a read
NOT_KNOWN = "(SELECT label FROM gold.blank_labels WHERE blank = 'not_known')"


def blank_labels(con: Con) -> dict[str, str]:
    """What is shown where the data have no value: kind -> label (gold.blank_labels), e.g.
    ``insufficient_evidence``, ``no_return``, ``not_known``, ``any_filtering``."""
    return dict(rows(con, "SELECT blank, label FROM gold.blank_labels"))


# table -> filter field -> column; a table without a field is not narrowed by it
_FILTER_COLUMNS: dict[str, dict[str, str]] = {
    "gold.school_overview": {
        "district": "district",
        "setting": "setting",
        "filtering": "filtering",
    },
    "gold.grade_distribution": {
        "round": "round",
        "district": "district",
        "setting": "setting",
        "filtering": "filtering",
    },
    "gold.school_rounds": {
        "round": "round",
        "district": "district",
        "setting": "setting",
        "filtering": "filtering",
    },
    "gold.returns_status": {"round": "round", "district": "district", "setting": "setting"},
    "gold.fm_standards": {
        "round": "round",
        "district": "district",
        "setting": "setting",
        "filtering": "filtering",
    },
}


@dataclass(frozen=True)
class FilterOptions:
    """The choices the sidebar offers, read from the data."""

    rounds: tuple[str, ...]
    current_round: str | None
    districts: tuple[str, ...]
    settings: tuple[str, ...]


def filter_sql(
    table: str,
    f: Filters,
    alias: str = "",
    skip: tuple[str, ...] = (),
) -> tuple[str, list[Any]]:
    """The one place filters become SQL: ' AND '-joined clauses and their bound values.

    The round is ``f.round`` as the caller resolved it (``resolve_round``); no round
    means no rounds are loaded, so a table narrowed by round has nothing to show.
    """
    cols = _FILTER_COLUMNS[table]
    prefix = f"{alias}." if alias else ""
    clauses: list[str] = []
    params: list[Any] = []
    if "round" in cols and "round" not in skip:
        clauses.append(f"{prefix}{cols['round']} = ?")
        params.append(f.round)
    if "district" in cols and "district" not in skip and f.districts:
        clauses.append(f"{prefix}{cols['district']} IN ({', '.join('?' * len(f.districts))})")
        params.extend(f.districts)
    if "setting" in cols and "setting" not in skip and f.settings:
        clauses.append(f"{prefix}{cols['setting']} IN ({', '.join('?' * len(f.settings))})")
        params.extend(f.settings)
    if "filtering" in cols and "filtering" not in skip and f.filtering:
        clauses.append(f"{prefix}{cols['filtering']} = ?")
        params.append(f.filtering)
    return (" AND ".join(clauses) or "TRUE"), params


def has_data(con: Con) -> bool:
    """True when the gold layer is built and lists at least one school."""
    found = scalar(
        con,
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_schema = 'gold' AND table_name IN ('school_overview', 'build_info', 'rounds')",
    )
    return found == 3 and bool(scalar(con, "SELECT count(*) FROM gold.school_overview"))


# the lookups packs and pages take their words from (labels); a database built before one of
# them existed cannot be shown until it is rebuilt
LOOKUP_TABLES: tuple[str, ...] = tuple(
    dict.fromkeys([*(t for t, *_ in _LOOKUPS.values()), "gold.grades", "gold.blank_labels"])
)


def missing_lookups(con: Con) -> list[str]:
    """The gold lookup tables (:data:`LOOKUP_TABLES`) the database lacks: none once it was
    built by this version."""
    have = {
        f"gold.{name}"
        for (name,) in rows(
            con, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'gold'"
        )
    }
    return [t for t in LOOKUP_TABLES if t not in have]


def outdated(con: Con) -> str | None:
    """Why the database cannot be shown until it is rebuilt, in one line; None when it can."""
    missing = missing_lookups(con)
    if not missing:
        return None
    return (
        f"the database was built by an older version of the dashboard ({missing[0]} is "
        "missing): rebuild it with `python -m lakehouse build`"
    )


def build_info(con: Con) -> dict[str, str]:
    """gold.build_info as a dict (as_of, current_round, previous_round, built_at, ...)."""
    return dict(rows(con, "SELECT key, value FROM gold.build_info"))


def built_rule(info: dict[str, str], name: str) -> float:
    """A rule's number as the database was built with it (``seed:rules:<name>`` in
    :func:`build_info`): what a page says beside figures counted by that rule."""
    return float(info[f"seed:rules:{name}"])


def filter_options(con: Con) -> FilterOptions:
    """Rounds (newest first), current round, districts and settings present."""
    rounds = tuple(r for (r,) in rows(con, "SELECT round FROM gold.rounds ORDER BY round DESC"))

    def present(column: str) -> tuple[str, ...]:
        # column: 'district' or 'setting', a literal of this module
        return tuple(
            v
            for (v,) in rows(
                con,
                f"SELECT DISTINCT {column} FROM gold.school_overview "
                f"WHERE {column} IS NOT NULL ORDER BY 1",
            )
        )

    current = current_round(con) or (rounds[0] if rounds else None)
    return FilterOptions(rounds, current, present("district"), present("setting"))


def resolve_round(f: Filters, options: FilterOptions) -> Filters:
    """The one place "no round chosen" becomes the current round.

    Pages (``ui.app.page_context``) and packs call it once and pass the resulting
    filters to every query, so no query looks the current round up for itself.
    """
    return f if f.round else f.with_(round=options.current_round)


def with_current_round(con: Con, f: Filters) -> Filters:
    """``resolve_round`` reading the choices from the database (packs, scripts, tests)."""
    return resolve_round(f, filter_options(con))


def current_round(con: Con) -> str | None:
    """The build's current round (None before any round is loaded)."""
    return build_info(con).get("current_round") or None


def as_of_date(con: Con) -> date | None:
    """The build's as-of date: what "late", "missing" and days to a deadline count from."""
    value = build_info(con).get("as_of")
    return date.fromisoformat(value) if value else None


def tenths(value: float) -> float:
    """A percentage to one decimal, half up."""
    # half up to one decimal (the builtin is shadowed by the contract's ``round``)
    return int(value * 10 + 0.5) / 10


@dataclass(frozen=True)
class Labels:
    """The words a pack or page gives codes, from gold's lookup tables: a database built
    with a council's renamed seeds reads the same in every output made from it."""

    areas: dict[str, str]  # area -> name, in order
    settings: dict[str, str]  # setting -> label, in order
    filtering: dict[str, str]  # filtering approach -> label, in order
    priorities: dict[str, str]  # priority -> label, in order
    bands: list[tuple[int, str, float]]  # (grade, label, lowest score), best first
    blanks: dict[str, str]  # kind of absent value -> label
    return_statuses: dict[str, str]  # return status -> label, in order
    freshness: dict[str, str]  # policy freshness status -> label, in order
    freshness_days: dict[str, int | None]  # freshness status -> most days since review
    fm_statuses: dict[str, str]  # DfE standards status -> label, in order
    fm_standards: dict[int, str]  # DfE standard number -> name, in order

    @property
    def grades(self) -> dict[int, str]:
        """Grade -> label, best first."""
        return {g: w for g, w, _ in self.bands}

    def grade_columns(self) -> list[str]:
        """Every grade's label best first, then the insufficient-evidence label."""
        return [*self.grades.values(), self.blanks["insufficient_evidence"]]


def labels(con: Con) -> Labels:
    """Every lookup's words at once (one cursor per query is the caller's: ``con`` may be
    a cursor used for each in turn)."""
    return Labels(
        areas=area_labels(con),
        settings=setting_labels(con),
        filtering=filtering_labels(con),
        priorities=priority_labels(con),
        bands=grade_bands(con),
        blanks=blank_labels(con),
        return_statuses=return_status_labels(con),
        freshness=freshness_labels(con),
        freshness_days=freshness_windows(con),
        fm_statuses=fm_status_labels(con),
        fm_standards=fm_standard_labels(con),
    )
