"""Tiny hand-made bronze rows for lakehouse tests: a register and returns in a few lines.

    lh = Lakehouse()
    lh.school(100001)
    lh.add_return(100001, responses={"PRO1": "not"}, filtering="locked_down")
    lh.build(as_of=date(2026, 11, 1))
    lh.area(100001, "provision")["grade"]

Every return defaults to a clean one: all indicators fully in place, every policy
reviewed 30 days before completion, every staff group fully trained.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from lakehouse import spec
from lakehouse.build import BuildResult, build
from lakehouse.db import ensure_bronze

ROUND = "2026/27"
COMPLETED = date(2026, 10, 1)
AS_OF = date(2026, 11, 1)
INGESTED = datetime(2026, 10, 2, 9, 0)
# A version 2 standards check with every standard met, for a return completed on COMPLETED.
GOOD_CHECKS: dict[str, tuple[str | None, date | None]] = {
    "fm_senior_leader": ("Headteacher", None),
    "fm_governor": ("yes", None),
    "fm_review": (None, date(2026, 3, 1)),
    "fm_review_recorded": ("yes", None),
    "filter_provider": ("LGfL", None),
    "filter_all_connections": ("yes", None),
    "filter_illegal_blocked": ("yes", None),
    "filter_test": ("pass", date(2026, 9, 1)),
    "monitor_provider": ("Smoothwall", None),
    "monitor_dsl_alerts": ("yes", None),
    "monitor_all_devices": ("yes", None),
}


class Lakehouse:
    """A DuckDB database (in memory unless given one) that tests fill with bronze rows.

    Its builds leave out the data tests unless ``data_tests=True``: a test here
    reads a few hand-made rows to check one rule, and some 150 such builds a run
    would each spend a third of their time on the 130 data tests. tests/test_build.py
    builds with them, and every build the commands run (the sample counties
    included) runs them.
    """

    def __init__(
        self, con: duckdb.DuckDBPyConnection | None = None, *, data_tests: bool = False
    ) -> None:
        # one thread: on a few rows DuckDB's second thread only adds the cost of sharing work
        self.con = con or duckdb.connect(config={"threads": 1})
        self.data_tests = data_tests
        ensure_bronze(self.con)
        self._files = 0
        self.result: BuildResult | None = None

    # ------------------------------------------------------------------ register

    def school(
        self,
        urn: int,
        name: str | None = None,
        *,
        phase: str | None = "Primary",
        establishment_type: str | None = "Community school",
        type_group: str | None = "Local authority maintained schools",
        status: str | None = "Open",
        district: str | None = "Ashford",
        district_code: str | None = "E07000105",
        has_type_column: bool = True,
        loaded_at: datetime = datetime(2026, 9, 1, 8, 0),
        source_sha256: str = "register-1",
        pupils: int | None = 200,
    ) -> int:
        """Add one register row for ``urn``."""
        self.con.execute(
            "INSERT INTO bronze.register (urn, name, phase, establishment_type, type_group, status,"
            " la_name, district, district_code, postcode, easting, northing, lat, lon, pupils,"
            " has_type_column, source_file, source_sha256, loaded_at)"
            " VALUES (?, ?, ?, ?, ?, ?, 'Kent', ?, ?, 'TN1 1AA', NULL, NULL, 51.1, 0.8, ?, ?,"
            " 'register.csv', ?, ?)",
            [
                urn,
                name or f"School {urn}",
                phase,
                establishment_type,
                type_group,
                status,
                district,
                district_code,
                pupils,
                has_type_column,
                source_sha256,
                loaded_at,
            ],
        )
        return urn

    # ------------------------------------------------------------------ returns

    def add_return(
        self,
        urn: int,
        round: str = ROUND,
        completed_on: date = COMPLETED,
        *,
        responses: dict[str, str | None] | None = None,
        default: str | None = "fully",
        filtering: str | None = "managed",
        pupils_offsite: int | None = 0,
        pupil_survey_pct: float | None = None,
        policies: dict[str, date | None | str] | None = None,
        training: dict[str, tuple[int | None, int | None]] | None = None,
        incidents: dict[str, int] | None = None,
        ingested_at: datetime | None = None,
        sections_missing: tuple[str, ...] = (),
        version: int = 1,
        checks: dict[str, tuple[str | None, date | None]] | None = None,
        fm_sheet: bool | None = None,
    ) -> str:
        """Add one loaded return; returns its return_id.

        ``responses`` overrides single indicators (None = unanswered); every other
        indicator gets ``default``. ``policies`` maps a policy to its last review date,
        None for never, or "absent" to leave the row out; others are reviewed 30 days
        before completion. ``training`` maps a staff group to (headcount, trained); the
        other groups have 10 staff, all trained. ``sections_missing`` ("policies",
        "training") leaves a whole section out as the reader stores it: policy rows all
        blank, no training rows.

        ``version=2`` adds the version 2 statements and policies and the standards check:
        every check in place (``GOOD_CHECKS``) unless ``checks`` maps a key to
        (answer, checked_on); ``fm_sheet=False`` stores it as a return without the sheet
        (every check unanswered).
        """
        # numbered from the rows already there, so a second Lakehouse on the same file
        # never repeats a sha256
        self._files = self.con.execute("SELECT count(*) FROM bronze.files").fetchone()[0] + 1
        sha = hashlib.sha256(f"{urn}|{round}|{self._files}".encode()).hexdigest()
        ingested_at = ingested_at or INGESTED + timedelta(minutes=self._files)
        self.con.execute(
            "INSERT INTO bronze.files (file_name, path, sha256, size_bytes, kind, status, reason,"
            " urn, round, ingested_at, batch_id) VALUES (?, ?, ?, 100, 'return', 'loaded', NULL,"
            " ?, ?, ?, 'batch')",
            [f"{urn}.xlsx", f"/in/{urn}.xlsx", sha, urn, round, ingested_at],
        )
        self.con.execute(
            "INSERT INTO bronze.returns (sha256, file_name, ingested_at, urn, round, completed_on,"
            " school_name, completed_by, filtering, filtering_raw, monitoring, monitoring_raw,"
            " pupils_offsite, pupil_survey_pct, return_version, fm_sheet) VALUES (?, ?, ?, ?, ?, ?,"
            " NULL, 'DSL', ?, ?, NULL, NULL, ?, ?, ?, ?)",
            [
                sha,
                f"{urn}.xlsx",
                ingested_at,
                urn,
                round,
                completed_on,
                filtering,
                filtering,
                pupils_offsite,
                pupil_survey_pct,
                version,
                version >= 2 if fm_sheet is None else fm_sheet,
            ],
        )
        if version >= 2 and fm_sheet is not False:
            given = {**GOOD_CHECKS, **(checks or {})}
            self._insert(
                "INSERT INTO bronze.fm_checks (sha256, check_key, answer, checked_on)"
                " VALUES (?, ?, ?, ?)",
                [[sha, key, *given.get(key, (None, None))] for key in given],
            )
        answers = {r["indicator_id"]: default for r in spec.indicators(version)}
        answers.update(responses or {})
        self._insert(
            "INSERT INTO bronze.responses VALUES (?, ?, ?, ?, NULL, NULL)",
            [[sha, ind, resp, resp] for ind, resp in answers.items()],
        )
        reviewed: dict[str, Any] = {
            p["policy"]: completed_on - timedelta(days=30) for p in spec.policies(version)
        }
        reviewed.update(policies or {})
        if "policies" in sections_missing:
            self._insert(
                "INSERT INTO bronze.policies VALUES (?, ?, NULL, NULL, NULL, NULL, NULL, NULL)",
                [[sha, p["policy"]] for p in spec.policies(version)],
            )
        else:
            self._insert(
                "INSERT INTO bronze.policies VALUES (?, ?, ?, NULL, true, true, true, NULL)",
                [[sha, policy, when] for policy, when in reviewed.items() if when != "absent"],
            )
        staff: dict[str, tuple[int | None, int | None]] = {
            g["staff_group"]: (10, 10) for g in spec.staff_groups()
        }
        staff.update(training or {})
        if "training" not in sections_missing:
            self._insert(
                "INSERT INTO bronze.training VALUES (?, ?, ?, ?, NULL)",
                [[sha, group, hc, tr] for group, (hc, tr) in staff.items()],
            )
        self._insert(
            "INSERT INTO bronze.incidents VALUES (?, ?, ?, NULL)",
            [[sha, cat, n] for cat, n in (incidents or {"websites": 1}).items()],
        )
        return sha[:16]

    def _insert(self, sql: str, rows: list[list[Any]]) -> None:
        """``sql``, an INSERT of one row of ``?``, for every row of ``rows`` in one statement.

        Not executemany, which DuckDB runs a row at a time: a return is some forty rows
        and a run of the tests writes hundreds of returns. Each ``?`` becomes ``unnest``
        of that column's values as one list: a third of the work of binding a VALUES row
        of parameters for every row.
        """
        if not rows:
            return
        head, _, one_row = sql.rpartition(" VALUES ")
        select = one_row.strip().removeprefix("(").removesuffix(")").replace("?", "unnest(?)")
        self.con.execute(
            f"{head} SELECT {select}", [list(column) for column in zip(*rows, strict=True)]
        )

    # ------------------------------------------------------------------ build and read

    def build(
        self,
        as_of: date = AS_OF,
        round: str | None = None,
        seeds_dir: Path | None = None,
    ) -> BuildResult:
        self.result = build(
            self.con,
            as_of=as_of,
            round=round,
            seeds_dir=seeds_dir,
            with_data_tests=self.data_tests,
        )
        return self.result

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        """Rows of a query as dicts."""
        cursor = self.con.execute(sql, params or [])
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    def area(self, urn: int, area: str, round: str = ROUND) -> dict[str, Any]:
        """The gold.area_scores row of one school, area and round."""
        found = self.rows(
            "SELECT * FROM gold.area_scores WHERE urn = ? AND area = ? AND round = ?",
            [urn, area, round],
        )
        assert len(found) == 1, f"expected one {area} row for {urn} in {round}, got {len(found)}"
        return found[0]

    def flags(self, urn: int) -> dict[str, dict[str, Any]]:
        """The school's gold.support_flags rows keyed by flag."""
        return {
            r["flag"]: r for r in self.rows("SELECT * FROM gold.support_flags WHERE urn = ?", [urn])
        }

    def freshness(self, urn: int) -> dict[str, dict[str, Any]]:
        """The school's gold.policy_freshness rows keyed by policy."""
        return {
            r["policy"]: r
            for r in self.rows("SELECT * FROM gold.policy_freshness WHERE urn = ?", [urn])
        }

    def standards(self, urn: int, round: str = ROUND) -> dict[int, dict[str, Any]]:
        """The school's gold.fm_standards rows of one round keyed by standard."""
        return {
            r["standard"]: r
            for r in self.rows(
                "SELECT * FROM gold.fm_standards WHERE urn = ? AND round = ?", [urn, round]
            )
        }

    def gold_school(self, urn: int) -> dict[str, Any]:
        (row,) = self.rows("SELECT * FROM gold.school_overview WHERE urn = ?", [urn])
        return row


class SchoolPerCase:
    """One county, built once, where each case is one school's one return.

    For the tests of a rule that reads nothing but a school's own return (its flags, its
    standards): several schools cannot change one another's result, so one build serves
    every case where each case built a county of its own before. A case is the keyword
    arguments of ``Lakehouse.add_return``; the school of a case not given here is asked
    for with an error naming it, so a new test adds its case to the list rather than
    reading another school's.
    """

    def __init__(
        self, cases: Iterable[Mapping[str, Any]], as_of: date = AS_OF, first_urn: int = 200001
    ) -> None:
        self.lh = Lakehouse()
        self._urns: dict[str, int] = {}
        for case in cases:
            key = _case_key(case)
            if key not in self._urns:
                urn = first_urn + len(self._urns)
                self.lh.school(urn)
                self.lh.add_return(urn, **case)
                self._urns[key] = urn
        self.lh.build(as_of=as_of)

    def urn(self, **case: Any) -> int:
        """The school whose return is ``case``."""
        try:
            return self._urns[_case_key(case)]
        except KeyError:
            raise KeyError(f"no school sent in the return {case}: add it to the cases") from None


def _case_key(value: Any) -> str:
    """The same text for equal cases, whatever order their dicts were written in."""

    def canonical(item: Any) -> Any:
        if isinstance(item, Mapping):
            return tuple(sorted((key, canonical(v)) for key, v in item.items()))
        if isinstance(item, list | tuple):
            return tuple(canonical(v) for v in item)
        return item

    return repr(canonical(value))
