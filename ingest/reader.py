"""Read one school's return workbook.

:func:`read_return` applies every rule of ``docs/return-format.md`` (the
sheets, the tolerance rules, the rejection reasons) to one file and never
raises for bad content: a file that is not a usable return comes back with
``rejection`` set, problems inside a usable return come back as
:class:`Message` rows tied to ``Sheet!Cell``. :func:`read_file` is the only
way a return's bytes are read from disk: it refuses anything that is not a
regular file without opening it, and anything over the size limit unread.
Running many files into bronze is :mod:`ingest.batch`'s job.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import errno
import hashlib
import os
import signal
import stat
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, NamedTuple, TypeVar, cast

from ingest import values as v
from ingest.layout import (
    COLUMNS,
    EARLIEST_COMPLETED,
    FILTERING_MONITORING,
    REQUIRED_COLUMNS,
    SCHOOL,
    SELF_REVIEW,
    SELF_REVIEW_KEYS,
    WORKBOOK_EXTENSIONS,
)
from ingest.limits import file_size_problem, limits
from ingest.values import normalise
from ingest.workbook import Sheet, Table, Workbook, WorkbookError
from lakehouse.seeds import SEEDS_ENV, read_seed, rule
from lakehouse.spec import (
    fm_checks,
    incident_categories,
    indicators,
    policies,
    policy_required,
    school_fields,
    staff_groups,
    v2_message,
)


@dataclass(frozen=True, slots=True)
class Message:
    """A problem found in a file: ``severity`` is 'error' or 'warning'."""

    severity: str
    location: str | None
    message: str


class ResponseRow(NamedTuple):
    indicator_id: str
    response: str | None
    raw_response: str | None
    evidence: str | None
    location: str | None


class PolicyRow(NamedTuple):
    policy: str
    last_reviewed: dt.date | None
    raw_last_reviewed: str | None
    approved_by_governors: bool | None
    pupils_consulted: bool | None
    families_consulted: bool | None
    location: str | None


class FmCheckRow(NamedTuple):
    """One check of the Filtering and monitoring sheet (version 2); all None when absent."""

    check_key: str
    answer: str | None = None  # text, 'yes'/'no', 'pass'/'fail'; None when unanswered
    raw_answer: str | None = None
    checked_on: dt.date | None = None
    raw_date: str | None = None
    notes: str | None = None
    location: str | None = None  # the Answer cell
    date_location: str | None = None


class TrainingRow(NamedTuple):
    staff_group: str
    headcount: int | None
    trained: int | None
    location: str | None


class IncidentRow(NamedTuple):
    category: str
    # named as its bronze column; it hides tuple.count, which no caller uses
    count: int | None  # type: ignore[assignment]
    location: str | None


@dataclass
class ReturnRead:
    """One file read: ``rejection`` is a one-line reason, or None when it is a usable return."""

    file_name: str
    rejection: str | None = None
    messages: list[Message] = field(default_factory=list)
    urn: int | None = None
    round: str | None = None
    completed_on: dt.date | None = None
    school_name: str | None = None
    completed_by: str | None = None
    filtering: str | None = None
    filtering_raw: str | None = None
    monitoring: str | None = None
    monitoring_raw: str | None = None
    pupils_offsite: int | None = None
    pupil_survey_pct: float | None = None
    responses: list[ResponseRow] = field(default_factory=list)
    policies: list[PolicyRow] = field(default_factory=list)
    training: list[TrainingRow] = field(default_factory=list)
    incidents: list[IncidentRow] = field(default_factory=list)
    return_version: int = 1
    fm_sheet: bool = False  # the workbook has a Filtering and monitoring sheet
    fm_checks: list[FmCheckRow] = field(default_factory=list)
    sha256: str | None = None
    size_bytes: int | None = None

    @property
    def ok(self) -> bool:
        return self.rejection is None

    def count(self, severity: str) -> int:
        return sum(1 for m in self.messages if m.severity == severity)


class _Rejected(Exception):
    def __init__(self, reason: str, location: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.location = location


def _aliases(*texts: str) -> set[str]:
    """Normalised forms of names, also without a trailing '(...)' (``Completed by``)."""
    out: set[str] = set()
    for t in texts:
        out.add(normalise(t))
        if "(" in t:
            out.add(normalise(t.split("(")[0]))
    out.discard("")
    return out


def _lookup(rows: tuple[dict[str, str], ...], key: str) -> dict[str, str]:
    """Normalised label or key -> key, for a vocabulary seed's rows."""
    table: dict[str, str] = {}
    for r in rows:
        for alias in _aliases(r["label"], r[key]):
            table.setdefault(alias, r[key])
    return table


def _labels(seed_rows: tuple[dict[str, str], ...], key: str) -> dict[str, str]:
    return {r[key]: r["label"] for r in seed_rows}


class _Vocabulary(NamedTuple):
    """One table's rows: cell text -> key, key -> label, keys in the seed's order."""

    lookup: dict[str, str]
    labels: dict[str, str]
    order: tuple[str, ...]

    @classmethod
    def of(cls, rows: tuple[dict[str, str], ...], key: str) -> _Vocabulary:
        return cls(_lookup(rows, key), _labels(rows, key), tuple(r[key] for r in rows))


# (policies a return lists, those counted in its round, key -> label)
_PolicyPlan = tuple[list[str], frozenset[str], dict[str, str]]


class _Plan:
    """What the seeds say about reading a return, worked out once per seed folder.

    Every file of a batch asks for the same vocabularies and rules, and the seeds do
    not change during a batch; a council's own folder (``$ESAFETY_SEEDS``) gets its
    own plan.
    """

    def __init__(self) -> None:
        self.fields = _lookup(school_fields(None), "field")
        self.field_labels = _labels(school_fields(), "field")
        every = indicators(None)
        self.by_id = {normalise(r["indicator_id"]): r["indicator_id"] for r in every}
        self.by_statement = {normalise(r["statement"]): r["indicator_id"] for r in every}
        self.policy_lookup = _lookup(policies(None), "policy")
        checks = fm_checks()
        self.check_lookup = _lookup(checks, "check_key")
        self.check_keys = tuple(r["check_key"] for r in checks)
        self.checks = {r["check_key"]: r for r in checks}
        self.staff = _Vocabulary.of(staff_groups(), "staff_group")
        self.incidents = _Vocabulary.of(incident_categories(), "category")
        self.unanswered_share = rule("incomplete_unanswered_share")
        self._statements: dict[int, tuple[list[str], frozenset[str]]] = {}
        self._policies: dict[tuple[int, str | None], _PolicyPlan] = {}

    def statements(self, version: int) -> tuple[list[str], frozenset[str]]:
        """(the statements a return of ``version`` answers, in order; the same as a set)."""
        if version not in self._statements:
            ids = [r["indicator_id"] for r in indicators(version)]
            self._statements[version] = ids, frozenset(ids)
        return self._statements[version]

    def policies(self, version: int, round: str | None) -> _PolicyPlan:
        """(policies a return of ``version`` lists, those counted in ``round``, key -> label)."""
        key = (version, round)
        if key not in self._policies:
            listed = policies(version)
            counted = frozenset(r["policy"] for r in listed if policy_required(r, round))
            self._policies[key] = [r["policy"] for r in listed], counted, _labels(listed, "policy")
        return self._policies[key]


_Answer = TypeVar("_Answer")


def _remembering(parse: Callable[[object], _Answer]) -> Callable[[object], _Answer]:
    """``parse`` with its answers kept: the cells of thousands of returns hold the same few
    values ('Fully in place', 'Yes', a date), and a parser's answer depends on the value
    alone (``typed``: ``1``, ``1.0`` and ``True`` stay apart)."""
    # no wrapper around the cache: a cell value is a str, int, float, bool, date,
    # datetime, time, timedelta or None (calamine gives nothing else), all hashable
    return cast("Callable[[object], _Answer]", lru_cache(maxsize=4096, typed=True)(parse))


def _response_and_text(value: object) -> tuple[str | None, str | None, str | None]:
    """A response cell's (response, problem, its text as kept): one remembered answer."""
    response, problem = v.parse_response(value)
    return response, problem, v.text(value)


_parse_response_and_text = _remembering(_response_and_text)
_parse_yes_no = _remembering(v.parse_yes_no)
_parse_date = _remembering(v.parse_date)
_parse_count = _remembering(v.parse_count)
_parse_filtering = _remembering(v.parse_filtering)


def _monitoring(value: object) -> tuple[tuple[str, ...], tuple[str, ...]]:
    keys, problems = v.parse_monitoring(value)
    return tuple(keys), tuple(problems)  # a remembered answer is shared, so it cannot change


_parse_monitoring = _remembering(_monitoring)
_parse_pass_fail = _remembering(v.parse_pass_fail)
_says_nothing = _remembering(v.says_nothing)


@cache
def _plan_in(_folder: str | None) -> _Plan:
    return _Plan()


def _plan() -> _Plan:
    return _plan_in(os.environ.get(SEEDS_ENV))


def section_warning(section: str) -> str:
    """The one warning for a return that leaves out a whole section (seeds/return_sections.csv)."""
    for row in read_seed("return_sections"):
        if row["section"] == section:
            return row["warning"]
    raise KeyError(section)


class _Reader:
    def __init__(self, file_name: str, register_urns: Collection[int] | None, today: dt.date):
        self.out = ReturnRead(file_name=file_name)
        self.register_urns = register_urns
        self.today = today
        self.plan = _plan()
        self._version_cell: tuple[object, str | None] = (None, None)

    def warn(self, location: str | None, message: str) -> None:
        self.out.messages.append(Message("warning", location, message))

    def error(self, location: str | None, message: str) -> None:
        self.out.messages.append(Message("error", location, message))

    def read(self, book: Workbook) -> ReturnRead:
        try:
            self._school(book)
        except _Rejected as rejected:
            self.out.rejection = rejected.reason
            self.out.messages = [Message("error", rejected.location, rejected.reason)]
            return self.out
        fm_sheet = book.sheet(FILTERING_MONITORING)
        self._version(fm_sheet is not None)
        self._self_review(book.sheet("Self-review"))
        self._policies(book.sheet("Policies"))
        if self.out.return_version >= 2:
            self._filtering_monitoring(fm_sheet)
        self._training(book.sheet("Training"))
        self._incidents(book.sheet("Incidents"))
        return self.out

    # -- Version (RETURN-v2.md: the field says 2, or the workbook has the sheet) ----------
    def _version(self, has_sheet: bool) -> None:
        raw, ref = self._version_cell
        stated, problem = v.parse_version(raw)
        if problem:
            self.warn(ref, f"Return version: '{problem}' {v2_message('version_unreadable')}")
        self.out.fm_sheet = has_sheet
        self.out.return_version = 2 if stated == 2 or has_sheet else 1
        if stated == 2 and not has_sheet:
            self.warn(ref, v2_message("version_without_sheet"))
        elif stated == 1 and has_sheet:
            self.warn(ref, v2_message("version_one_with_sheet"))

    # -- School ---------------------------------------------------------
    def _school_cells(self, sheet: Sheet) -> dict[str, tuple[object, str]]:
        """Field key -> (value, ref of the value cell); the first row for a field wins."""
        fields = self.plan.fields
        table = sheet.find_table(COLUMNS[SCHOOL], REQUIRED_COLUMNS[SCHOOL])
        cells: dict[str, tuple[object, str]] = {}
        if table is not None:
            for r, (field_cell, value) in table.records(("field", "value")):
                key = fields.get(normalise(field_cell))
                if key and key not in cells:
                    cells[key] = (value, table.ref("value", r) or "")
            return cells
        # No Field/Value header: read label/value pairs wherever a known label sits.
        for r, line in enumerate(sheet.rows):
            for c, cell in enumerate(line):
                key = fields.get(normalise(cell)) if isinstance(cell, str) else None
                if key and key not in cells:
                    cells[key] = (sheet.value(r, c + 1), sheet.ref(r, c + 1))
                    break
        return cells

    def _school(self, book: Workbook) -> None:
        sheet = book.sheet("School")
        if sheet is None:
            found = ", ".join(book.sheet_names) or "none"
            raise _Rejected(f"has no School sheet (sheets found: {found})")
        cells = self._school_cells(sheet)
        labels = self.plan.field_labels
        o = self.out

        def cell(key: str) -> tuple[object, str]:
            return cells.get(key, (None, f"{sheet.name}!?"))

        raw, ref = cell("urn")
        if "urn" not in cells:
            raise _Rejected("no valid URN: the School sheet has no URN row")
        urn, problem = v.parse_urn(raw)
        if problem:
            raise _Rejected(f"no valid URN: {problem} ({ref})", ref)
        o.urn = urn
        # The round is read before the register check so a rejected file keeps it on record.
        round_raw, round_ref = cell("round")
        o.round, round_problem = v.parse_round(round_raw)
        if self.register_urns is None:
            raise _Rejected(
                "no school register is loaded: load one first with "
                "'python -m ingest register FILE.csv'"
            )
        if urn not in self.register_urns:
            raise _Rejected(f"URN {urn} is not in the school register ({ref})", ref)
        if "round" not in cells:
            raise _Rejected("no collection round: the School sheet has no Collection round row")
        if round_problem:
            raise _Rejected(f"no valid collection round: {round_problem} ({round_ref})", round_ref)

        raw, ref = cell("completed_on")
        label = labels["completed_on"]
        if "completed_on" not in cells:
            raise _Rejected(f"no valid {label}: the School sheet has no {label} row")
        completed, problem = _parse_date(raw)
        if problem:
            raise _Rejected(f"no valid {label}: {problem} ({ref})", ref)
        if completed is None:
            raise _Rejected(f"no valid {label}: it is blank ({ref})", ref)
        if completed > self.today:
            raise _Rejected(f"no valid {label}: {completed:%d/%m/%Y} is in the future ({ref})", ref)
        if completed < EARLIEST_COMPLETED:
            raise _Rejected(f"no valid {label}: {completed:%d/%m/%Y} is before 2000 ({ref})", ref)
        o.completed_on = completed

        for key in ("school_name", "completed_by"):
            raw, ref = cell(key)
            if isinstance(raw, str) and v.strip_invisible(raw) != raw:  # drawn reversed/hidden
                self.warn(
                    ref,
                    f"{labels.get(key, key)}: invisible or direction-changing characters removed",
                )
        o.school_name = v.text(cell("school_name")[0])
        o.completed_by = v.text(cell("completed_by")[0])

        raw, ref = cell("filtering")
        o.filtering_raw = v.text(raw)
        o.filtering, problem = _parse_filtering(raw)
        if problem:
            self.warn(ref if "filtering" in cells else None, f"{labels['filtering']}: {problem}")

        raw, ref = cell("monitoring")
        o.monitoring_raw = v.text(raw)
        keys, problems = _parse_monitoring(raw)
        o.monitoring = ";".join(keys) if keys else None
        for problem in problems:
            self.warn(ref, f"{labels['monitoring']}: {problem}")

        raw, ref = cell("pupils_offsite")
        o.pupils_offsite, problem = _parse_count(raw)
        if problem:
            self.warn(ref, f"{labels['pupils_offsite']}: {problem}")

        raw, ref = cell("pupil_survey_pct")
        o.pupil_survey_pct, problem = v.parse_percentage(raw)
        if problem:
            self.warn(ref, f"{labels['pupil_survey_pct']}: {problem}")

        self._version_cell = cell("return_version")

    # -- Self-review ----------------------------------------------------
    def _self_review(self, sheet: Sheet | None) -> None:
        ids, wanted = self.plan.statements(self.out.return_version)
        found: dict[str, ResponseRow] = {}
        table = None
        if sheet is None:
            self.warn(None, "no Self-review sheet: every indicator is unanswered")
        else:
            table = sheet.find_table(COLUMNS[SELF_REVIEW], REQUIRED_COLUMNS[SELF_REVIEW])
            if table is not None and not set(SELF_REVIEW_KEYS) & table.columns.keys():
                table = None
            if table is None:
                self.warn(
                    None,
                    f"{sheet.name}: no header row with Indicator ID or Statement and Response:"
                    " every indicator is unanswered",
                )
        by_id, by_statement = self.plan.by_id, self.plan.by_statement
        columns = ("indicator_id", "statement", "response", "evidence")
        text, parse = v.text, _parse_response_and_text
        if table is not None:
            prefix = table.prefix("response")  # 'Self-review!C': a reference per row below
            for r, (given_id, statement, raw, evidence) in table.records(columns):
                indicator = by_id.get(normalise(given_id)) or by_statement.get(normalise(statement))
                if indicator not in wanted:
                    continue  # notes, totals, unknown rows and another version's rows are ignored
                ref = f"{prefix}{r + 1}"
                if indicator in found:
                    self.warn(ref, f"{indicator} appears more than once; the first row is used")
                    continue
                response, problem, raw_text = parse(raw)
                if problem:
                    self.warn(ref, f"{indicator}: {problem}; counted as unanswered")
                found[indicator] = ResponseRow(indicator, response, raw_text, text(evidence), ref)
        self.out.responses = [found.get(i) or ResponseRow(i, None, None, None, None) for i in ids]
        # one warning for a section left (mostly) blank, not one per statement
        unanswered = sum(1 for r in self.out.responses if r.response is None)
        if (
            sheet is not None
            and table is not None
            and ids
            and unanswered > self.plan.unanswered_share * len(ids)
        ):
            self.warn(
                None,
                f"{sheet.name}: {section_warning('self_review')} "
                f"({unanswered} of {len(ids)} unanswered)",
            )

    # -- Policies -------------------------------------------------------
    def _policies(self, sheet: Sheet | None) -> None:
        required, counted, labels = self.plan.policies(self.out.return_version, self.out.round)
        table = self._table(sheet, "Policies")
        lookup = self.plan.policy_lookup
        found: dict[str, PolicyRow] = {}
        flag_columns = ("approved_by_governors", "pupils_consulted", "families_consulted")
        if table is not None:
            for r, (policy, raw, *answers) in table.records(
                ("policy", "last_reviewed", *flag_columns)
            ):
                key = lookup.get(normalise(policy))
                if key is None or key in found or key not in labels:
                    continue
                ref = table.ref("last_reviewed", r)
                reviewed = self._date(raw, ref, labels[key], "not reviewed", "last reviewed ")
                flags = []
                for col, answer in zip(flag_columns, answers, strict=True):
                    value, problem = _parse_yes_no(answer)
                    if problem:
                        self.warn(table.ref(col, r), f"{labels[key]}: {problem}")
                    flags.append(value)
                approved, pupils, families = flags
                found[key] = PolicyRow(key, reviewed, v.text(raw), approved, pupils, families, ref)
        if table is not None and not found:
            # a whole section left out: one warning, not one per policy
            self.warn(None, f"Policies: {section_warning('policies')}")
        for key in required:
            if key in counted and key not in found and table is not None and found:
                self.warn(None, f"Policies: no row for '{labels[key]}'; counted as missing")
        self.out.policies = [
            found.get(k) or PolicyRow(k, None, None, None, None, None, None) for k in required
        ]

    # -- Filtering and monitoring (version 2) ----------------------------
    def _filtering_monitoring(self, sheet: Sheet | None) -> None:
        keys, kinds = self.plan.check_keys, self.plan.checks
        found: dict[str, FmCheckRow] = {}
        table = None
        if sheet is not None:
            table = sheet.find_table(
                COLUMNS[FILTERING_MONITORING], REQUIRED_COLUMNS[FILTERING_MONITORING]
            )
            if table is None:
                self.warn(
                    None,
                    f"{sheet.name}: no header row with Check and Answer: every standards check"
                    " is unanswered",
                )
        lookup = self.plan.check_lookup
        columns = ("check", "answer", "date", "notes")
        if table is not None:
            for r, (check, *cells) in table.records(columns):
                key = lookup.get(normalise(check))
                if key is None:
                    continue  # notes and unknown rows are ignored
                if key in found:
                    label = kinds[key]["label"]
                    self.warn(
                        table.ref("answer", r),
                        f"{label} appears more than once; the first row is used",
                    )
                    continue
                found[key] = self._check_row(kinds[key], table, r, *cells)
        self.out.fm_checks = [found[k] if k in found else FmCheckRow(k) for k in keys]

    def _check_row(
        self,
        check: dict[str, str],
        table: Table,
        r: int,
        raw: object,
        date_raw: object,
        notes: object,
    ) -> FmCheckRow:
        key, label, kind = check["check_key"], check["label"], check["answer_kind"]
        ref = table.ref("answer", r)
        raw_text = v.text(raw)
        answer = None
        if kind == "text":
            answer = None if _says_nothing(raw) else raw_text
        elif kind in ("yesno", "pass_fail"):
            value, problem = (_parse_yes_no if kind == "yesno" else _parse_pass_fail)(raw)
            if problem:
                self.warn(ref, f"{label}: {problem}; counted as unanswered")
            elif value is not None:
                answer = ("yes" if value else "no") if kind == "yesno" else str(value)
        date_ref: str | None = None
        if check["has_date"] == "true":
            if kind not in ("text", "yesno", "pass_fail") and v.is_blank(date_raw):
                # a review date typed in the Answer column is still the review date
                date_raw, date_ref = raw, ref
            if not v.is_blank(date_raw):
                date_ref = date_ref or table.ref("date", r)
                checked_on = self._date(date_raw, date_ref, label, "blank")
                return FmCheckRow(
                    key, answer, raw_text, checked_on, v.text(date_raw), v.text(notes), ref,
                    date_ref,
                )  # fmt: skip
        return FmCheckRow(key, answer, raw_text, None, None, v.text(notes), ref, None)

    def _date(
        self, raw: object, ref: str | None, label: str, unread: str, what: str = ""
    ) -> dt.date | None:
        """A date cell that is no later than Date completed; None, with a message on the
        cell, when it cannot be read (treated as ``unread``) or is later."""
        when, problem = _parse_date(raw)
        completed = self.out.completed_on
        if problem:
            self.warn(ref, f"{label}: {problem}; treated as {unread}")
            return None
        if when is not None and completed and when > completed:
            self.error(
                ref,
                f"{label}: {what}{when:%d/%m/%Y} is after the date completed "
                f"({completed:%d/%m/%Y}); treated as blank",
            )
            return None
        return when

    # -- Training -------------------------------------------------------
    def _training(self, sheet: Sheet | None) -> None:
        table = self._table(sheet, "Training")
        lookup, labels, order = self.plan.staff
        found: dict[str, TrainingRow] = {}
        columns = ("staff_group", "headcount", "trained")
        if table is not None:
            for r, (group, headcount_raw, trained_raw) in table.records(columns):
                key = lookup.get(normalise(group))
                if key is None or key in found:
                    continue
                headcount, problem = _parse_count(headcount_raw)
                if problem:
                    self.warn(table.ref("headcount", r), f"{labels[key]} headcount: {problem}")
                trained, problem = _parse_count(trained_raw)
                if problem:
                    self.warn(table.ref("trained", r), f"{labels[key]} trained: {problem}")
                if headcount is not None and trained is not None and trained > headcount:
                    self.error(
                        table.ref("trained", r),
                        f"{labels[key]}: {trained} trained is more than the headcount of "
                        f"{headcount}; the row is kept but not scored",
                    )
                found[key] = TrainingRow(key, headcount, trained, table.ref("staff_group", r))
        if table is not None and not found:
            self.warn(None, f"Training: {section_warning('training')}")
        self.out.training = [found[k] for k in order if k in found]

    # -- Incidents ------------------------------------------------------
    def _incidents(self, sheet: Sheet | None) -> None:
        table = self._table(sheet, "Incidents")
        lookup, labels, order = self.plan.incidents
        found: dict[str, IncidentRow] = {}
        if table is not None:
            for r, (category, raw) in table.records(("category", "count")):
                key = lookup.get(normalise(category))
                if key is None or key in found:
                    continue
                count, problem = _parse_count(raw)
                ref = table.ref("count", r)
                if problem:
                    self.warn(ref, f"{labels[key]}: {problem}")
                found[key] = IncidentRow(key, count, ref)
        self.out.incidents = [found[k] for k in order if k in found]

    def _table(self, sheet: Sheet | None, name: str) -> Table | None:
        if sheet is None:
            self.warn(None, f"no {name} sheet")
            return None
        table = sheet.find_table(COLUMNS[name], REQUIRED_COLUMNS[name])
        if table is None:
            headers = ", ".join(COLUMNS[name][k][0] for k in REQUIRED_COLUMNS[name])
            self.warn(None, f"{sheet.name}: no header row with {headers}; sheet not read")
        return table


def read_return_bytes(
    data: bytes, file_name: str, register_urns: Collection[int] | None, today: dt.date
) -> ReturnRead:
    """Read a return from a file's bytes; never raises for bad content."""
    out = _read_data(data, file_name, register_urns, today)
    out.sha256 = hashlib.sha256(data).hexdigest()
    out.size_bytes = len(data)
    return out


def _read_data(
    data: bytes, file_name: str, register_urns: Collection[int] | None, today: dt.date
) -> ReturnRead:
    try:
        book = Workbook.from_bytes(data)
        out = _Reader(file_name, register_urns, today).read(book)
    except WorkbookError as exc:
        out = ReturnRead(file_name=file_name, rejection=str(exc))
        out.messages = [Message("error", None, str(exc))]
    except Exception as exc:  # a bad file must never stop a batch
        reason = f"could not be read as a workbook: {type(exc).__name__}: {exc}"[:200]
        out = ReturnRead(file_name=file_name, rejection=reason)
        out.messages = [Message("error", None, reason)]
    return out


def read_return(path: Path, register_urns: Collection[int] | None, today: dt.date) -> ReturnRead:
    """Read one return workbook: a rejection reason, or the parsed return and its messages.

    ``register_urns`` is every URN in the school register (None when no register
    is loaded: every file is then rejected). ``today`` bounds ``Date completed``.
    """
    path = Path(path)
    data, problem = read_file(path)
    if data is None:
        reason = problem or "could not be read"
        return ReturnRead(
            file_name=path.name, rejection=reason, messages=[Message("error", None, reason)]
        )
    if path.suffix.lower() not in WORKBOOK_EXTENSIONS:
        reason = not_a_workbook_reason(path)
        out = ReturnRead(file_name=path.name, rejection=reason)
        out.messages = [Message("error", None, reason)]
        out.sha256 = hashlib.sha256(data).hexdigest()
        out.size_bytes = len(data)
        return out
    return read_return_bytes(data, path.name, register_urns, today)


_KINDS = (
    (stat.S_ISDIR, "is a folder, not a file"),
    (stat.S_ISFIFO, "is a named pipe (FIFO), not a file: not opened"),
    (stat.S_ISCHR, "is a character device, not a file: not opened"),
    (stat.S_ISBLK, "is a block device, not a file: not opened"),
    (stat.S_ISSOCK, "is a socket, not a file: not opened"),
)


def special_file_problem(mode: int) -> str | None:
    """Why a path whose ``stat`` mode is ``mode`` is not read, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((text for test, text in _KINDS if test(mode)), "is not a regular file: not opened")


def path_problem(path: str | os.PathLike[str]) -> tuple[os.stat_result | None, str | None]:
    """``stat`` a path without opening it: (its stat, None), or (None, why it cannot be read)."""
    try:
        st = os.stat(path)
    except OSError as exc:
        return None, _os_reason(path, exc)
    problem = special_file_problem(st.st_mode)
    return (None, problem) if problem else (st, None)


def _os_reason(path: str | os.PathLike[str], exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "is a symbolic link that loops back on itself: not read"
    if exc.errno == errno.ENOENT and os.path.islink(path):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        return f"is a symbolic link to '{display_name(target)}', which does not exist: not read"
    if isinstance(exc, PermissionError):
        return "could not be read: permission denied"
    return f"could not be read: {exc.strerror or exc}"


def suffix(name: str) -> str:
    """A file name's extension in lower case, as ``Path(name).suffix.lower()`` gives it
    ('' for '.xlsx' or 'return.')."""
    dot = name.rfind(".")
    return name[dot:].lower() if 0 < dot < len(name) - 1 else ""


def read_file(path: str | os.PathLike[str]) -> tuple[bytes | None, str | None]:
    """A return file's bytes, or (None, the reason they were not read).

    Only regular files are opened (checked before opening and again on the
    open descriptor, so a file swapped for a pipe in between is still not
    read), never blocking on a pipe, and never more than the size limit.
    """
    st, problem = path_problem(path)
    if problem:
        return None, problem
    if st is not None:
        problem = file_size_problem(st.st_size)
        if problem:
            return None, problem
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        return None, _os_reason(path, exc)
    try:
        st = os.fstat(fd)
        problem = special_file_problem(st.st_mode) or file_size_problem(st.st_size)
        if problem:
            return None, problem

        cap = limits().max_file_bytes
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > cap:  # a file still growing past the limit as it is read
                return None, file_size_problem(total)
        return b"".join(chunks), None
    except OSError as exc:
        return None, _os_reason(path, exc)
    finally:
        os.close(fd)


def display_name(name: str | os.PathLike[str]) -> str:
    """A file name as text that can be stored and printed.

    Names that are not valid UTF-8 arrive with their odd bytes as surrogates
    (Python's ``surrogateescape``); they show as U+FFFD, the replacement mark.
    """
    text = os.fspath(name)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


class CompactRead(NamedTuple):
    """What the batch needs of one read to decide the file's outcome, as plain values
    (cheap to pickle).

    ``returns`` is the bronze.returns row the reader fills (every column but
    sha256, file_name and ingested_at), None when rejected. Keys are bronze column
    names, so the batch writes them by name (``tests/test_return_v2.py`` checks them
    against ``lakehouse/bronze.sql``). The child rows travel apart, a chunk of files
    at a time (:func:`child_columns`, ``ingest/chunks.py``).
    """

    rejection: str | None
    urn: int | None
    round: str | None
    warnings: int
    errors: int
    messages: tuple[tuple[str, str | None, str], ...]  # (severity, location, text)
    returns: Mapping[str, object] | None


class Scanned(NamedTuple):
    """A file as the ingest sees it: ``problem`` is set when it could not be read at all;
    ``read`` is None when it was not parsed (not a workbook suffix, or bytes already in
    bronze)."""

    sha256: str | None
    size: int | None
    problem: str | None
    read: CompactRead | None


_worker_urns: frozenset[int] | None = None
_worker_today: dt.date | None = None
_worker_loaded: frozenset[str] = frozenset()
_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (a pool must not outlive its ingest)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the pool's own shutdown still applies
        return
    if os.getppid() == 1:  # the parent died before the request took effect
        os._exit(1)


def init_worker(
    urns: frozenset[int] | None, today: dt.date, loaded: frozenset[str] = frozenset()
) -> None:
    """Pool initializer: die with the parent; keep the register, date and loaded hashes."""
    die_with_parent()
    global _worker_urns, _worker_today, _worker_loaded
    _worker_urns, _worker_today, _worker_loaded = urns, today, loaded


def scan_file(
    path: str | os.PathLike[str],
    urns: Collection[int] | None,
    today: dt.date,
    loaded: Collection[str],
) -> tuple[Scanned, ReturnRead | None]:
    """Hash one file and, when it is a workbook whose bytes are not in ``loaded``, read it.

    The hash and the read come from the same bytes, so what is recorded is
    what was read even while a school is still saving the file. The scan's
    compact read has no child rows: they come back in the read itself (None
    when rejected or not read), so that the caller can turn many files' rows
    into columns at once (:func:`child_columns`).
    """
    data, problem = read_file(path)
    if data is None:
        return Scanned(None, None, problem, None), None
    sha, size = hashlib.sha256(data).hexdigest(), len(data)
    # os.path, not pathlib: a Path object per file costs more than the checks below
    name = os.path.basename(path)
    if sha in loaded or suffix(name) not in WORKBOOK_EXTENSIONS:
        return Scanned(sha, size, None, None), None
    read = _read_data(data, name, register_urns=urns, today=today)
    read.sha256, read.size_bytes = sha, size
    return Scanned(sha, size, None, compact(read)), read if read.ok else None


# Each child bronze table (also the ReturnRead list that fills it) -> its columns after sha256:
# the fields of its row class, named as in bronze.sql (tests/test_ingest_returns.py checks).
_CHILD_COLUMNS: dict[str, tuple[str, ...]] = {
    table: row._fields
    for table, row in (
        ("responses", ResponseRow),
        ("policies", PolicyRow),
        ("training", TrainingRow),
        ("incidents", IncidentRow),
        ("fm_checks", FmCheckRow),
    )
}


CHILD_TABLES = tuple(_CHILD_COLUMNS)


def child_columns(table: str, rows: list[Any], shas: list[str | None]) -> dict[str, Sequence[Any]]:
    """Child rows of one table (from one read or many) as columns: ``shas`` (each row's
    file's sha256) first, then the row class's fields, named as in bronze.sql."""
    names = _CHILD_COLUMNS[table]
    # the rows are tuples: zip turns them into columns without a Python step per value
    columns = list(zip(*rows, strict=True)) or [()] * len(names)
    return {"sha256": shas, **dict(zip(names, columns, strict=True))}


def compact(r: ReturnRead) -> CompactRead:
    """A read as a :class:`CompactRead`, keyed by bronze column names."""
    messages = tuple((m.severity, m.location, m.message) for m in r.messages)
    if not r.ok:
        return CompactRead(r.rejection, r.urn, r.round, 0, 0, messages, None)
    returns = {
        "urn": r.urn,
        "round": r.round,
        "completed_on": r.completed_on,
        "school_name": r.school_name,
        "completed_by": r.completed_by,
        "filtering": r.filtering,
        "filtering_raw": r.filtering_raw,
        "monitoring": r.monitoring,
        "monitoring_raw": r.monitoring_raw,
        "pupils_offsite": r.pupils_offsite,
        "pupil_survey_pct": r.pupil_survey_pct,
        "return_version": r.return_version,
        "fm_sheet": r.fm_sheet,
    }
    return CompactRead(
        None, r.urn, r.round, r.count("warning"), r.count("error"), messages, returns
    )  # fmt: skip


def not_a_workbook_reason(path: Path) -> str:
    """Why a file whose name does not end in a workbook extension is not read as a return."""
    exts = ", ".join(sorted(WORKBOOK_EXTENSIONS))
    suffix = display_name(path.suffix) or "no extension"
    return f"not a return workbook (expected {exts}; got '{suffix}')"
